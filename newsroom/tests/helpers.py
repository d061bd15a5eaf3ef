"""Helpers for the newsroom's tests: logging in, editing through the change form, revisions."""

from django.test import Client
from reversion.models import Version

from tests.admin_forms import admin_url, form_data

SECRET = "Secret merger of two Hong Kong AI labs"


def logged_in(client_or_user, user=None):
    """logged_in(client, user): `client` logged in as `user`; logged_in(user): a new Client."""
    if user is None:
        client, user = Client(), client_or_user
    else:
        client = client_or_user
    client.force_login(user)
    return client


class HidesTheSecret:
    """For the classes that check a writer never sees another writer's draft (SECRET)."""

    def assert_hidden(self, response):
        assert SECRET not in response.content.decode()
        assert "secret-merger" not in response.get("Location", "")


def edit(client, article, **changes):
    data = form_data(client.get(admin_url("change", article.pk)), **changes)
    response = client.post(admin_url("change", article.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def versions(article):
    """Oldest first."""
    return list(Version.objects.get_for_object(article).order_by("pk"))
