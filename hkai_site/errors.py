"""The 500 handler: a database that cannot be reached is a 503 ("try again in a moment"),
not an error of ours, and an editor's form posted meanwhile comes back with its text.

While PostgreSQL restarts (or SQLite is locked past its timeout) every page that needs the
database fails; pages in the page cache are still served (pagecache/). Django hands the
failure to handler500 inside its `except` block, so the exception is sys.exc_info()'s.
"""

import sys

from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

# Posted fields that are no one's text.
NOT_TEXT = {"csrfmiddlewaretoken", "expected_version"}


def database_unavailable(error):
    return isinstance(error, (OperationalError, InterfaceError))


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    kept = []
    if request.method == "POST":
        try:
            kept = [
                (name, value)
                for name, value in request.POST.items()
                if name not in NOT_TEXT and not name.startswith("_") and value.strip()
            ]
        except Exception:  # an unreadable body: nothing to give back
            kept = []
    # No context processors: as for the 500 page, nothing that may need the database.
    content = loader.get_template("503.html").render({"kept": kept})
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "5"
    # Tells StalePageOnDatabaseErrorMiddleware that a cached copy may stand in.
    response.database_unavailable = True
    response["Cache-Control"] = "no-store"
    return response
