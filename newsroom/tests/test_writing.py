"""newsroom/writing.py and the article form's writing screen: the preview and autosave
endpoints (who may use them, what they answer, what they never touch, their query counts),
and the slug made from the title. The screen in a browser: tests/browser/test_writing_screen.py."""

import json

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from articles.rendering import render_markdown
from articles.tests.hostile import HOSTILE, HOSTILE_BODY
from core.text import count_text, reading_minutes
from newsroom.models import ArticleAutosave
from pagecache.generation import current_generation
from tests.admin_forms import admin_url
from tests.page_checks import active_content_problems

from .helpers import edit, logged_in

PREVIEW = "admin:articles_article_preview"


def autosave_url(article=None):
    if article is None:
        return reverse("admin:articles_article_autosave_new")
    return reverse("admin:articles_article_autosave", args=[article.pk])


def text(**changes):
    return {"title": "A title", "slug": "a-title", "standfirst": "", "body": "Some *text*.", **changes}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # rate-limit counters of earlier tests
    yield
    cache.clear()


# --- the preview ------------------------------------------------------------------------


def test_preview_renders_the_body_as_the_article_page_does(writer):
    body = "# Heading\n\nSome **bold** text and a [link](https://example.com)."
    response = logged_in(writer).post(
        reverse(PREVIEW),
        {"title": "香港 AI 發展", "standfirst": "Short.", "body": body, "language": "zh-hant"},
    )
    assert response.status_code == 200
    answer = response.json()
    document = answer["document"]
    assert render_markdown(body) in document  # the article page's own rendering
    assert '<html lang="zh-Hant">' in document
    assert "css/site.css" in document and "css/tokens.css" in document  # the site's styles
    assert '<h1 class="story-title">香港 AI 發展</h1>' in document
    # The model's slug rule: Chinese titles give Chinese slugs.
    assert answer["slug"] == "香港-ai-發展"
    words, characters = count_text(body)
    assert (answer["words"], answer["characters"]) == (words, characters)
    assert answer["reading_minutes"] == reading_minutes(body)


def test_preview_of_hostile_markdown_is_as_safe_as_the_article_page(editor, make_article):
    client = logged_in(editor)
    for n, payload in enumerate([HOSTILE_BODY, *HOSTILE]):
        response = client.post(
            reverse(PREVIEW), {"title": payload[:200], "standfirst": payload, "body": payload}
        )
        assert response.status_code == 200
        document = response.json()["document"]
        assert active_content_problems(document) == [], (n, active_content_problems(document)[:3])
        assert [p for p in HOSTILE if "<" in p and p in document] == []
        # Exactly what the article page would show for that body.
        article = make_article(slug=f"hostile-{n}", body=payload)
        assert article.body_html in document


def test_preview_is_for_newsroom_staff_only(client, django_user_model, make_user):
    assert client.post(reverse(PREVIEW), {"body": "x"}).status_code == 302  # to the login page
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert logged_in(reader).post(reverse(PREVIEW), {"body": "x"}).status_code == 302
    # Staff with no right to write articles.
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    assert logged_in(staff).post(reverse(PREVIEW), {"body": "x"}).status_code == 403


def test_preview_needs_the_csrf_token_and_a_post(writer):
    client = logged_in(Client(enforce_csrf_checks=True), writer)
    assert client.post(reverse(PREVIEW), {"body": "x"}).status_code == 403
    assert logged_in(writer).get(reverse(PREVIEW)).status_code == 405


def test_preview_refuses_bad_input_with_400(writer):
    client = logged_in(writer)
    response = client.post(reverse(PREVIEW), {"body": "x", "language": "klingon"})
    assert response.status_code == 400
    assert "language" in response.json()["errors"]
    assert client.post(reverse(PREVIEW), {"body": "x" * 500_001}).status_code == 400


@override_settings(NEWSROOM_RATE_LIMITS={"preview": (3, 60), "autosave": (60, 60)})
def test_preview_is_rate_limited_per_person(writer, other_writer):
    client = logged_in(writer)
    assert [client.post(reverse(PREVIEW), {"body": "x"}).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert logged_in(other_writer).post(reverse(PREVIEW), {"body": "x"}).status_code == 200


def test_preview_queries(writer, django_assert_num_queries):
    client = logged_in(writer)
    # The session, the user, the user's and their groups' permissions: nothing else.
    with django_assert_num_queries(4):
        assert client.post(reverse(PREVIEW), {"body": "Text " * 2000}).status_code == 200


# --- the autosave -----------------------------------------------------------------------


def test_autosave_keeps_restores_and_discards_a_writers_text(writer, own_draft):
    client = logged_in(writer)
    assert client.get(autosave_url(own_draft)).json() == {"autosave": None}
    response = client.post(autosave_url(own_draft), text(body="Unsaved  text\n"))
    assert response.status_code == 200
    assert response.json()["saved_at_display"]
    client.post(autosave_url(own_draft), text(body="Later text"))  # replaces, one per article
    kept = client.get(autosave_url(own_draft)).json()["autosave"]
    assert kept["fields"] == text(body="Later text")
    assert kept["saved_at"]
    assert ArticleAutosave.objects.count() == 1
    assert client.delete(autosave_url(own_draft)).status_code == 204
    assert client.get(autosave_url(own_draft)).json() == {"autosave": None}


def test_autosave_of_a_new_article_is_kept_per_person(writer, other_writer):
    client = logged_in(writer)
    assert client.post(autosave_url(), text(title="Not saved yet")).status_code == 200
    assert client.get(autosave_url()).json()["autosave"]["fields"]["title"] == "Not saved yet"
    assert logged_in(other_writer).get(autosave_url()).json() == {"autosave": None}


def test_autosave_is_refused_for_articles_one_may_not_change(
    writer, others_draft, make_article, django_user_model
):
    client = logged_in(writer)
    published_own = make_article(created_by=writer)  # published: the editors' to change
    for article in (others_draft, published_own):
        assert client.post(autosave_url(article), text()).status_code == 403
        assert client.get(autosave_url(article)).status_code == 403
        assert client.delete(autosave_url(article)).status_code == 403
    assert ArticleAutosave.objects.count() == 0
    assert client.post(reverse("admin:articles_article_autosave", args=[99999]), text()).status_code == 404
    assert client.post(reverse("admin:articles_article_autosave", args=["x"]), text()).status_code == 404
    staff = django_user_model.objects.create_user("staff", password="pw", is_staff=True)
    assert logged_in(staff).post(autosave_url(), text()).status_code == 403


def test_an_editor_autosaves_any_article(editor, others_draft):
    assert logged_in(editor).post(autosave_url(others_draft), text()).status_code == 200


def test_autosave_needs_the_csrf_token(writer, own_draft):
    client = logged_in(Client(enforce_csrf_checks=True), writer)
    assert client.post(autosave_url(own_draft), text()).status_code == 403


def test_saving_the_article_discards_its_autosave(writer, own_draft, section):
    client = logged_in(writer)
    client.post(autosave_url(own_draft), text())
    client.post(autosave_url(), text())
    edit(client, own_draft, body="Saved at last.")
    assert not ArticleAutosave.objects.filter(article=own_draft).exists()
    assert ArticleAutosave.objects.filter(article=None).exists()  # the new article's stays


def test_autosaves_purge_nothing(writer, own_draft, make_article, commit, monkeypatch):
    purges = []
    monkeypatch.setattr("pagecache.signals.purge_keys", lambda keys, hard=False: purges.append(set(keys)))
    client = logged_in(writer)
    with commit():
        assert client.post(autosave_url(own_draft), text()).status_code == 200
        ArticleAutosave.objects.filter(article=own_draft).delete()
    assert purges == []
    # The test can fail: a public article's visible change in the same conditions purges.
    public = make_article(title="Public")
    with commit():
        public.title = "Public, corrected"
        public.save()
    assert purges


def article_state(article):
    row = Article.objects.filter(pk=article.pk).values().get()
    return row, Version.objects.get_for_object(article).count()


def test_twenty_editors_autosaving_change_no_article_revision_or_cache(
    make_user, make_article, commit, django_assert_num_queries
):
    """20 editors, each autosaving their article every 3 s while typing (rounds of requests,
    no sleeping): the articles, their revisions and the page cache's generation stay as
    they were; each autosave after the first is one UPDATE."""
    editors = [make_user(f"editor{n}", role="Editors") for n in range(20)]
    articles = [make_article(title=f"Story {n}", created_by=user) for n, user in enumerate(editors)]
    clients = [logged_in(user) for user in editors]
    before = [article_state(article) for article in articles]
    generation = current_generation()
    rounds = 10  # half a minute of typing
    with commit():
        for round_number in range(rounds):
            for client, article in zip(clients, articles, strict=True):
                response = client.post(autosave_url(article), text(body=f"Draft {round_number}"))
                assert response.status_code == 200
    assert current_generation() == generation
    assert [article_state(article) for article in articles] == before
    assert ArticleAutosave.objects.count() == 20
    assert set(ArticleAutosave.objects.values_list("body", flat=True)) == {f"Draft {rounds - 1}"}
    # The test can fail: an article's visible change in the same conditions does bump it.
    with commit():
        articles[0].title = "Story 0, corrected"
        articles[0].save()
    assert current_generation() != generation


def test_autosave_queries(writer, own_draft, django_assert_num_queries):
    client = logged_in(writer)
    client.post(autosave_url(own_draft), text())
    client = logged_in(writer)  # a fresh request: no permissions cached on the user
    # Session, user, the article (owner and status only), permissions (2), one UPDATE.
    with django_assert_num_queries(6):
        assert client.post(autosave_url(own_draft), text(body="More")).status_code == 200
    with django_assert_num_queries(6):
        assert client.get(autosave_url(own_draft)).status_code == 200


@override_settings(NEWSROOM_RATE_LIMITS={"preview": (60, 60), "autosave": (2, 60)})
def test_autosave_is_rate_limited(writer, own_draft):
    client = logged_in(writer)
    codes = [client.post(autosave_url(own_draft), text()).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


# --- the form: slug from the title, the editor ------------------------------------------


def add_form(section, **changes):
    return {
        "title": "A title",
        "slug": "",
        "standfirst": "",
        "body": "Body.",
        "language": "en",
        "section": str(section.pk),
        "new_topics": "",
        **changes,
    }


def test_an_empty_slug_is_made_from_the_title_by_the_models_rule(writer, section):
    client = logged_in(writer)
    response = client.post(admin_url("add"), add_form(section, title="香港人工智能 2026"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Article.objects.get().slug == "香港人工智能-2026"


def test_a_title_with_nothing_to_slug_asks_for_a_slug(writer, section):
    response = logged_in(writer).post(admin_url("add"), add_form(section, title="!!!"))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_the_form_has_the_editor_and_the_slug_follows_only_where_it_may(
    writer, editor, own_draft, make_article
):
    page = logged_in(writer).get(admin_url("add")).content.decode()
    assert 'class="md-editor"' in page
    assert f'data-preview-url="{reverse(PREVIEW)}"' in page
    assert f'data-autosave-url="{autosave_url()}"' in page
    assert 'data-md-action="image"' in page
    assert "newsroom/writing.js" in page
    assert 'data-follows-title="true"' in page
    published = make_article(title="Out there", slug="out-there")
    page = logged_in(editor).get(admin_url("change", published.pk)).content.decode()
    assert f'data-autosave-url="{autosave_url(published)}"' in page
    assert 'data-follows-title="true"' not in page  # its address is public: never moves by itself


def test_the_admin_wears_the_sites_colours():
    from django.contrib.staticfiles import finders

    admin_css = open(finders.find("newsroom/admin.css"), encoding="utf-8").read()
    assert "var(--accent)" in admin_css and "var(--serif)" in admin_css
    client = Client()
    page = client.get(reverse("admin:login")).content.decode()
    assert "css/tokens.css" in page and "newsroom/admin.css" in page
    assert "dark_mode.css" not in page


def test_preview_answer_is_json(writer):
    response = logged_in(writer).post(reverse(PREVIEW), {"body": ""})
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["reading_minutes"] == 0
