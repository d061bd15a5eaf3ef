"""search/suggest.py and its endpoint: public names by prefix in either language and script,
with published counts; cached like a page, rate-limited, never a draft's tag or author."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Author, Organisation, Section, Topic
from pagecache.tests.helpers import page_cache  # noqa: F401 (fixture)

from .helpers import search

SUGGEST_URL = reverse("search:suggest")


def suggest(client, q, url=SUGGEST_URL):
    response = client.get(url, {"q": q})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def names(found):
    return [s["name"] for s in found]


@pytest.fixture
def tagged(make_article):
    cyberport = Organisation.objects.create(name="Cyberport", name_zh_hant="數碼港")
    park = Organisation.objects.create(name="Hong Kong Science Park", name_zh_hant="香港科學園")
    fintech = Topic.objects.create(name="fintech", name_zh_hant="金融科技")
    ada = Author.objects.create(name="Ada Chan", slug="ada-chan")
    for n in range(3):
        make_article(title=f"Fintech {n}", topics=[fintech], organisations=[cyberport], authors=[ada])
    make_article(title="Park", organisations=[park])
    return {"cyberport": cyberport, "park": park, "fintech": fintech, "ada": ada}


@pytest.mark.django_db
class TestPrefixes:
    def test_an_english_prefix_finds_the_name_with_its_count_and_page(self, client, tagged):
        (found,) = suggest(client, "FINT")
        assert found == {
            "kind": "topic",
            "kind_label": "Topic",
            "name": "fintech",
            "count": 3,
            "url": tagged["fintech"].get_absolute_url(),
        }

    def test_a_later_word_of_a_name_matches(self, client, tagged):
        assert names(suggest(client, "scien")) == ["Hong Kong Science Park"]

    def test_a_chinese_prefix_in_either_script_finds_the_traditional_name(self, client, tagged):
        assert names(suggest(client, "數碼")) == ["Cyberport"]
        assert names(suggest(client, "数码")) == ["Cyberport"]
        assert names(suggest(client, "香港科学")) == ["Hong Kong Science Park"]

    def test_chinese_pages_name_things_in_chinese(self, client, tagged):
        found = suggest(client, "cyber", url="/zh-hant" + SUGGEST_URL)
        assert found[0]["name"] == "數碼港"
        assert found[0]["kind_label"] == "機構"
        assert found[0]["url"].startswith("/zh-hant/")

    def test_more_articles_first_and_names_before_words(self, client, make_article, tagged):
        make_article(topics=["Hong Kong AI"])
        make_article(topics=["Hong Kong AI"])
        make_article(topics=["Science"])
        assert names(suggest(client, "hong")) == ["Hong Kong AI", "Hong Kong Science Park"]
        # "Science" starts with it, the park has a word that does (and more articles).
        make_article(organisations=["Hong Kong Science Park"])
        assert names(suggest(client, "scien")) == ["Science", "Hong Kong Science Park"]

    def test_sections_and_authors_are_offered(self, client, tagged, section):
        assert {"kind": "author", "name": "Ada Chan", "count": 3} == {
            k: v for k, v in suggest(client, "ada")[0].items() if k in ("kind", "name", "count")
        }
        assert suggest(client, section.name[:4])[0]["kind"] == "section"

    def test_an_author_leads_to_their_page_and_is_found_by_their_chinese_name(
        self, client, tagged, make_article
    ):
        ada = Author.objects.get(slug="ada-chan")
        ada.name_zh_hant = "陳愛達"
        ada.save()
        make_article(title="Not by Ada")
        (found,) = suggest(client, "ada")
        assert found["url"] == ada.get_absolute_url()
        page = client.get(found["url"])
        assert page.status_code == 200
        assert all(f"Fintech {n}" in page.content.decode() for n in range(3))
        assert "Not by Ada" not in page.content.decode()
        (found,) = suggest(client, "陈爱", url="/zh-hant" + SUGGEST_URL)
        assert found["kind"] == "author"

    @pytest.mark.parametrize("q", ["", " ", "zzzz", "<script>", "%", "'", "x" * 5000, "\u200b"])
    def test_nothing_or_nonsense_is_an_empty_list(self, client, tagged, q):
        response = client.get(SUGGEST_URL, {"q": q})
        assert response.status_code == 200
        assert response.json()["suggestions"] == []

    def test_at_most_eight(self, client, make_article):
        for n in range(12):
            make_article(topics=[f"robotics {n}"])
        assert len(suggest(client, "robot")) == 8

    def test_one_query_when_the_names_are_cached(
        self, client, tagged, fragment_cache, django_assert_max_num_queries
    ):
        suggest(client, "f")
        with django_assert_max_num_queries(1):
            assert names(suggest(client, "fi")) == ["fintech"]

    def test_the_names_this_process_keeps_follow_every_change(
        self, client, tagged, make_article, fragment_cache, django_capture_on_commit_callbacks
    ):
        # The index is kept in the process while its version is current: a tag added, and a
        # tag whose only article is withdrawn, show at once.
        assert names(suggest(client, "fin")) == ["fintech"]
        with django_capture_on_commit_callbacks(execute=True):
            Article.objects.get(title="Fintech 0").topics.add("fintech regulation")
        assert names(suggest(client, "fin")) == ["fintech", "fintech regulation"]
        with django_capture_on_commit_callbacks(execute=True):
            lone = make_article(title="Lone", topics=["finance lone"])
        assert "finance lone" in names(suggest(client, "fin"))
        with django_capture_on_commit_callbacks(execute=True):
            lone.status = Article.Status.DRAFT
            lone.save()
        assert "finance lone" not in names(suggest(client, "fin"))


@pytest.mark.django_db
class TestOnlyPublic:
    def test_tags_and_authors_of_drafts_scheduled_and_expired_articles_are_not_offered(
        self, client, make_article
    ):
        hidden_author = Author.objects.create(name="Hidden Writer", slug="hidden-writer")
        for kwargs in (
            {"status": Article.Status.DRAFT},
            {"status": Article.Status.REVIEW},
            {"published_at": timezone.now() + timedelta(days=1)},
            {
                "published_at": timezone.now() - timedelta(days=2),
                "expires_at": timezone.now() - timedelta(days=1),
            },
        ):
            make_article(
                topics=["Secret topic"], organisations=["Secret org"], authors=[hidden_author], **kwargs
            )
        Section.objects.create(name="Secret section", slug="secret-section")
        for q in ("secret", "hidden"):
            assert suggest(client, q) == []

    def test_counts_count_published_articles_only(self, client, make_article):
        make_article(topics=["privacy"])
        make_article(topics=["privacy"], status=Article.Status.DRAFT)
        assert suggest(client, "priv")[0]["count"] == 1


@pytest.mark.django_db
def test_cached_as_a_page_with_surrogate_keys(client, tagged, page_cache, django_capture_on_commit_callbacks):  # noqa: F811
    first = client.get(SUGGEST_URL, {"q": "fin"})
    assert "public" in first["Cache-Control"]
    assert {"search", "topics", "organisations", "sections"} <= set(first["xkey"].split())
    again = client.get(SUGGEST_URL, {"q": "fin"})
    assert again.get("X-Cache") == "HIT"
    assert again.json() == first.json()
    # A change of public content shows at once.
    with django_capture_on_commit_callbacks(execute=True):
        Article.objects.get(title="Fintech 0").topics.add("fintech regulation")
    assert "fintech regulation" in names(client.get(SUGGEST_URL, {"q": "fin"}).json()["suggestions"])


@pytest.mark.django_db
class TestRateLimit:
    @pytest.fixture
    def limited(self, settings):
        settings.SEARCH_SUGGEST_RATE_LIMIT = "3/60"
        cache.clear()
        yield
        cache.clear()

    def test_over_the_rate_a_client_gets_429_with_retry_after(self, client, tagged, limited):
        for q in ("f", "fi", "fin"):
            client.get(SUGGEST_URL, {"q": q})
        refused = client.get("/zh-hant" + SUGGEST_URL, {"q": "fint"})
        assert refused.status_code == 429
        assert 1 <= int(refused["Retry-After"]) <= 60
        assert "private" in refused["Cache-Control"]
        assert client.get(SUGGEST_URL, {"q": "f"}, REMOTE_ADDR="10.0.0.9").status_code == 200
        # Pages are not counted.
        search(client, q="fintech")

    def test_post_is_refused(self, client, db):
        assert client.post(SUGGEST_URL, {"q": "f"}).status_code == 405
