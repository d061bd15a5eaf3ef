"""Test-only helpers referenced from hkai_site/test_settings.py (never from settings.py)."""

from axes.backends import AxesStandaloneBackend


class TestClientFriendlyAxesBackend(AxesStandaloneBackend):
    """Axes' backend, except for authenticate() calls without a request.

    Only Django's test client `login()` makes those; every login over HTTP passes its request,
    so lockouts are enforced exactly as in production."""

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
