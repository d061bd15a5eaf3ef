"""newsroom/history.py: what a revision holds (tags, authors; not version or translation), the baseline."""

import pytest

from articles.models import Article, Author, Topic
from tests.admin_forms import admin_url, form_data

from .helpers import edit, logged_in, versions


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


@pytest.mark.django_db
class TestAdmin:
    def test_restoring_a_version_keeps_the_current_translation(self, client, editor, make_article, section):
        from reversion.models import Version

        from tests.admin_forms import form_data

        client.force_login(editor)
        english = make_article(title="Before")
        change = f"/admin/articles/article/{english.pk}/change/"
        client.post(change, form_data(client.get(change), title="First edit"))
        chinese = make_article(language="zh-hant", translation=english)
        client.post(change, form_data(client.get(change), title="Second edit"))
        first = next(
            v for v in Version.objects.get_for_object(english) if v.field_dict["title"] == "First edit"
        )
        revision = f"/admin/articles/article/{english.pk}/history/{first.pk}/"
        response = client.post(revision, form_data(client.get(revision)))
        assert response.status_code == 302
        english.refresh_from_db()
        chinese.refresh_from_db()
        assert english.title == "First edit"
        assert english.translation == chinese and chinese.translation == english
