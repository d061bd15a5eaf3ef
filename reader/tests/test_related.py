"""reader/related.py: related articles and published neighbours, each story once per language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Organisation, Topic
from reader.related import neighbours, related_articles

from .helpers import at, parse


@pytest.mark.django_db
class TestArticleDetail:
    def test_previous_and_next_are_published_neighbours(self, client, make_article):
        older = make_article(title="Older one", published_at=at(1))
        make_article(title="Draft between", status=Article.Status.DRAFT)
        middle = make_article(title="Middle one", published_at=at(3))
        make_article(title="Scheduled", published_at=timezone.now() + timedelta(days=3))
        newer = make_article(title="Newer one", published_at=at(5))
        page = parse(client.get(middle.get_absolute_url()))
        assert page.find("a", rel="prev")[0]["href"] == older.get_absolute_url()
        assert page.find("a", rel="next")[0]["href"] == newer.get_absolute_url()
        last = parse(client.get(newer.get_absolute_url()))
        assert not last.find("a", rel="next")

    def test_related_ranked_by_shared_topics_and_organisations(self, make_article):
        t1, t2, t3 = (Topic.objects.create(name=n) for n in ("robotics", "fintech", "health"))
        o1 = Organisation.objects.create(name="HKSTP", kind="incubator")
        article = make_article(topics=[t1, t2], organisations=[o1])
        best = make_article(title="best", topics=[t1, t2], organisations=[o1], published_at=at(1))
        one_old = make_article(title="one old", topics=[t1, t3], published_at=at(2))
        one_new = make_article(title="one new", organisations=[o1], published_at=at(4))
        make_article(title="nothing shared", topics=[t3])
        make_article(title="draft", topics=[t1, t2], status=Article.Status.DRAFT)
        make_article(topics=[t1, t2], published_at=timezone.now() + timedelta(days=1))
        fetched = Article.objects.for_listing().get(pk=article.pk)
        related = related_articles(fetched)
        assert [a.title for a in related] == ["best", "one new", "one old"]
        assert [a.pk for a in related] == [best.pk, one_new.pk, one_old.pk]
        assert related[0].shared == 3

    def test_related_is_one_query(self, make_article, django_assert_num_queries):
        topic = Topic.objects.create(name="robotics")
        article = make_article(topics=[topic])
        for _ in range(5):
            make_article(topics=[topic])
        fetched = Article.objects.for_listing().get(pk=article.pk)
        with django_assert_num_queries(1):
            related = related_articles(fetched)
            assert len(related) == 4
            [a.section.name for a in related]


@pytest.mark.django_db
def test_related_are_ranked_among_the_articles_nearest_in_time(make_article):
    topic, other = Topic.objects.create(name="robotics"), Topic.objects.create(name="fintech")
    start = timezone.now() - timedelta(days=30)

    def story(title, days, topics):
        return make_article(title=title, published_at=start + timedelta(days=days), topics=topics)

    far_before = story("far before, shares both", 0, [topic, other])
    near_before = story("near before, shares one", 10, [topic])
    article = story("the article", 11, [topic, other])
    near_after = story("near after, shares both", 12, [topic, other])
    story("near after, shares nothing", 13, [])
    far_after = story("far after, shares both", 20, [topic, other])
    fetched = Article.objects.for_listing().get(pk=article.pk)
    # Without a bound: the shared count ranks, newest first among equals.
    assert [a.title for a in related_articles(fetched)] == [
        far_after.title,
        near_after.title,
        far_before.title,
        near_before.title,
    ]
    # One candidate on either side: the far ones are out, the ranking stays.
    assert [a.title for a in related_articles(fetched, candidates=2)] == [
        near_after.title,
        near_before.title,
    ]


@pytest.mark.django_db
class TestArticlePages:
    def test_related_and_neighbours_never_pair_an_article_with_its_translation(self, bilingual):
        for language in ("en", "zh-hant"):
            for article in (bilingual["en"], bilingual["zh"]):
                fetched = Article.objects.for_listing().select_related("translation").get(pk=article.pk)
                related = related_articles(fetched, language)
                pks = {a.pk for a in related}
                assert article.translation_id not in pks
                # One version per story: never both the English and the Chinese one.
                assert not {bilingual["en"].pk, bilingual["zh"].pk} <= pks
                previous, following = neighbours(fetched, language)
                assert article.translation_id not in {
                    getattr(previous, "pk", None),
                    getattr(following, "pk", None),
                }

    def test_related_prefer_the_readers_language(self, bilingual):
        fetched = Article.objects.for_listing().get(pk=bilingual["en_only"].pk)
        assert bilingual["en"].pk in {a.pk for a in related_articles(fetched, "en")}
        chinese = {a.pk for a in related_articles(fetched, "zh-hant")}
        assert bilingual["zh"].pk in chinese and bilingual["en"].pk not in chinese


@pytest.mark.django_db
def test_related_count_shared_tags_from_the_link_indexes_alone(make_article):
    """The shared topics and organisations are counted by tag id, which the (article, tag)
    and (tag, article) indexes hold: PostgreSQL never reads a link row from its table.
    Counting the links' own ids made it read every candidate's links (bench/RESULTS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's query plan")
    topic = Topic.objects.create(name="robotics")
    organisation = Organisation.objects.create(name="HKSTP", kind="incubator")
    article = make_article(topics=[topic], organisations=[organisation])
    for n in range(3):
        make_article(topics=[topic], organisations=[organisation], published_at=at(n + 1))
    fetched = Article.objects.for_listing().get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        assert len(related_articles(fetched)) == 3
    with connection.cursor() as cursor:
        # Only index scans left (undone with the test's transaction), so that the plan on
        # these few rows is the one the archive gets: each link table is read from an index
        # alone if the query needs nothing else of it.
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + queries.captured_queries[-1]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    for links in ("articles_articletopic", "articles_articleorganisation"):
        scans = [line for line in plan.splitlines() if f" on {links} " in line]
        assert scans and all("Index Only Scan" in line for line in scans), plan
