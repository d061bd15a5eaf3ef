"""Nothing lost: every admin save is a revision; any earlier one can be restored through the
admin, with its topics, organisations and authors."""

import pytest
from django.test import Client
from reversion.models import Version

from articles.models import Article, Author, Topic

from .admin_forms import admin_url, form_data


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def edit(client, article, **changes):
    data = form_data(client.get(admin_url("change", article.pk)), **changes)
    response = client.post(admin_url("change", article.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    return article


def versions(article):
    """Oldest first."""
    return list(Version.objects.get_for_object(article).order_by("pk"))


@pytest.fixture
def story(writer, section, topic, organisation):
    """A draft written through the admin by the writer: its first revision."""
    client = logged_in(writer)
    response = client.post(
        admin_url("add"),
        {
            "title": "First title",
            "slug": "first-title",
            "standfirst": "",
            "body": "First body.",
            "language": "en",
            "section": str(section.pk),
            "topics": [str(topic.pk)],
            "organisations": [str(organisation.pk)],
            "authors": [str(writer.author.pk)],
            "new_topics": "",
            "hero_image_alt": "",
        },
    )
    assert response.status_code == 302
    return Article.objects.get(slug="first-title")


@pytest.mark.django_db
class TestRestore:
    def test_editor_restores_the_first_version_with_its_tags(self, story, editor, writer):
        client = logged_in(editor)
        second_author = Author.objects.create(name="Second", slug="second")
        edit(
            client,
            story,
            title="Second title",
            body="Second body.",
            topics=[],
            new_topics="robotics",
            organisations=[],
            authors=[str(second_author.pk)],
        )
        edit(client, story, title="Third title", body="Third body.", new_topics="quantum")
        assert sorted(story.topics.values_list("name", flat=True)) == ["quantum", "robotics"]
        first, second, third = versions(story)

        history = client.get(admin_url("history", story.pk))
        assert history.status_code == 200
        page = history.content.decode()
        for version in (first, second, third):
            assert admin_url("revision", story.pk, version.pk) in page

        # The revision page shows the old version in the change form; saving it restores it.
        revision_page = client.get(admin_url("revision", story.pk, first.pk))
        assert revision_page.status_code == 200
        assert "First body." in revision_page.content.decode()
        story.refresh_from_db()
        assert story.title == "Third title"  # looking changes nothing
        response = client.post(admin_url("revision", story.pk, first.pk), form_data(revision_page))
        assert response.status_code == 302
        story.refresh_from_db()
        assert story.title == "First title"
        assert story.body == "First body." and "First body." in story.body_html
        assert [t.name for t in story.topics.all()] == ["fintech"]
        assert [o.name for o in story.organisations.all()] == ["ASTRI"]
        assert list(story.authors.all()) == [writer.author]
        assert Topic.objects.filter(name="quantum").exists()  # tags themselves are kept
        # The restore is itself a new revision, and the edit counter went on upwards.
        assert len(versions(story)) == 4
        assert story.version == 4

    def test_article_made_outside_the_admin_keeps_its_original(self, make_article, editor, topic):
        loaded = make_article(title="Loaded title", body="Loaded body.", topics=[topic])
        assert versions(loaded) == []
        client = logged_in(editor)
        edit(client, loaded, title="Edited title", topics=[])
        baseline = versions(loaded)[0]
        assert baseline.revision.comment == "As it was before its first change in the admin."
        revision_page = client.get(admin_url("revision", loaded.pk, baseline.pk))
        client.post(admin_url("revision", loaded.pk, baseline.pk), form_data(revision_page))
        loaded.refresh_from_db()
        assert loaded.title == "Loaded title" and list(loaded.topics.all()) == [topic]

    def test_writer_restores_own_draft(self, story, writer):
        client = logged_in(writer)
        edit(client, story, title="Worse title")
        first = versions(story)[0]
        revision_page = client.get(admin_url("revision", story.pk, first.pk))
        response = client.post(admin_url("revision", story.pk, first.pk), form_data(revision_page))
        assert response.status_code == 302
        story.refresh_from_db()
        assert story.title == "First title" and story.status == Article.Status.DRAFT

    def test_writer_cannot_restore_a_published_version(self, story, writer, editor):
        editor_client = logged_in(editor)
        edit(editor_client, story, status="published")
        edit(editor_client, story, status="draft", title="Pulled")
        published_version = versions(story)[1]
        client = logged_in(writer)
        revision_page = client.get(admin_url("revision", story.pk, published_version.pk))
        response = client.post(
            admin_url("revision", story.pk, published_version.pk), form_data(revision_page)
        )
        assert response.status_code == 403
        story.refresh_from_db()
        assert story.status == Article.Status.DRAFT and story.title == "Pulled"

    def test_version_of_another_article_is_404(self, story, editor, make_article):
        other = make_article()
        client = logged_in(editor)
        edit(client, other, title="Other edited")
        other_version = versions(other)[0]
        response = client.get(admin_url("revision", story.pk, other_version.pk))
        assert response.status_code == 404


@pytest.mark.django_db
class TestHistoryVisibility:
    def test_writer_sees_own_history_only(self, story, writer, other_writer):
        response = logged_in(writer).get(admin_url("history", story.pk))
        assert response.status_code == 200
        assert "Added." in response.content.decode()
        response = logged_in(other_writer).get(admin_url("history", story.pk), follow=True)
        assert story.title not in response.content.decode()
        assert response.redirect_chain[0][0] == "/admin/"
        first = versions(story)[0]
        response = logged_in(other_writer).get(admin_url("revision", story.pk, first.pk))
        assert response.status_code == 302

    def test_published_article_history_is_read_only_for_its_writer(self, story, writer, editor):
        edit(logged_in(editor), story, status="published")
        page = logged_in(writer).get(admin_url("history", story.pk)).content.decode()
        assert "Added." in page
        assert admin_url("revision", story.pk, versions(story)[0].pk) not in page
        response = logged_in(writer).get(admin_url("revision", story.pk, versions(story)[0].pk))
        assert response.status_code == 403


@pytest.mark.django_db
class TestRecoverDeleted:
    def test_editor_recovers_a_deleted_article(self, story, editor):
        client = logged_in(editor)
        response = client.post(admin_url("delete", story.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not Article.objects.exists()
        listing = client.get(admin_url("recoverlist"))
        assert listing.status_code == 200 and "First title" in listing.content.decode()
        version = versions(story)[-1]
        form = client.get(admin_url("recover", version.pk))
        assert form.status_code == 200
        response = client.post(admin_url("recover", version.pk), form_data(form))
        assert response.status_code == 302
        recovered = Article.objects.get()
        assert recovered.title == "First title"
        assert [t.name for t in recovered.topics.all()] == ["fintech"]

    def test_writers_cannot_list_or_recover_deleted_articles(self, story, editor, writer):
        logged_in(editor).post(admin_url("delete", story.pk), {"post": "yes"})
        client = logged_in(writer)
        assert "Recover deleted" not in client.get(admin_url("changelist")).content.decode()
        response = client.get(admin_url("recoverlist"))
        assert response.status_code == 403 and "First title" not in response.content.decode()
        version = versions(story)[-1]
        assert client.get(admin_url("recover", version.pk)).status_code == 403
