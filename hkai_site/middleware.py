"""Project-wide request guards."""

from django.core.exceptions import BadRequest


class RejectNullCharactersMiddleware:
    """Answer 400 to a NUL character in the path or the query string.

    No real URL contains one, and PostgreSQL cannot store or compare text with NUL in it: a
    view passing such a value to a query would fail with a 500. Form fields already refuse
    NUL (Django's ProhibitNullCharactersValidator), so request bodies are left to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL character in the address.")
        return self.get_response(request)
