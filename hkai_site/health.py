"""Health check for load balancers: GET /healthz -> 200 "ok" when the database answers.

A middleware placed first, not a view, because load balancers probe each app server by
its own address over plain HTTP: the Host header is not in ALLOWED_HOSTS and the HTTPS
redirect would answer 301. The check runs before either. Redis is not checked: without
it pages are served uncached (pagecache/), which is slower but healthy.
"""

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != settings.HEALTH_CHECK_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except Exception:
            logger.exception("Health check: database unavailable")
            response = HttpResponse("database unavailable\n", status=503, content_type="text/plain")
        else:
            response = HttpResponse("ok\n", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
