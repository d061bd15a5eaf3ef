"""Settings for benchmark runs: the site's settings plus the reference view's URL.

A separate module so that the site's urls.py stays untouched: `bench/run.py` starts
gunicorn with DJANGO_SETTINGS_MODULE=bench.settings.
"""

from hkai_site.settings import *
from hkai_site.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]

# The static ceiling: a file as large as an article page, written by bench/run.py.
STATICFILES_DIRS = [*STATICFILES_DIRS, BASE_DIR / "bench" / "out" / "static"]
