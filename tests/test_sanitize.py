"""Content that cannot attack readers.

A corpus of hostile inputs goes into every text an editor controls (article bodies, titles,
standfirsts, section / topic / organisation names and descriptions, author names and bios,
an organisation's website). Every public page, feed, the sitemap, search and the admin pages
are fetched and parsed: nothing from content may become script, an event handler, a
javascript:/data: URL, a style, or an iframe/object/embed.

The corpus is in articles/tests/hostile.py; render_markdown() meets it payload by payload in
articles/tests/test_rendering.py.
"""

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.urls import reverse

from articles.models import Article, Author, Organisation, Section, Topic
from articles.tests.hostile import HOSTILE, HOSTILE_BODY

from .page_checks import (
    EXPLICIT_PUBLIC_PATHS,
    active_content_problems,
    crawl,
    list_urls,
    object_urls,
    response_problems,
    response_text,
    try_reverse,
)


@pytest.fixture
def hostile_site(db, django_user_model):
    """Every editor-controlled text filled with the corpus; all articles published."""
    section = Section.objects.create(name=HOSTILE[0][:100], slug="hostile-section", description=HOSTILE_BODY)
    articles = []
    for n, payload in enumerate(HOSTILE):
        topic = Topic.objects.create(name=f"{payload[:90]} t{n}", description=payload)
        organisation = Organisation.objects.create(
            name=f"{payload[:90]} o{n}",
            description=payload,
            website=f"javascript:alert('xss-{n:02d}')",  # the admin refuses this; code might not
        )
        author = Author.objects.create(name=payload[:120], slug=f"hostile-author-{n}", bio=payload)
        article = Article.objects.create(
            title=payload[:200],
            slug=f"hostile-{n}",
            standfirst=payload[:500],
            body=HOSTILE_BODY if n == 0 else payload,
            section=section,
            status=Article.Status.PUBLISHED,
            featured=n == 0,
        )
        article.topics.add(topic)
        article.organisations.add(organisation)
        article.authors.add(author)
        articles.append(article)
    return {
        "section": section,
        "articles": articles,
        "topics": list(Topic.objects.all()),
        "organisations": list(Organisation.objects.all()),
        "authors": list(Author.objects.all()),
    }


def assert_safe(url, response):
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    problems = response_problems(response)
    assert problems == [], f"{url}: {problems[:5]}"
    text = response_text(response)
    leaked = [p for p in HOSTILE if "<" in p and p in text]
    assert leaked == [], f"{url} shows hostile markup unescaped: {leaked[:3]}"


def search_urls(site):
    search = try_reverse("search:search")
    if not search:
        return []
    urls = [f"{search}?{urlencode({'q': payload})}" for payload in HOSTILE]
    urls += [f"{search}?{urlencode({'topic': t.slug})}" for t in site["topics"][:5]]
    urls += [f"{search}?{urlencode({'q': HOSTILE[0], 'topic': site['topics'][0].slug})}"]
    return urls


def test_no_page_runs_hostile_content(client, hostile_site):
    site = hostile_site
    start = list_urls() + object_urls(
        site["section"], *site["articles"], *site["topics"], *site["organisations"], *site["authors"]
    )
    pages = crawl(client, start + search_urls(site), limit=600)
    checked = 0
    for url, response in pages.items():
        if response.status_code == 404 and url.split("?")[0] not in start:
            continue  # a link to a page that does not exist is test_no_leaks' business, not ours
        if response.status_code in (301, 302):
            continue
        assert_safe(url, response)
        checked += 1
    assert checked >= 4 * len(HOSTILE), f"only {checked} pages checked"
    # The pages really showed the hostile text (escaped): otherwise the test proves nothing.
    article_page = response_text(pages[site["articles"][3].get_absolute_url()])
    assert "xss-03" in article_page


@pytest.mark.parametrize("path", EXPLICIT_PUBLIC_PATHS)
def test_feeds_sitemap_and_robots_are_safe(client, hostile_site, path):
    response = client.get(path)
    if response.status_code == 404:
        pytest.skip(f"{path} does not exist on this branch yet (the readers' site adds it)")
    assert_safe(path, response)
    if path.startswith("/feeds/"):
        assert "xss-" in response_text(response), "the feed should carry the hostile articles"


CONTENT_MODELS = [Article, Section, Topic, Organisation, Author]


def test_admin_pages_show_hostile_content_inertly(client, hostile_site, editor):
    """The editors' own pages: change lists and change forms of every content model."""
    client.force_login(editor)
    registered = [m for m in CONTENT_MODELS if m in admin.site._registry]
    if Article not in registered:
        pytest.skip("Article is not registered in the admin on this branch (articles/admin.py)")
    checked = 0
    for model in registered:
        info = (model._meta.app_label, model._meta.model_name)
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        urls += [
            reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            for obj in model._default_manager.all()[:8]
        ]
        urls.append(reverse("admin:{}_{}_changelist".format(*info)) + "?" + urlencode({"q": HOSTILE[0]}))
        for url in urls:
            response = client.get(url)
            if response.status_code == 403:
                continue  # editors may not open this model at all
            assert response.status_code == 200, url
            problems = active_content_problems(response_text(response), allow_style_elements=True)
            assert problems == [], f"{url}: {problems[:5]}"
            checked += 1
    assert checked >= 10


def test_organisation_website_must_be_a_web_address(db):
    """The admin's form refuses a javascript: website, so templates can link it."""
    from django.contrib import admin
    from django.test import RequestFactory

    OrganisationForm = admin.site._registry[Organisation].get_form(RequestFactory().get("/"))
    form = OrganisationForm(
        {"name": "Evil", "slug": "evil", "kind": "other", "website": "javascript:alert(1)"}
    )
    assert not form.is_valid() and "website" in form.errors
