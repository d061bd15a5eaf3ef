"""reader/directories.py: tag directories and most covered tags, published counts once per generation."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Topic

from .helpers import html, ok_html, sql_of


@pytest.mark.django_db
class TestOrganisations:
    def test_directory_groups_by_kind_in_declared_order_with_counts(self, client, make_article):
        lab = Organisation.objects.create(name="Zeta Lab", kind=Organisation.Kind.RESEARCH)
        bureau = Organisation.objects.create(name="ITIB", kind=Organisation.Kind.GOVERNMENT)
        hku = Organisation.objects.create(name="HKU", kind=Organisation.Kind.UNIVERSITY)
        make_article(organisations=[lab, bureau, hku])
        make_article(organisations=[lab])
        page = html(client.get(reverse("reader:organisation_list")))
        directory = page.split('class="directory"')[1]
        headings = re.findall(r'<h2 id="kind-\d+" class="section-heading">([^<]+)</h2>', directory)
        assert headings == ["Government body", "Research institute", "University"]
        assert re.search(r">Zeta Lab</a>\s*<span[^>]*>2</span>", directory)


@pytest.mark.django_db
class TestTopics:
    def test_index_lists_topics_in_use_with_counts(self, client, make_article):
        fintech = Topic.objects.create(name="fintech")
        chinese = Topic.objects.create(name="香港AI")
        Topic.objects.create(name="unused")
        make_article(topics=[fintech, chinese])
        make_article(topics=[fintech])
        page = html(client.get(reverse("reader:topic_list")))
        assert re.search(r">fintech <span class=\"count\"><span[^>]*>\(</span>2<", page)
        assert "香港AI" in page and reverse("reader:topic_detail", args=["香港ai"]) in page
        assert "unused" not in page


@pytest.mark.django_db
def test_counts_count_published_articles_only(client, hidden_and_public):
    page = html(client.get(reverse("reader:topic_list")))
    assert re.search(r">robotics <span class=\"count\"><span[^>]*>\(</span>1<", page)
    page = html(client.get(reverse("reader:organisation_list")))
    assert re.search(r">HKSTP</a>\s*<span[^>]*>1</span>", page)


@pytest.mark.django_db
class TestCountsPerGeneration:
    def test_front_page_and_directories_count_once_per_generation(
        self, fragment_cache, client, make_article, commit
    ):
        with commit():
            make_article(topics=["fintech"], organisations=["ASTRI"])
        for url in (
            reverse("reader:home"),
            reverse("reader:topic_list"),
            reverse("reader:organisation_list"),
        ):
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                ok_html(client.get(url))
            assert "COUNT(DISTINCT" not in sql_of(queries), url
        # A change starts a new generation: counted afresh, with the new article.
        with commit():
            make_article(topics=["fintech"], organisations=["ASTRI"])
        page = ok_html(client.get(reverse("reader:topic_list")))
        assert re.search(r">fintech <span class=\"count\"><span[^>]*>\(</span>2<", page)
        page = ok_html(client.get(reverse("reader:home")))
        assert re.search(r">ASTRI</a>\s*<span[^>]*>2</span>", page)

    def test_cached_counts_never_show_a_draft_or_a_scheduled_article(
        self, fragment_cache, client, make_article, commit
    ):
        when = timezone.now() + timedelta(hours=1)
        with commit():
            make_article(topics=["public topic"], organisations=["Public Org"])
            make_article(
                topics=["public topic", "draft topic"],
                organisations=["Draft Org"],
                status=Article.Status.DRAFT,
            )
            make_article(
                topics=["public topic", "embargoed topic"], organisations=["Embargo Org"], published_at=when
            )
        urls = [reverse("reader:home"), reverse("reader:topic_list"), reverse("reader:organisation_list")]
        for _ in range(2):  # computed, then from the cache
            for url in urls:
                page = ok_html(client.get(url))
                assert "draft topic" not in page and "Draft Org" not in page
                assert "embargoed topic" not in page and "Embargo Org" not in page
            page = ok_html(client.get(reverse("reader:topic_list")))
            assert re.search(r">public topic <span class=\"count\"><span[^>]*>\(</span>1<", page)
        assert client.get(reverse("reader:topic_detail", args=["embargoed-topic"])).status_code == 404
        # No save when the embargo lifts: the next request starts a new generation.
        with mock.patch("django.utils.timezone.now", return_value=when + timedelta(seconds=1)):
            page = ok_html(client.get(reverse("reader:topic_list")))
            assert "embargoed topic" in page and "draft topic" not in page
            assert re.search(r">public topic <span class=\"count\"><span[^>]*>\(</span>2<", page)
            assert "Embargo Org" in ok_html(client.get(reverse("reader:home")))
            response = client.get(reverse("reader:topic_detail", args=["embargoed-topic"]))
            assert "1 article" in ok_html(response)


@pytest.mark.django_db
class TestDirectories:
    def test_directory_query_count_is_fixed(
        self, fragment_cache, client, make_article, django_assert_max_num_queries
    ):
        for n in range(2):
            make_article(
                topics=[f"t{n}-{i}" for i in range(10)], organisations=[f"Org {n}-{i}" for i in range(5)]
            )
            for url in (reverse("reader:topic_list"), reverse("reader:organisation_list")):
                client.get(url)
                # The page's tags and the navigation; the counts come from the cache.
                with django_assert_max_num_queries(2):
                    ok_html(client.get(url))


@pytest.mark.django_db
def test_the_front_pages_directories_are_kept_each_until_what_it_counts_changes(fragment_cache, make_article):
    from articles import surrogates
    from pagecache.generation import bump_keys
    from reader import directories

    topic = Topic.objects.create(name="robotics")
    hkstp = Organisation.objects.create(name="HKSTP", kind=Organisation.Kind.INCUBATOR)
    make_article(topics=[topic], organisations=[hkstp])
    sections, organisations, topics = directories.front_page_directories(12)
    assert [(t.name, t.num_articles) for t in topics] == [("robotics", 1)]
    assert [(o.name, o.num_articles) for o in organisations] == [("HKSTP", 1)]
    assert sum(section.num_articles for section in sections) == 1
    with CaptureQueriesContext(connection) as queries:
        assert directories.front_page_directories(12)[2] == topics
    assert len(queries) == 0
    bump_keys([surrogates.TOPICS])
    with mock.patch.object(directories, "most_covered", wraps=directories.most_covered) as recomputed:
        directories.front_page_directories(12)
    assert [call.args[0] for call in recomputed.call_args_list] == [Topic]
