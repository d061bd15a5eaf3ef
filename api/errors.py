"""Every error of the API as JSON with a clear message: {"detail": "..."} (and per parameter
messages for a bad filter)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    return drf_exception_handler(exc, context)


def not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404 rather than the site's HTML page."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
