"""Every error of the API as JSON with a clear message: {"detail": "..."}, and for a bad
parameter {"detail": "...", "errors": {"parameter": "what it must be"}}."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def _message(value):
    if isinstance(value, (list, tuple)):
        return " ".join(_message(v) for v in value)
    return str(value)


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, dict):
        errors = {name: _message(value) for name, value in response.data.items()}
        response.data = {
            "detail": _("Bad parameters: %(names)s.") % {"names": ", ".join(errors)},
            "errors": errors,
        }
    return response


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


def bad_request(request, exception, *args, **kwargs):
    """The site's 400 (hkai_site/urls.py's handler400): JSON under /api/, the page elsewhere."""
    from django.views.defaults import bad_request as page

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return page(request, exception, *args, **kwargs)
