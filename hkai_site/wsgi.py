"""WSGI entry point, served by gunicorn in production (see gunicorn.conf.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.settings")

application = get_wsgi_application()
