"""The newsroom admin over HTTP: every page per role, the publishing rule enforced on the
server, ownership on every admin URL, tag autocomplete, bulk actions, "view on site"."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Topic

from .admin_forms import admin_url, form_data

SECRET = "Secret merger of two Hong Kong AI labs"


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def users(superuser, editor, writer):
    return {"superuser": superuser, "editor": editor, "writer": writer}


@pytest.fixture
def others_draft(make_article, other_writer):
    """Another writer's draft: the writer must never see it anywhere."""
    return make_article(
        title=SECRET, slug="secret-merger", status=Article.Status.DRAFT, created_by=other_writer
    )


@pytest.fixture
def own_draft(make_article, writer):
    return make_article(
        title="My draft on HK fintech",
        status=Article.Status.DRAFT,
        created_by=writer,
        authors=[writer.author],
    )


def logged_in(client, user):
    client.force_login(user)
    return client


def add_post(section, **extra):
    data = {
        "title": "Cyberport's new AI lab",
        "slug": "cyberport-ai-lab",
        "standfirst": "",
        "body": "A **new** lab.",
        # The language select always sends a value (English is preselected).
        "language": "en",
        "section": str(section.pk),
        "hero_image_alt": "",
        "new_topics": "",
    }
    data.update(extra)
    return data


# --- every page, every role ------------------------------------------------------------

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
def test_non_staff_user_is_sent_to_the_login_page(client, make_user):
    reader = make_user("reader")
    response = logged_in(client, reader).get(admin_url("changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


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
    # its authors, 2 for the date hierarchy: whatever the number of rows.
    with django_assert_max_num_queries(13) as captured:
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


# --- publishing is the editors' -----------------------------------------------------------


@pytest.mark.django_db
class TestWriterCannotPublish:
    def test_add_form_has_the_publication_fields_read_only(self, client, writer):
        response = logged_in(client, writer).get(admin_url("add"))
        form = response.context["adminform"].form
        assert "status" not in form.fields
        assert "published_at" not in form.fields
        assert "featured" not in form.fields
        assert form.initial["authors"] == [writer.author.pk]

    def test_posting_status_and_time_on_add_saves_a_draft(self, client, writer, section):
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
        assert response.status_code == 302
        article = Article.objects.get(slug="cyberport-ai-lab")
        assert article.status == Article.Status.DRAFT
        assert article.published_at is None and not article.featured
        assert article.created_by == writer
        assert list(article.authors.all()) == [writer.author]

    def test_posting_status_on_own_draft_keeps_it_a_draft(self, client, writer, own_draft):
        client = logged_in(client, writer)
        form = client.get(admin_url("change", own_draft.pk))
        data = form_data(form, title="Renamed", status="published")
        data.update(published_at_0="2024-01-01", published_at_1="10:00:00")
        assert client.post(admin_url("change", own_draft.pk), data).status_code == 302
        own_draft.refresh_from_db()
        assert own_draft.title == "Renamed"
        assert own_draft.status == Article.Status.DRAFT and own_draft.published_at is None

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


# --- ownership on every admin URL ---------------------------------------------------------


@pytest.mark.django_db
class TestWriterCannotReachAnotherWritersArticle:
    def assert_hidden(self, response):
        assert SECRET not in response.content.decode()
        assert "secret-merger" not in response.get("Location", "")

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

    def test_view_on_site_redirect_and_public_page(self, client, writer, others_draft):
        client = logged_in(client, writer)
        content_type = ContentType.objects.get_for_model(Article)
        response = client.get(reverse("admin:view_on_site", args=[content_type.pk, others_draft.pk]))
        assert response.status_code == 404
        self.assert_hidden(response)
        response = client.get(others_draft.get_absolute_url())
        assert response.status_code == 404
        self.assert_hidden(response)


def others_draft_version_id(article):
    from reversion.models import Version

    return Version.objects.get_for_object(article).latest("pk").pk


# --- "view on site" previews ----------------------------------------------------------------


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

    def test_writer_previews_own_draft(self, client, writer, own_draft):
        page = logged_in(client, writer).get(own_draft.get_absolute_url())
        assert page.status_code == 200 and own_draft.title in page.content.decode()

    def test_anonymous_gets_404_for_a_draft(self, client, own_draft):
        response = client.get(own_draft.get_absolute_url())
        assert response.status_code == 404
        assert own_draft.title not in response.content.decode()

    def test_unknown_content_type_is_404(self, client, editor):
        response = logged_in(client, editor).get(reverse("admin:view_on_site", args=[99999, 1]))
        assert response.status_code == 404


# --- tags: autocomplete and new tags --------------------------------------------------------


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

    def test_unknown_topic_id_is_a_form_error(self, client, writer, own_draft):
        client = logged_in(client, writer)
        data = form_data(client.get(admin_url("change", own_draft.pk)), topics=["999999"])
        response = client.post(admin_url("change", own_draft.pk), data)
        assert response.status_code == 200
        assert "topics" in response.context["adminform"].form.errors


# --- the taxonomy admins ----------------------------------------------------------------------


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
