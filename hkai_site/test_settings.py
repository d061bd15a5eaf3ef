"""Test-only overrides, each with its reason. Everything else is the real settings module."""
import os

# The real module refuses to start without a secret key when DEBUG is off; tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-secret-key-with-enough-length-and-entropy-0123456789")

from .settings import *  # noqa: E402,F401,F403

# Hashing passwords with PBKDF2 would dominate the run time of admin tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests must not need `collectstatic`: the manifest storage is exercised by its own test.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded files go to a throwaway folder, never into the developer's media/.
MEDIA_ROOT = Path(os.environ.get("TEST_MEDIA_ROOT", "/tmp/hkai-test-media"))  # noqa: F405

# Tests run inside transactions that roll back, so on_commit never fires and the page cache
# would serve one test's page to the next. tests/test_cache.py turns it on where it is tested.
PAGE_CACHE_ENABLED = False
FRAGMENT_CACHE_ENABLED = False
