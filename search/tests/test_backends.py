"""search/backends.py: words matched and ranked on PostgreSQL and SQLite, and the indexes that serve them."""

import random
import string
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article
from search.search import ArticleSearch

from .helpers import search, titles

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes")


@pytest.mark.django_db
class TestWords:
    def test_every_word_must_match(self, client, make_article):
        make_article(title="Quantum computing in Kowloon")
        make_article(title="Quantum sensors", body="Made in Shatin.")
        assert titles(search(client, q="quantum kowloon")) == ["Quantum computing in Kowloon"]
        assert len(titles(search(client, q="quantum"))) == 2

    def test_words_match_title_standfirst_and_body_ignoring_case(self, client, make_article):
        make_article(title="One", standfirst="About BLOCKCHAIN ledgers.")
        make_article(title="Two", body="A blockchain pilot.")
        make_article(title="Blockchain three")
        assert sorted(titles(search(client, q="Blockchain"))) == ["Blockchain three", "One", "Two"]

    def test_title_match_ranks_above_body_only_match(self, client, make_article):
        # The body-only article is newer: rank, not date, must put the title match first.
        make_article(title="Robotics in Hong Kong", published_at=timezone.now() - timedelta(days=3))
        make_article(title="Unrelated", body="Something about robotics.", published_at=timezone.now())
        make_article(
            title="Also unrelated",
            standfirst="Robotics again.",
            published_at=timezone.now() - timedelta(days=1),
        )
        assert titles(search(client, q="robotics")) == [
            "Robotics in Hong Kong",
            "Also unrelated",
            "Unrelated",
        ]

    def test_excluded_word_and_phrase(self, client, make_article):
        make_article(title="Smart city plans", body="A smart city with drones.")
        make_article(title="Smart grids", body="Grid plans for the city.")
        assert titles(search(client, q='"smart city"')) == ["Smart city plans"]
        assert titles(search(client, q="smart -drones")) == ["Smart grids"]

    def test_either_word_with_or(self, client, make_article):
        make_article(title="Drones over Victoria Harbour")
        make_article(title="Satellites above")
        make_article(title="Nothing here")
        assert sorted(titles(search(client, q="drones or satellites"))) == [
            "Drones over Victoria Harbour",
            "Satellites above",
        ]

    def test_stopwords_alone_do_not_empty_the_results(self, client, make_article):
        # PostgreSQL drops "the" and "it" from full-text queries; the search must not then
        # match nothing, nor lose the Chinese words next to them.
        make_article(title="IT jobs in 香港")
        make_article(title="Other news", published_at=timezone.now() - timedelta(days=1))
        assert titles(search(client, q="the"))
        assert titles(search(client, q="IT 香港")) == ["IT jobs in 香港"]


@pytest.mark.django_db
class TestChinese:
    def test_chinese_word_inside_a_longer_run_of_characters(self, client, make_article):
        make_article(title="香港AI的發展", body="人工智能在本地的應用。")
        make_article(title="Elsewhere", body="Nothing in Chinese.")
        assert titles(search(client, q="香港")) == ["香港AI的發展"]
        assert titles(search(client, q="應用")) == ["香港AI的發展"]

    def test_chinese_words_combine_with_and_and_rank_title_first(self, client, make_article):
        make_article(
            title="智慧城市藍圖", body="政府公布香港的計劃。", published_at=timezone.now() - timedelta(days=2)
        )
        make_article(title="Smart city", standfirst="香港推動智慧城市發展", published_at=timezone.now())
        make_article(title="只有香港", body="沒有別的。")
        assert titles(search(client, q="智慧城市 香港")) == ["智慧城市藍圖", "Smart city"]

    def test_chinese_and_english_words_together(self, client, make_article):
        make_article(title="香港 fintech 發展", body="Regulation of virtual banks.")
        make_article(title="香港 robotics")
        make_article(title="Fintech in Singapore")
        assert titles(search(client, q="香港 fintech")) == ["香港 fintech 發展"]
        assert titles(search(client, q="banks 香港")) == ["香港 fintech 發展"]

    def test_excluding_a_chinese_word(self, client, make_article):
        make_article(title="香港金融")
        make_article(title="深圳金融")
        assert titles(search(client, q="金融 -香港")) == ["深圳金融"]


@pytest.mark.django_db
@on_postgresql
class TestPostgreSQLIndexes:
    """The migration freezes the indexed expressions: these fail if search.py's queries
    drift from them (PostgreSQL would silently fall back to reading the whole table)."""

    @pytest.fixture(autouse=True)
    def many_articles(self, section):
        # Enough rows of varied English and Chinese text, with statistics, for the planner to
        # judge the indexes as it would on a real archive.
        rng = random.Random(2026)

        def word():
            if rng.random() < 0.3:
                return "".join(chr(rng.randrange(0x4E00, 0x5200)) for _ in range(rng.randrange(2, 5)))
            return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randrange(3, 9)))

        def text(words):
            return " ".join(word() for _ in range(words))

        Article.objects.bulk_create(
            Article(
                title=text(6),
                slug=f"bulk-{n}",
                section=section,
                standfirst=text(20),
                body=text(100),
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timedelta(minutes=n),
            )
            for n in range(300)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_article")

    def plan(self, search_):
        with connection.cursor() as cursor:
            # Transaction-local: the test's transaction is rolled back afterwards.
            # On the few rows a test can afford, reading the whole table through the
            # publication-order btree costs about as much as the GIN index, so take the
            # alternatives away (all undone with the test's transaction): what remains is a
            # bitmap scan of a search index if the query's expression matches it, else a
            # sequential scan. (On 5,000 varied rows the planner picks the search indexes
            # unforced: bench/search_explain.py.)
            cursor.execute("DROP INDEX article_pub_order, article_section_pub")
            for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + self.matching_sql(search_))
            return "\n".join(row[0] for row in cursor.fetchall())

    @staticmethod
    def matching_sql(search_):
        """The query that matches the words (ArticleSearch._ranked_candidates): the one that
        reads a search index; the others take its list of ids."""
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            list(search_.results())
        return next(
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith("SELECT")
            and ("search_document" in q["sql"] or "search_articlewords" in q["sql"])
        )

    def test_full_text_search_uses_the_gin_index(self, make_article):
        make_article(title="Fintech regulation")
        search_ = ArticleSearch(q="fintech regulation")
        assert [a.title for a in search_.results()] == ["Fintech regulation"]
        plan = self.plan(ArticleSearch(q="fintech regulation"))
        assert "Bitmap Index Scan on article_search_document" in plan, plan

    def test_chinese_words_use_the_words_index(self, make_article):
        make_article(title="智慧城市")
        search_ = ArticleSearch(q="智慧城市")
        assert [a.title for a in search_.results()] == ["智慧城市"]
        plan = self.plan(ArticleSearch(q="智慧城市"))
        assert "Bitmap Index Scan on search_articlewords_words" in plan, plan


@pytest.mark.django_db
@on_postgresql
@pytest.mark.parametrize("param", ["topic", "org"])
def test_tags_are_resolved_by_index_not_by_reading_every_tag(make_article, param):
    """A search's tags are looked up by slug or either name ignoring case (ArticleSearch._named):
    through the tags' indexes on LOWER(name) and LOWER(name_zh_hant), which compare names as
    their uniqueness does. Compared with UPPER() (Django's iexact) every tag was read."""
    from core.text import unicode_slugify
    from search.search import filter_kind

    kind = filter_kind(param)
    tags = [kind.model.objects.create(name=f"tag {n}", name_zh_hant=f"標籤{n}") for n in range(3)]
    make_article(**{kind.model.article_lookup: tags})
    requested = ["TAG 1", "標籤2", "tag-0"]
    found = ArticleSearch._lookup(kind, requested)
    assert {value: obj.name for value, obj in found.items()} == {
        "TAG 1": "tag 1",
        "標籤2": "tag 2",
        "tag-0": "tag 0",
    }
    slugified = {value: unicode_slugify(value) for value in requested}
    sql, params = ArticleSearch._named(kind.model.objects.all(), kind, slugified).query.sql_with_params()
    with connection.cursor() as cursor:
        # Only bitmap scans left (undone with the test's transaction): the tags are read by
        # their indexes if every compared expression has one, else the whole table is.
        for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Seq Scan on {kind.model._meta.db_table}" not in plan, plan
    assert f"{kind.model._meta.model_name}_chinese_name_ci" in plan, plan
