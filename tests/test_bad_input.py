"""Bad input gets a clear answer (the site's 404 page, or a normal page with the input
escaped), never a 500.

Decision on pagination: a page number that is not a number or is out of range is a 404,
as Django's paginator says. A made-up page has no content, and answering with page 1
or the last page would give crawlers endless duplicate addresses. `?page=last` works."""

from urllib.parse import quote

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from articles.models import Organisation, Topic

SCRIPT = "<script>alert(1)</script>"

HOSTILE_VALUES = [
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "1; DROP TABLE articles_article; --",
    "%00",
    "../../etc/passwd",
    "香港AI",
    "x" * 5000,
    "\u202e",
    "{{ 7*7 }}{% debug %}",
]

BAD_PAGES = ["abc", "0", "-1", "99999", "1.5", "1e3", "9" * 400, SCRIPT, "２"]


@pytest.fixture
def site(make_article, section):
    topic = Topic.objects.create(name="fintech")
    organisation = Organisation.objects.create(name="ASTRI", kind="research")
    article = make_article(topics=[topic], organisations=[organisation])
    return {
        "home": reverse("reader:home"),
        "article_list": reverse("reader:article_list"),
        "article_detail": article.get_absolute_url(),
        "section_detail": section.get_absolute_url(),
        "organisation_list": reverse("reader:organisation_list"),
        "organisation_detail": organisation.get_absolute_url(),
        "topic_list": reverse("reader:topic_list"),
        "topic_detail": topic.get_absolute_url(),
        "feed_latest": reverse("reader:feed_latest"),
        "feed_topic": reverse("reader:feed_topic", args=[topic.slug]),
        "sitemap": reverse("sitemap"),
    }


PAGINATED = ["article_list", "section_detail", "organisation_detail", "topic_detail"]


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGINATED)
@pytest.mark.parametrize("page", BAD_PAGES)
def test_bad_page_numbers_are_404_not_500(client, site, page_name, page):
    response = client.get(site[page_name], {"page": page})
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()
    assert SCRIPT not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGINATED)
def test_nul_in_the_query_is_a_400_page(client, site, page_name):
    # hkai_site.middleware refuses NUL anywhere in the address before a view runs.
    for params in ({"page": "\x00"}, {"q": "fin\x00tech"}):
        response = client.get(site[page_name], params)
        assert response.status_code == 400
        assert "We can’t read that address" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/articles/%00/", "/articles/a%00b/", "/sections/%00/", "/topics/%00/", "/feeds/topics/%00/atom/"],
)
def test_nul_in_the_path_is_a_400_page(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "We can’t read that address" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", PAGINATED)
def test_valid_page_words_work(client, site, page_name):
    assert client.get(site[page_name], {"page": "last"}).status_code == 200
    assert client.get(site[page_name], {"page": "1"}).status_code == 200
    assert client.get(site[page_name], {"page": ""}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE_VALUES)
def test_hostile_parameters_give_a_normal_page_with_the_input_escaped(client, site, value):
    for name, url in site.items():
        response = client.get(url, {"q": value, "utm_source": value, "sort": value})
        assert response.status_code == 200, (name, value)
        content = response.content.decode()
        assert SCRIPT not in content, name
        assert "<img src=x" not in content, name
        if value.startswith("{{") and response["Content-Type"].startswith("text/html"):
            assert "{{ 7*7 }}{% debug %}" in content, name  # echoed as text, never evaluated


@pytest.mark.django_db
def test_the_header_search_box_escapes_what_it_echoes(client, site):
    content = client.get(site["home"], {"q": SCRIPT}).content.decode()
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/articles/no-such-article/",
        "/articles/" + quote("不存在") + "/",
        "/articles/" + quote(SCRIPT, safe="") + "/",
        "/articles/" + quote("' OR '1'='1", safe="") + "/",
        "/articles/%E2%80%AE/",
        "/articles/" + "a" * 3000 + "/",
        "/sections/nope/",
        "/organisations/nope/",
        "/organisations/" + quote(SCRIPT, safe="") + "/",
        "/topics/nope/",
        "/feeds/sections/nope/",
        "/feeds/organisations/" + quote(SCRIPT, safe="") + "/",
        "/feeds/latest/rss/",
        "/no-such-page/",
        "/articles/%ZZ/",
    ],
)
def test_unknown_addresses_get_the_site_404_page(client, site, path):
    response = client.get(path)
    assert response.status_code == 404
    content = response.content.decode()
    assert "We can’t find that page" in content
    assert 'href="/topics/"' in content  # the site's navigation, not a bare error
    assert SCRIPT not in content and "<script>" not in content


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "0", "99999", SCRIPT])
def test_bad_sitemap_page_is_404(client, site, page):
    assert client.get(site["sitemap"], {"p": page}).status_code == 404


@pytest.mark.django_db
def test_404_page_is_not_indexed(client, db):
    content = client.get("/articles/nope/").content.decode()
    assert '<meta name="robots" content="noindex">' in content
    assert 'rel="canonical"' not in content


def test_500_page_renders_without_context_or_database():
    """Django renders 500.html with an empty context: it must not need the request,
    context processors or the database (no django_db mark: a query would fail)."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content
    assert "/static/css/site.css" in content
