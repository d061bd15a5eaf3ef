"""newsroom/forms.py: ArticleAdminForm's edit-conflict check and its new tags."""

import pytest

from articles.models import Article, Organisation, Topic
from tests.admin_forms import admin_url, form_data

from .helpers import logged_in


@pytest.fixture
def article(make_article, writer):
    return make_article(
        title="Original title",
        body="Original body.",
        status=Article.Status.DRAFT,
        created_by=writer,
    )


@pytest.mark.django_db
class TestEditConflict:
    def test_second_save_is_refused_and_keeps_its_text(self, article, editor, writer):
        first, second = logged_in(editor), logged_in(writer)
        first_form = first.get(admin_url("change", article.pk))
        second_form = second.get(admin_url("change", article.pk))

        response = first.post(admin_url("change", article.pk), form_data(first_form, body="Editor's body."))
        assert response.status_code == 302

        response = second.post(
            admin_url("change", article.pk),
            form_data(second_form, title="Writer's title", body="Writer's long careful body."),
        )
        assert response.status_code == 200
        form = response.context["adminform"].form
        assert [e.code for e in form.errors.as_data()["__all__"]] == ["edit_conflict"]
        page = response.content.decode()
        assert "Someone else saved this article after you opened it (by editor at" in page
        # The second person's words are still in the form, to copy...
        assert "Writer&#x27;s long careful body." in page
        assert 'value="Writer&#x27;s title"' in page
        # ...with a link to the current version.
        assert f'href="{admin_url("change", article.pk)}" target="_blank"' in page
        article.refresh_from_db()
        assert article.body == "Editor's body." and article.title == "Original title"
        assert article.version == 2

        # Submitting the same stale form again is refused again.
        response = second.post(admin_url("change", article.pk), form_data(response))
        assert response.status_code == 200
        article.refresh_from_db()
        assert article.body == "Editor's body."

        # Reloading gives the current version, which saves normally.
        fresh = second.get(admin_url("change", article.pk))
        assert "Editor&#x27;s body." in fresh.content.decode()
        response = second.post(admin_url("change", article.pk), form_data(fresh, title="Writer's title"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert (article.title, article.body, article.version) == (
            "Writer's title",
            "Editor's body.",
            3,
        )

    def test_a_bulk_action_in_between_is_a_conflict_too(self, article, editor):
        form = logged_in(editor).get(admin_url("change", article.pk))
        other = logged_in(editor)
        other.post(
            admin_url("changelist"),
            {"action": "publish_selected", "_selected_action": [article.pk]},
        )
        response = logged_in(editor).post(
            admin_url("change", article.pk), form_data(form, body="Stale body.")
        )
        assert response.status_code == 200
        article.refresh_from_db()
        assert article.status == Article.Status.PUBLISHED and article.body == "Original body."

    def test_a_form_without_its_version_is_refused(self, article, editor):
        client = logged_in(editor)
        data = form_data(client.get(admin_url("change", article.pk)), body="Changed")
        del data["expected_version"]
        response = client.post(admin_url("change", article.pk), data)
        assert response.status_code == 200
        article.refresh_from_db()
        assert article.body == "Original body."

    def test_a_validation_error_does_not_use_up_the_version(self, article, editor):
        client = logged_in(editor)
        form = client.get(admin_url("change", article.pk))
        response = client.post(admin_url("change", article.pk), form_data(form, title=""))
        assert response.status_code == 200
        assert "title" in response.context["adminform"].form.errors
        assert "__all__" not in response.context["adminform"].form.errors
        response = client.post(admin_url("change", article.pk), form_data(response, title="Fixed"))
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.title == "Fixed"

    def test_restoring_an_old_version_over_a_newer_save_is_a_conflict(self, article, editor):
        client = logged_in(editor)
        client.post(
            admin_url("change", article.pk),
            form_data(client.get(admin_url("change", article.pk)), body="Second."),
        )
        from reversion.models import Version

        first = Version.objects.get_for_object(article).order_by("pk").first()
        restore_form = client.get(admin_url("revision", article.pk, first.pk))
        # Someone saves after the restore page was opened.
        client.post(
            admin_url("change", article.pk),
            form_data(client.get(admin_url("change", article.pk)), body="Third."),
        )
        response = client.post(admin_url("revision", article.pk, first.pk), form_data(restore_form))
        assert response.status_code == 200
        assert "Someone else saved this article" in response.content.decode()
        article.refresh_from_db()
        assert article.body == "Third."


@pytest.mark.django_db
class TestTagAutocomplete:
    def test_writer_tags_a_draft_with_existing_and_new_topics(
        self, client, writer, own_draft, topic, organisation
    ):
        client = logged_in(client, writer)
        data = form_data(
            client.get(admin_url("change", own_draft.pk)),
            topics=[str(topic.pk)],
            organisations=[str(organisation.pk)],
            new_topics="Smart city, smart  city, FINTECH, 香港AI",
        )
        response = client.post(admin_url("change", own_draft.pk), data)
        assert response.status_code == 302
        assert sorted(own_draft.topics.values_list("name", flat=True)) == [
            "Smart city",
            "fintech",
            "香港AI",
        ]
        assert list(own_draft.organisations.all()) == [organisation]
        assert Topic.objects.count() == 3
        assert Topic.objects.get(name="香港AI").slug == "香港ai"

    def test_writer_cannot_create_organisations(self, client, writer, own_draft):
        client = logged_in(client, writer)
        form = client.get(admin_url("change", own_draft.pk))
        assert "new_organisations" not in form.context["adminform"].form.fields
        data = form_data(form, new_organisations="Made Up Ltd")
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        assert not Organisation.objects.exists()

    def test_editor_creates_organisations(self, client, editor, own_draft):
        client = logged_in(client, editor)
        data = form_data(client.get(admin_url("change", own_draft.pk)), new_organisations="HKSTP, Cyberport")
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        assert sorted(own_draft.organisations.values_list("name", flat=True)) == [
            "Cyberport",
            "HKSTP",
        ]
