import base64
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.http import QueryDict
from django.utils import timezone

from articles.models import Article, Author, Section
from search.search import ArticleSearch

from .helpers import ids, walk


@pytest.fixture
def newsroom(make_article, section):
    research = Section.objects.create(name="Research", slug="research")
    alice = Author.objects.create(name="Alice Chan", slug="alice-chan")
    bob = Author.objects.create(name="Bob Lee", slug="bob-lee")
    made = []
    for n in range(12):
        made.append(
            make_article(
                title=f"Harbour story {n}" if n % 2 else f"Fintech report {n}",
                section=research if n % 3 else section,
                language=Article.Language.CHINESE if n % 4 == 0 else Article.Language.ENGLISH,
                topics=["fintech", f"topic {n % 3}"],
                organisations=["HKSTP"] if n % 2 else ["Cyberport"],
                authors=[alice] if n % 2 else [alice, bob],
            )
        )
    draft = make_article(title="Harbour draft", status=Article.Status.DRAFT, topics=["fintech"])
    scheduled = make_article(
        title="Harbour scheduled", published_at=timezone.now() + timedelta(days=1), topics=["fintech"]
    )
    return {"published": made, "hidden": [draft, scheduled]}


def api_ids(client, query=""):
    return ids(walk(client, f"/api/v1/articles/?page_size=5&{query}"))


def site_ids(query):
    search = ArticleSearch.from_query_dict(QueryDict(query))
    return sorted(search.results().values_list("pk", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "topic=fintech",
        "topic=fintech&topic=topic-1",
        "topic=Topic 2&org=hkstp",
        "org=cyberport&section=research",
        "section=research&section=government-initiatives",
        "q=harbour",
        "q=harbour -story",
        "q=fintech&topic=topic-0",
        "topic=no-such-topic",
    ],
)
def test_every_search_filter_gives_the_site_search_ids(client, newsroom, query):
    assert sorted(api_ids(client, query)) == site_ids(query)


def test_lang_author_and_time_filters(client, newsroom):
    published = Article.objects.published()
    assert sorted(api_ids(client, "lang=zh-Hant")) == sorted(
        published.filter(language="zh-hant").values_list("pk", flat=True)
    )
    assert set(api_ids(client, "author=bob-lee")) == set(
        published.filter(authors__slug="bob-lee").values_list("pk", flat=True)
    )
    assert set(api_ids(client, "author=bob-lee&author=alice-chan")) == set(api_ids(client, "author=bob-lee"))
    assert api_ids(client, "author=nobody") == []
    middle = newsroom["published"][5].published_at
    after = api_ids(client, f"published_after={quote(middle.isoformat())}&topic=fintech")
    assert sorted(after) == sorted(published.filter(published_at__gte=middle).values_list("pk", flat=True))
    before = api_ids(client, f"published_before={quote(middle.isoformat())}")
    assert sorted(before + after) == sorted(published.values_list("pk", flat=True))
    assert (
        api_ids(client, f"updated_after={quote((timezone.now() + timedelta(minutes=1)).isoformat())}") == []
    )
    assert len(api_ids(client, "updated_after=2020-01-01")) == 12


def test_only_published_articles_ever(client, newsroom):
    listed = api_ids(client)
    assert sorted(listed) == sorted(a.pk for a in newsroom["published"])
    for article in newsroom["hidden"]:
        assert client.get(f"/api/v1/articles/{article.slug}/").status_code == 404
        assert client.get(f"/api/v1/articles/{article.pk}/").status_code == 404


def test_newest_first_and_pages_never_overlap(client, newsroom):
    listed = walk(client, "/api/v1/articles/?page_size=5", pages=3)
    times = [item["published_at"] for item in listed]
    assert len(listed) == 12 and times == sorted(times, reverse=True)


def test_an_article_by_slug_or_id_with_its_translation_tags_and_body(client, make_article, editor):
    english = make_article(
        title="Smart city", slug="smart-city", body="**Bold** <script>x</script>", topics=["fintech"]
    )
    chinese = make_article(title="智慧城市", slug="智慧城市", language="zh-hant", translation=english)
    english.topics.first().__class__.objects.filter(name="fintech").update(name_zh_hant="金融科技")
    body = client.get("/api/v1/articles/smart-city/").json()
    assert body == client.get(f"/api/v1/articles/{english.pk}/").json()
    assert body["canonical_url"] == "http://testserver/articles/smart-city/"
    assert body["links"] == {
        "en": "http://testserver/articles/smart-city/",
        "zh-hant": "http://testserver/zh-hant/articles/%E6%99%BA%E6%85%A7%E5%9F%8E%E5%B8%82/",
    }
    assert body["translation"]["id"] == chinese.pk
    assert body["topics"][0]["name_zh_hant"] == "金融科技"
    assert "<strong>Bold</strong>" in body["body_html"] and "<script>" not in body["body_html"]
    assert body["body_markdown"].startswith("**Bold**")
    assert client.get("/api/v1/articles/智慧城市/").json()["translation"]["id"] == english.pk

    # A translation that is a draft stays private.
    chinese.status = Article.Status.DRAFT
    chinese.save()
    body = client.get("/api/v1/articles/smart-city/").json()
    assert body["translation"] is None and list(body["links"]) == ["en"]


def test_directories_list_only_what_published_articles_carry(client, newsroom):
    topics = {t["slug"] for t in walk(client, "/api/v1/topics/?page_size=2")}
    assert topics == {"fintech", "topic-0", "topic-1", "topic-2"}
    Article.objects.filter(pk__in=[a.pk for a in newsroom["published"]]).update(status="draft")
    assert walk(client, "/api/v1/topics/") == []
    assert walk(client, "/api/v1/organisations/") == []
    assert walk(client, "/api/v1/authors/") == []
    assert client.get("/api/v1/topics/fintech/").status_code == 404
    assert client.get("/api/v1/authors/alice-chan/").status_code == 404
    assert len(walk(client, "/api/v1/sections/")) == 2
    assert client.get("/api/v1/sections/research/").json()["name"] == "Research"


def test_directories_follow_the_clock_not_the_time_the_server_started(client, make_article):
    """A tag or author whose only article expires leaves the directories at that moment, and
    one whose article is scheduled appears at its time, with nothing run in between."""
    from unittest import mock

    now = timezone.now()
    make_article(topics=["leaving"], organisations=["Leaving Lab"], expires_at=now + timedelta(hours=1))
    make_article(topics=["arriving"], published_at=now + timedelta(hours=1))
    before = {t["slug"] for t in walk(client, "/api/v1/topics/")}
    assert "leaving" in before and "arriving" not in before
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        after = {t["slug"] for t in walk(client, "/api/v1/topics/")}
        assert "leaving" not in after and "arriving" in after
        assert client.get("/api/v1/topics/leaving/").status_code == 404
        assert client.get("/api/v1/organisations/leaving-lab/").status_code == 404
        assert client.get("/api/v1/topics/arriving/").status_code == 200


def cursor(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def test_a_moment_with_an_offset_postgresql_refuses_is_still_a_moment(client, newsroom):
    # Python takes offsets up to 23:59, PostgreSQL up to 15:59 (found by the contract test).
    for query in (
        "published_after=0371-01-09T22:41:45.0-20:43",
        f"cursor={cursor('2026-01-01T00:00:00-20:43|1')}",
    ):
        assert client.get(f"/api/v1/articles/?{query}").status_code == 200, query


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("published_after=yesterday", "published_after"),
        ("updated_after=2026-13-40", "updated_after"),
        ("lang=fr", "lang"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("page_size=abc", "page_size"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=MjAyNnww", "cursor"),
        ("published_after=0001-01-01T00:00:00%2B08:00", "published_after"),
        (f"cursor={cursor('2026-01-01T00:00:00+00:00|99999999999999999999')}", "cursor"),
        (f"cursor={cursor('0001-01-01T00:00:00+08:00|1')}", "cursor"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(client, newsroom, query, parameter):
    response = client.get(f"/api/v1/articles/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert parameter in response.json()["errors"] and parameter in response.json()["detail"]
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/nope/", "/api/v1/nothing/", "/api/v2/", "/api/v1/topics/a%20b/"]
)
def test_not_found_is_json(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_http_caching_like_pages(client, newsroom):
    response = client.get("/api/v1/articles/?topic=fintech")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "s-maxage" in response["Cache-Control"]
    assert response["Last-Modified"]
    assert "latest" in response["xkey"].split()
    again = client.get("/api/v1/articles/?topic=fintech", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""


def test_cors_for_reading(client, newsroom):
    response = client.get("/api/v1/articles/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://partner.example")


def test_a_page_of_articles_takes_a_fixed_number_of_queries(client, newsroom, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/articles/?page_size=12").json()["results"]) == 12


def test_the_schema_and_its_documentation_page(client, db):
    schema = client.get("/api/v1/schema/?format=json").json()
    assert "/api/v1/articles/" in schema["paths"]
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<style" not in html and "<script>" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert client.get("/api/v1/docs/?script=").status_code == 200


def test_articles_are_serialized_once_per_content_generation(
    client, newsroom, fragment_cache, commit, django_assert_num_queries
):
    """With the fragment cache on (as in production), a page of the list or an article costs
    its lookup query only; a change readers see (an edit, a withdrawal) shows at once."""
    first = client.get("/api/v1/articles/?page_size=12").json()
    with django_assert_num_queries(1):  # the keyset query: ids and cursor fields
        again = client.get("/api/v1/articles/?page_size=12")
    assert again.json() == first
    story = newsroom["published"][0]
    detail = client.get(f"/api/v1/articles/{story.pk}/")
    assert detail.json()["title"] == story.title
    # Keys as without the cache: the article, its section and tags, its page.
    assert {f"a{story.pk}", f"s{story.section_id}"} <= set(detail["xkey"].split())
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/articles/{story.slug}/").json() == detail.json()

    with commit():
        story.title = "Retitled harbour story"
        story.save()
    assert client.get(f"/api/v1/articles/{story.pk}/").json()["title"] == "Retitled harbour story"
    titles = [a["title"] for a in client.get("/api/v1/articles/?page_size=12").json()["results"]]
    assert "Retitled harbour story" in titles

    withdrawn = newsroom["published"][1]
    with commit():
        withdrawn.status = Article.Status.DRAFT
        withdrawn.save()
    assert client.get(f"/api/v1/articles/{withdrawn.pk}/").status_code == 404
    assert withdrawn.pk not in [a["id"] for a in client.get("/api/v1/articles/").json()["results"]]


def test_cached_articles_name_the_host_they_were_asked_on(client, newsroom, fragment_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "api.example"]
    story = newsroom["published"][0]
    here = client.get(f"/api/v1/articles/{story.pk}/").json()["canonical_url"]
    there = client.get(f"/api/v1/articles/{story.pk}/", HTTP_HOST="api.example").json()["canonical_url"]
    assert here.startswith("http://testserver/") and there.startswith("http://api.example/")


def test_a_cached_article_drops_its_translation_once_withdrawn(client, make_article, fragment_cache, commit):
    english = make_article(title="Smart city", slug="smart-city")
    with commit():
        chinese = make_article(title="智慧城市", slug="智慧城市", language="zh-hant", translation=english)
    assert client.get(f"/api/v1/articles/{english.pk}/").json()["translation"]["id"] == chinese.pk
    with commit():
        chinese.status = Article.Status.DRAFT
        chinese.save()
    for body in (
        client.get(f"/api/v1/articles/{english.pk}/").json(),
        client.get("/api/v1/articles/").json()["results"][0],
    ):
        assert body["id"] == english.pk
        assert body["translation"] is None and list(body["links"]) == ["en"]
