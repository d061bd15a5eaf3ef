"""newsroom/admin.py: each screen per role, publishing and ownership on the server, tags, history screens."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Topic
from pagecache.fragments import LOCAL_VALUES
from tests.admin_forms import admin_url, form_data

from .helpers import SECRET, HidesTheSecret, edit, logged_in, versions


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def users(superuser, editor, writer):
    return {"superuser": superuser, "editor": editor, "writer": writer}


def add_post(section, **extra):
    data = {
        "title": "Cyberport's new AI lab",
        "slug": "cyberport-ai-lab",
        "standfirst": "",
        "body": "A **new** lab.",
        # The language select always sends a value (English is preselected).
        "language": "en",
        "section": str(section.pk),
        "hero": "",
        "new_topics": "",
    }
    data.update(extra)
    return data


PAGES = [
    # (url name, model, needs an object, expected status per role)
    ("changelist", "article", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("add", "article", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("change", "article", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("history", "article", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("delete", "article", True, {"superuser": 200, "editor": 200, "writer": 403}),
    ("recoverlist", "article", False, {"superuser": 200, "editor": 200, "writer": 403}),
    ("changelist", "section", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("add", "section", False, {"superuser": 200, "editor": 200, "writer": 403}),
    ("change", "section", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("history", "section", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("delete", "section", True, {"superuser": 200, "editor": 200, "writer": 403}),
    ("changelist", "organisation", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("add", "organisation", False, {"superuser": 200, "editor": 200, "writer": 403}),
    ("change", "organisation", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("history", "organisation", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("delete", "organisation", True, {"superuser": 200, "editor": 200, "writer": 403}),
    ("changelist", "topic", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("add", "topic", False, {"superuser": 200, "editor": 200, "writer": 403}),
    ("change", "topic", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("history", "topic", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("delete", "topic", True, {"superuser": 200, "editor": 200, "writer": 403}),
    ("changelist", "author", False, {"superuser": 200, "editor": 200, "writer": 200}),
    ("add", "author", False, {"superuser": 200, "editor": 200, "writer": 403}),
    ("change", "author", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("history", "author", True, {"superuser": 200, "editor": 200, "writer": 200}),
    ("delete", "author", True, {"superuser": 200, "editor": 200, "writer": 403}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["superuser", "editor", "writer"])
@pytest.mark.parametrize(("name", "model", "with_object", "expected"), PAGES)
def test_every_admin_page_renders_for_each_role(
    client, users, role, name, model, with_object, expected, make_article, organisation, topic
):
    user = users[role]
    article = make_article(
        status=Article.Status.DRAFT,
        created_by=users["writer"],
        topics=[topic],
        organisations=[organisation],
        authors=[users["writer"].author],
    )
    objects = {
        "article": article,
        "section": article.section,
        "organisation": organisation,
        "topic": topic,
        "author": users["writer"].author,
    }
    url = admin_url(name, *([objects[model].pk] if with_object else []), model=model)
    response = logged_in(client, user).get(url)
    assert response.status_code == expected[role], url


@pytest.mark.django_db
def test_admin_index_lists_what_each_role_may_use(client, editor, writer):
    page = logged_in(client, writer).get(reverse("admin:index")).content.decode()
    assert "Articles" in page and "Topics" in page
    assert admin_url("add", model="topic") not in page
    page = logged_in(client, editor).get(reverse("admin:index")).content.decode()
    assert admin_url("add", model="topic") in page


@pytest.mark.django_db
def test_article_changelist_shows_the_columns_in_few_queries(
    client, editor, make_article, django_assert_max_num_queries
):
    for n in range(15):
        make_article(title=f"Story {n}", authors=[editor.author])
    make_article(title="Later", published_at=timezone.now() + timedelta(days=1))
    client = logged_in(client, editor)
    client.get(admin_url("changelist"))  # warm the session and content types
    # Session, user, 2 permission lookups, 3 filter choice lists, 2 counts, the page,
    # its authors, 2 for the date hierarchy, the review queue's count in the navigation:
    # whatever the number of rows.
    with django_assert_max_num_queries(14) as captured:
        response = client.get(admin_url("changelist"))
    page_query = next(q["sql"] for q in captured.captured_queries if '"title"' in q["sql"])
    assert '"body"' not in page_query  # bodies are not loaded for the list
    page = response.content.decode()
    assert "Story 14" in page and "Editor" in page and "Scheduled" in page


@pytest.mark.django_db
def test_article_changelist_filters_search_and_date_hierarchy(
    client, editor, make_article, topic, organisation
):
    tagged = make_article(title="Tagged story", topics=[topic], organisations=[organisation])
    make_article(title="Bare story")
    client = logged_in(client, editor)
    for query in (
        {"topics__id__exact": topic.pk},
        {"organisations__id__exact": organisation.pk},
        {"q": "Tagged"},
        {"status__exact": "published", "section__id__exact": tagged.section_id},
        {"published_at__year": tagged.published_at.astimezone(timezone.get_current_timezone()).year},
    ):
        page = client.get(admin_url("changelist"), query).content.decode()
        assert "Tagged story" in page, query
        if "status__exact" not in query and "published_at__year" not in query:
            assert "Bare story" not in page, query


@pytest.mark.django_db
class TestWriterCannotPublish:
    def test_add_form_has_the_publication_fields_read_only(self, client, writer):
        response = logged_in(client, writer).get(admin_url("add"))
        form = response.context["adminform"].form
        # The status is theirs within the workflow: a draft, or submitted for review.
        assert [value for value, _label in form.fields["status"].widget.choices] == ["draft", "review"]
        assert "published_at" not in form.fields
        assert "expires_at" not in form.fields
        assert "featured" not in form.fields
        assert form.initial["authors"] == [writer.author.pk]

    def test_posting_status_and_time_on_add_is_refused(self, client, writer, section):
        response = logged_in(client, writer).post(
            admin_url("add"),
            add_post(
                section,
                status="published",
                published_at_0="2024-01-01",
                published_at_1="10:00:00",
                featured="on",
                authors=[str(writer.author.pk)],
            ),
        )
        assert response.status_code == 200  # the form again, with the refusal, never "added"
        errors = response.context["adminform"].form.errors
        assert "Only an editor may publish" in str(errors["status"])
        assert "published_at, featured" in str(errors["__all__"])
        assert not Article.objects.filter(slug="cyberport-ai-lab").exists()

    def test_posting_status_on_own_draft_is_refused(self, client, writer, own_draft):
        client = logged_in(client, writer)
        form = client.get(admin_url("change", own_draft.pk))
        data = form_data(form, title="Renamed", status="published")
        response = client.post(admin_url("change", own_draft.pk), data)
        assert response.status_code == 200
        assert "Only an editor may publish" in response.content.decode()
        data = form_data(form, title="Renamed")
        data.update(published_at_0="2024-01-01", published_at_1="10:00:00")
        response = client.post(admin_url("change", own_draft.pk), data)
        assert response.status_code == 200
        assert "You may not set published_at" in response.content.decode()
        own_draft.refresh_from_db()
        assert own_draft.title != "Renamed"
        assert own_draft.status == Article.Status.DRAFT and own_draft.published_at is None

    def test_leaving_the_status_out_keeps_it(self, client, writer, own_draft):
        client = logged_in(client, writer)
        data = form_data(client.get(admin_url("change", own_draft.pk)), title="Renamed")
        del data["status"]
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        own_draft.refresh_from_db()
        assert own_draft.title == "Renamed" and own_draft.status == Article.Status.DRAFT

    def test_bulk_publish_is_not_offered_and_is_refused(self, client, writer, own_draft):
        client = logged_in(client, writer)
        page = client.get(admin_url("changelist")).content.decode()
        assert "publish_selected" not in page
        response = client.post(
            admin_url("changelist"),
            {"action": "publish_selected", "_selected_action": [own_draft.pk]},
            follow=True,
        )
        assert response.status_code == 200
        own_draft.refresh_from_db()
        assert own_draft.status == Article.Status.DRAFT

    def test_published_own_article_is_view_only(self, client, writer, make_article):
        article = make_article(title="Out now", created_by=writer)
        client = logged_in(client, writer)
        response = client.get(admin_url("change", article.pk))
        assert response.status_code == 200
        assert 'name="_save"' not in response.content.decode()
        data = {"title": "Hijacked", "slug": article.slug, "body": "x", "section": article.section_id}
        assert client.post(admin_url("change", article.pk), data).status_code == 403
        article.refresh_from_db()
        assert article.title == "Out now"
        # ...and it cannot be restored to a published state through history either.
        assert client.get(admin_url("history", article.pk)).status_code == 200


@pytest.mark.django_db
class TestEditorPublishes:
    def test_editor_publishes_now(self, client, editor, own_draft):
        client = logged_in(client, editor)
        data = form_data(client.get(admin_url("change", own_draft.pk)), status="published")
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        own_draft.refresh_from_db()
        assert own_draft.is_published
        assert own_draft.created_by.username == "writer"  # ownership is not taken over

    def test_editor_schedules(self, client, editor, own_draft):
        client = logged_in(client, editor)
        when = timezone.localtime() + timedelta(days=2)
        data = form_data(
            client.get(admin_url("change", own_draft.pk)),
            status="published",
            published_at_0=when.date().isoformat(),
            published_at_1=when.strftime("%H:%M:%S"),
        )
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        own_draft.refresh_from_db()
        assert own_draft.is_scheduled and not Article.objects.published().exists()
        assert "Scheduled" in client.get(admin_url("changelist")).content.decode()

    def test_bulk_publish_and_unpublish(self, client, editor, make_article):
        drafts = [make_article(status=Article.Status.DRAFT) for _ in range(3)]
        later = timezone.now() + timedelta(days=1)
        scheduled = make_article(status=Article.Status.DRAFT, published_at=later)
        client = logged_in(client, editor)
        response = client.post(
            admin_url("changelist"),
            {"action": "publish_selected", "_selected_action": [a.pk for a in drafts + [scheduled]]},
            follow=True,
        )
        assert "4 articles published." in response.content.decode()
        assert Article.objects.published().count() == 3
        scheduled.refresh_from_db()
        assert scheduled.is_scheduled and scheduled.published_at == later

        response = client.post(
            admin_url("changelist"),
            {"action": "unpublish_selected", "_selected_action": [drafts[0].pk, drafts[1].pk]},
            follow=True,
        )
        assert "2 articles unpublished." in response.content.decode()
        assert list(Article.objects.published()) == [drafts[2]]
        # Each article gets its own revision, so restoring one never reverts the others.
        history = client.get(admin_url("history", drafts[0].pk))
        assert [a["revision"].comment for a in history.context["action_list"]] == [
            "Unpublished.",
            "Published.",
            "As it was before its first change in the admin.",
        ]
        assert all(a["revision"].version_set.count() == 1 for a in history.context["action_list"])


@pytest.mark.django_db
class TestWriterCannotReachAnotherWritersArticle(HidesTheSecret):
    def test_changelist_and_search(self, client, writer, others_draft, own_draft):
        client = logged_in(client, writer)
        response = client.get(admin_url("changelist"))
        self.assert_hidden(response)
        assert own_draft.title in response.content.decode()
        self.assert_hidden(client.get(admin_url("changelist"), {"q": "Secret"}))
        self.assert_hidden(client.get(admin_url("changelist"), {"status__exact": "draft"}))

    @pytest.mark.parametrize("view", ["change", "history"])
    def test_change_and_history_views(self, client, writer, others_draft, view):
        client = logged_in(client, writer)
        response = client.get(admin_url(view, others_draft.pk))
        assert response.status_code == 302  # Django's "doesn't exist", as for a missing id
        self.assert_hidden(response)
        self.assert_hidden(client.get(admin_url(view, others_draft.pk), follow=True))

    def test_change_post_is_refused(self, client, writer, others_draft):
        data = {
            "title": "Hijacked",
            "slug": "hijacked",
            "body": "x",
            "section": others_draft.section_id,
            "expected_version": others_draft.version,
        }
        response = logged_in(client, writer).post(admin_url("change", others_draft.pk), data)
        assert response.status_code == 302  # "doesn't exist", as for a missing id
        self.assert_hidden(response)
        others_draft.refresh_from_db()
        assert others_draft.title == SECRET

    def test_delete_view(self, client, writer, others_draft):
        client = logged_in(client, writer)
        for method in (client.get, client.post):
            response = method(admin_url("delete", others_draft.pk))
            assert response.status_code == 403
            self.assert_hidden(response)
        assert Article.objects.filter(pk=others_draft.pk).exists()

    def test_revision_views(self, client, editor, writer, others_draft):
        # Give the draft a revision, made by its owner through the admin.
        owner_client = logged_in(Client(), others_draft.created_by)
        data = form_data(owner_client.get(admin_url("change", others_draft.pk)), body="v2")
        owner_client.post(admin_url("change", others_draft.pk), data)
        version = others_draft_version_id(others_draft)
        client = logged_in(client, writer)
        response = client.get(admin_url("revision", others_draft.pk, version))
        assert response.status_code == 302
        self.assert_hidden(response)
        self.assert_hidden(client.get(admin_url("revision", others_draft.pk, version), follow=True))
        response = client.post(admin_url("revision", others_draft.pk, version), data)
        assert response.status_code == 302
        others_draft.refresh_from_db()
        assert others_draft.body == "v2"

    def test_bulk_action_on_anothers_article_does_nothing(self, client, editor, writer, others_draft):
        # Writers have no actions but delete's absence: try the only name an attacker could.
        response = logged_in(client, writer).post(
            admin_url("changelist"),
            {"action": "delete_selected", "_selected_action": [others_draft.pk], "post": "yes"},
            follow=True,
        )
        self.assert_hidden(response)
        assert Article.objects.filter(pk=others_draft.pk).exists()

    def test_autocomplete_does_not_leak_articles(self, client, writer, others_draft, own_draft):
        # Any relation to Article reaches ArticleAdmin's autocomplete, e.g. a tag link's.
        response = logged_in(client, writer).get(
            reverse("admin:autocomplete"),
            {
                "app_label": "articles",
                "model_name": "articletopic",
                "field_name": "content_object",
                "term": "",
            },
        )
        assert response.status_code == 200
        texts = [result["text"] for result in response.json()["results"]]
        assert texts == [own_draft.title]
        self.assert_hidden(response)


def others_draft_version_id(article):
    from reversion.models import Version

    return Version.objects.get_for_object(article).latest("pk").pk


@pytest.mark.django_db
class TestTagAutocomplete:
    def autocomplete(self, client, field_name, term):
        return client.get(
            reverse("admin:autocomplete"),
            {"app_label": "articles", "model_name": "article", "field_name": field_name, "term": term},
        )

    def test_writer_searches_topics_and_organisations(self, client, writer, topic, organisation):
        Topic.objects.create(name="香港金融科技")
        client = logged_in(client, writer)
        response = self.autocomplete(client, "topics", "fin")
        assert response.status_code == 200
        assert response.json()["results"] == [{"id": str(topic.pk), "text": "fintech"}]
        assert [r["text"] for r in self.autocomplete(client, "topics", "香港").json()["results"]] == [
            "香港金融科技"
        ]
        results = self.autocomplete(client, "organisations", "AST").json()["results"]
        assert results == [{"id": str(organisation.pk), "text": "ASTRI"}]

    def test_form_renders_the_admin_select2_widget(self, client, writer, own_draft, topic):
        own_draft.topics.add(topic)
        page = logged_in(client, writer).get(admin_url("change", own_draft.pk)).content.decode()
        assert 'data-field-name="topics"' in page and "admin-autocomplete" in page
        assert f'<option value="{topic.pk}" selected>fintech</option>' in page
        assert "admin/js/vendor/select2/select2.full" in page  # shipped with Django, no CDN
        assert "cdn" not in page.lower()

    def test_unknown_topic_id_is_a_form_error(self, client, writer, own_draft):
        client = logged_in(client, writer)
        data = form_data(client.get(admin_url("change", own_draft.pk)), topics=["999999"])
        response = client.post(admin_url("change", own_draft.pk), data)
        assert response.status_code == 200
        assert "topics" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_taxonomy_admins_count_published_articles_only(
    client, editor, make_article, organisation, topic, section
):
    organisation.website = "https://www.astri.org"
    organisation.save()
    make_article(topics=[topic], organisations=[organisation], authors=[editor.author])
    make_article(
        status=Article.Status.DRAFT, topics=[topic], organisations=[organisation], authors=[editor.author]
    )
    make_article(published_at=timezone.now() + timedelta(days=1), topics=[topic])
    client = logged_in(client, editor)
    for model, obj in (
        ("organisation", organisation),
        ("topic", topic),
        ("section", section),
        ("author", editor.author),
    ):
        response = client.get(admin_url("changelist", model=model))
        assert response.status_code == 200
        result = list(response.context["cl"].result_list)
        assert [o.num_articles for o in result if o.pk == obj.pk] == [1], model
        assert "Published articles" in response.content.decode()
    page = client.get(admin_url("changelist", model="organisation")).content.decode()
    assert "Research institute" in page and 'href="https://www.astri.org"' in page


@pytest.mark.django_db
def test_editor_adds_a_topic_with_a_chinese_slug(client, editor):
    response = logged_in(client, editor).post(
        admin_url("add", model="topic"), {"name": "人工智能", "slug": "人工智能", "description": ""}
    )
    assert response.status_code == 302
    assert Topic.objects.get().slug == "人工智能"


@pytest.mark.django_db
class TestRestore:
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
    def test_writers_cannot_list_or_recover_deleted_articles(self, story, editor, writer):
        logged_in(editor).post(admin_url("delete", story.pk), {"post": "yes"})
        client = logged_in(writer)
        assert "Recover deleted" not in client.get(admin_url("changelist")).content.decode()
        response = client.get(admin_url("recoverlist"))
        assert response.status_code == 403 and "First title" not in response.content.decode()
        version = versions(story)[-1]
        assert client.get(admin_url("recover", version.pk)).status_code == 403


@pytest.mark.django_db
class TestAdmin:
    def add(self, client, section, **fields):
        data = {
            "title": "香港金融科技",
            "slug": "香港金融科技",
            "standfirst": "",
            "body": "中文。",
            "language": "zh-hant",
            "section": str(section.pk),
            "new_topics": "",
            "hero": "",
            "status": "published",
            "published_at_0": "2026-01-01",
            "published_at_1": "10:00:00",
        }
        data.update(fields)
        return client.post("/admin/articles/article/add/", data)

    def test_editor_links_a_translation(self, client, editor, make_article, section):
        english = make_article(title="Fintech in Hong Kong")
        client.force_login(editor)
        response = self.add(client, section, translation=str(english.pk))
        assert response.status_code == 302, response.context["adminform"].form.errors
        english.refresh_from_db()
        assert english.translation.slug == "香港金融科技"

    def test_same_language_translation_is_a_form_error(self, client, editor, make_article, section):
        chinese = make_article(language="zh-hant")
        client.force_login(editor)
        response = self.add(client, section, translation=str(chinese.pk))
        assert response.status_code == 200
        assert "must be in the other language" in str(response.context["adminform"].form.errors)

    def test_writer_cannot_link_another_writers_article(
        self, client, writer, other_writer, make_article, section
    ):
        theirs = make_article(created_by=other_writer)
        client.force_login(writer)
        response = self.add(
            client, section, translation=str(theirs.pk), status="draft", published_at_0="", published_at_1=""
        )
        assert response.status_code == 200
        assert "translation" in response.context["adminform"].form.errors
        theirs.refresh_from_db()
        assert theirs.translation is None

    def test_translation_autocomplete_finds_articles(self, client, editor, make_article):
        make_article(title="Fintech in Hong Kong")
        client.force_login(editor)
        response = client.get(
            "/admin/autocomplete/",
            {
                "term": "Fintech",
                "app_label": "articles",
                "model_name": "article",
                "field_name": "translation",
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Fintech in Hong Kong"]

    def test_tag_autocomplete_finds_the_chinese_name(self, client, editor):
        Topic.objects.create(name="fintech", name_zh_hant="金融科技")
        client.force_login(editor)
        response = client.get(
            "/admin/autocomplete/",
            {"term": "金融", "app_label": "articles", "model_name": "article", "field_name": "topics"},
        )
        assert [r["text"] for r in response.json()["results"]] == ["fintech"]

    def test_chinese_names_are_edited_in_the_admin(self, client, editor, section):
        client.force_login(editor)
        for url in (
            f"/admin/articles/section/{section.pk}/change/",
            "/admin/articles/topic/add/",
            "/admin/articles/organisation/add/",
        ):
            response = client.get(url)
            assert "name_zh_hant" in response.context["adminform"].form.fields, url


def html(response):
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_bulk_publish_shows_on_the_next_anonymous_request(client, editor, make_article, commit):
    from pagecache.tests.helpers import BACKENDS

    drafts = [make_article(title=f"Bulk draft {n}", status=Article.Status.DRAFT) for n in range(2)]
    reader = Client()
    url = reverse("reader:article_list")
    with override_settings(
        CACHES={"default": BACKENDS["locmem"]}, PAGE_CACHE_ENABLED=True, FRAGMENT_CACHE_ENABLED=True
    ):
        cache.clear()
        LOCAL_VALUES.clear()
        assert "Bulk draft" not in html(reader.get(url))
        assert reader.get(url)["X-Cache"] == "HIT"
        client.force_login(editor)
        with commit():
            response = client.post(
                admin_url("changelist"),
                {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
            )
        assert response.status_code == 302
        response = reader.get(url)
        assert response["X-Cache"] == "MISS"
        assert "Bulk draft 0" in html(response) and "Bulk draft 1" in html(response)
        cache.clear()
