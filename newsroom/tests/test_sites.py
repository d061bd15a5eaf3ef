"""newsroom/sites.py: staff only in the admin, and "view on site" only for what the user may see."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from articles.models import Article
from tests.admin_forms import admin_url

from .helpers import HidesTheSecret, logged_in


@pytest.mark.django_db
def test_non_staff_user_is_sent_to_the_login_page(client, make_user):
    reader = make_user("reader")
    response = logged_in(client, reader).get(admin_url("changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


@pytest.mark.django_db
class TestWriterCannotReachAnotherWritersArticle(HidesTheSecret):
    def test_view_on_site_redirect_and_public_page(self, client, writer, others_draft):
        client = logged_in(client, writer)
        content_type = ContentType.objects.get_for_model(Article)
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, others_draft.pk]))
        assert response.status_code == 404
        self.assert_hidden(response)
        response = client.get(others_draft.get_absolute_url())
        assert response.status_code == 404
        self.assert_hidden(response)


@pytest.mark.django_db
class TestViewOnSite:
    def test_editor_previews_a_draft(self, client, editor, own_draft):
        client = logged_in(client, editor)
        change = client.get(admin_url("change", own_draft.pk)).content.decode()
        content_type = ContentType.objects.get_for_model(Article)
        link = reverse("admin:view_on_site", args=[content_type.pk, own_draft.pk])
        assert link in change
        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"].endswith(own_draft.get_absolute_url())
        page = client.get(own_draft.get_absolute_url())
        assert page.status_code == 200 and own_draft.title in page.content.decode()

    def test_unknown_content_type_is_404(self, client, editor):
        response = logged_in(client, editor).get(reverse("admin:view_on_site", args=[99999, 1]))
        assert response.status_code == 404
