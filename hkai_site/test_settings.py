"""Test-only overrides, each with its reason. Everything else is the real settings module."""

import os
import tempfile

# The real module refuses to start without a secret key when DEBUG is off; tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-with-enough-length-and-entropy-0123456789")

from .settings import *

# Hashing passwords with PBKDF2 would dominate the run time of admin tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests must not need `collectstatic`: the manifest storage is exercised by its own test.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded files go to a throwaway folder, never into the developer's media/.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/hkai-test-media"))

# Tests don't run collectstatic: let WhiteNoise find files through the staticfiles finders at
# request time (as with DEBUG on) instead of warning that STATIC_ROOT does not exist.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# The test client speaks plain HTTP: with the production redirect on, every request would be a 301
# to https. tests/test_security.py turns it back on where it tests the redirect itself.
SECURE_SSL_REDIRECT = False

# Axes stays on in tests, but Django's test client `login()` calls authenticate() without a request,
# which axes refuses with an error; this backend lets that one call through (HTTP logins, and so the
# throttling tests, always carry a request). `force_login` skips it either way (it has no get_user).
AUTHENTICATION_BACKENDS = [
    "hkai_site.testing.TestClientFriendlyAxesBackend"
    if backend == "axes.backends.AxesStandaloneBackend"
    else backend
    for backend in AUTHENTICATION_BACKENDS
]

# Backups made by tests (and the safety backup `restore` takes first) never land in backups/.
BACKUP_DIR = Path(os.environ.get("TEST_BACKUP_DIR", "/tmp/hkai-test-backups"))

# Tests run inside transactions that roll back, so on_commit never fires and the page cache
# would serve one test's page to the next. pagecache/tests/ turn it on where it is tested.
PAGE_CACHE_ENABLED = False
FRAGMENT_CACHE_ENABLED = False

# One stamp file per test run (pagecache/generation.py): two runs at once on one machine
# would otherwise start new generations in each other's local-memory caches.
PAGE_CACHE_STAMP_FILE = os.environ.get(
    "PAGE_CACHE_STAMP_FILE", str(Path(tempfile.gettempdir()) / f"hkai-test-page-cache-{os.getpid()}")
)
