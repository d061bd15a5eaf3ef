"""Health check for load balancers: GET /healthz -> 200 "ok" when the database answers with
its schema in place, 503 otherwise.

A middleware placed before the host check and the HTTPS redirect, not a view, because load
balancers probe each app server by its own address over plain HTTP: the Host header is not
in ALLOWED_HOSTS and the redirect would answer 301. Redis is not checked: without it pages
are served uncached (pagecache/), which is slower but healthy.

"The database answers" is not enough: a missing or empty SQLite file answers `SELECT 1`
while every page is a 500. So the check proves the schema: every migration this code knows
is applied (read once per process, as the code cannot change under it) and one cheap query
on a content table succeeds (every time: a database replaced by an empty one fails it).
A missing SQLite file is reported without connecting, which would create it.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

from articles.models import Article

logger = logging.getLogger(__name__)

_migrations_applied = False


def database_problem():
    """None when the database is ready to serve pages, else a short reason."""
    global _migrations_applied
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        if not Path(connection.settings_dict["NAME"]).is_file():
            return "database file missing"
    try:
        if not _migrations_applied:
            executor = MigrationExecutor(connection)
            if executor.migration_plan(executor.loader.graph.leaf_nodes()):
                return "migrations not applied"
            _migrations_applied = True
        Article.objects.only("pk").exists()
    except Exception:
        logger.exception("Health check: database unavailable")
        return "database unavailable"
    return None


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != settings.HEALTH_CHECK_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        problem = database_problem()
        if problem is None:
            response = HttpResponse("ok\n", content_type="text/plain")
        else:
            logger.warning("Health check failed: %s", problem)
            response = HttpResponse(f"{problem}\n", status=503, content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response
