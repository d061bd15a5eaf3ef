"""articles/counts.py: maintained published counts stay equal to the aggregate that
Article.objects.published() gives, through every kind of edit and the clock."""

import random
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import counts
from articles.models import Article, Author, Organisation, PublishedCount, Section, Topic
from articles.querysets import published_story_count, story_key

Kind = PublishedCount.Kind


def aggregated():
    """Every non-zero count as the queryset rule computes it, over every link."""
    result = {}
    for kind, model in counts.KIND_MODELS.items():
        rows = model.objects.annotate(n=published_story_count()).filter(n__gt=0).values_list("pk", "n")
        result[kind] = dict(rows)
    total = Article.objects.published().aggregate(n=Count(story_key(), distinct=True))["n"]
    result[Kind.ALL] = {0: total} if total else {}
    return result


def count_queries(queries):
    """How many of the captured queries read or wrote the counts or their clock."""
    return sum("articles_publishedcount" in query["sql"] for query in queries.captured_queries)


@contextmanager
def a_request():
    """Within a request, as far as counts.py can tell (its signals), without the signals'
    closing of the database connection that a test's transaction holds (as Django's test
    client does)."""
    request_started.disconnect(close_old_connections)
    request_started.send(sender=None)
    request_started.connect(close_old_connections)
    try:
        yield
    finally:
        request_finished.disconnect(close_old_connections)
        request_finished.send(sender=None)
        request_finished.connect(close_old_connections)


def maintained():
    return {kind: counts.stories(kind) for kind in Kind.values}


class Clock:
    """timezone.now() under the test's control, moving forward only."""

    def __init__(self):
        self.now = timezone.now()

    def advance(self, **delta):
        self.now += timedelta(**delta)


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        yield clock


@pytest.mark.django_db
class TestMaintainedCounts:
    def test_publishing_counts_and_drafts_do_not(self, make_article, section):
        topic = Topic.objects.create(name="Fintech")
        make_article(topics=[topic])
        draft = make_article(status=Article.Status.DRAFT, topics=[topic])
        assert counts.stories(Kind.TOPIC) == {topic.pk: 1}
        assert counts.stories_of(section) == 1 and counts.total_stories() == 1
        draft.status = Article.Status.PUBLISHED
        draft.save()
        assert counts.stories(Kind.TOPIC) == {topic.pk: 2}
        draft.status = Article.Status.UNPUBLISHED
        draft.save()
        assert counts.stories(Kind.TOPIC) == {topic.pk: 1}

    def test_a_translation_counts_once(self, make_article):
        topic = Topic.objects.create(name="Fintech")
        english = make_article(topics=[topic])
        chinese = make_article(topics=[topic], language=Article.Language.CHINESE)
        assert counts.stories(Kind.TOPIC) == {topic.pk: 2}
        chinese.translation = english
        chinese.save()
        assert counts.stories(Kind.TOPIC) == {topic.pk: 1} and counts.total_stories() == 1
        assert maintained() == aggregated()

    def test_scheduled_article_counts_at_its_time_and_leaves_at_expiry(self, make_article, clock):
        topic = Topic.objects.create(name="Fintech")
        make_article(
            topics=[topic],
            published_at=clock.now + timedelta(minutes=5),
            expires_at=clock.now + timedelta(minutes=10),
        )
        assert counts.stories(Kind.TOPIC) == {}
        clock.advance(minutes=5)
        assert counts.stories(Kind.TOPIC) == {topic.pk: 1}
        clock.advance(minutes=5)
        assert counts.stories(Kind.TOPIC) == {}

    def test_reading_costs_one_query_while_nothing_is_due(self, make_article, django_assert_num_queries):
        make_article()
        counts.total_stories()
        with django_assert_num_queries(1):  # the count, with the clock
            assert counts.total_stories() == 1

    def test_the_most_counted_with_those_tied_with_the_last(self, make_article):
        topics = {name: Topic.objects.create(name=name) for name in ("ai", "fintech", "robotics", "privacy")}
        for name, n in (("ai", 3), ("fintech", 2), ("robotics", 2), ("privacy", 1)):
            for _ in range(n):
                make_article(topics=[topics[name]])
        by_id = {topic.pk: name for name, topic in topics.items()}
        most = counts.most_counted(PublishedCount.Kind.TOPIC, 2).values_list("object_id", "stories")
        assert {by_id[pk]: n for pk, n in most} == {"ai": 3, "fintech": 2, "robotics": 2}
        assert counts.most_counted(PublishedCount.Kind.TOPIC, 10).count() == 4  # fewer than asked: all

    def test_a_request_reads_the_clock_once(self, make_article, django_assert_num_queries):
        make_article()
        counts.ensure_current()
        with django_assert_num_queries(2):  # outside a request: each read looks
            counts.ensure_current()
            counts.ensure_current()
        with a_request(), django_assert_num_queries(2):  # the clock once, then the counts alone
            counts.ensure_current()
            counts.ensure_current()
            counts.stories(Kind.SECTION)
        with django_assert_num_queries(1):
            counts.ensure_current()

    def test_a_request_still_catches_up_when_a_scheduled_time_comes_during_it(self, make_article, clock):
        topic = Topic.objects.create(name="Fintech")
        make_article(topics=[topic], published_at=clock.now + timedelta(minutes=5))
        with a_request():
            assert counts.stories(Kind.TOPIC) == {}
            clock.advance(minutes=6)
            assert counts.stories(Kind.TOPIC) == {topic.pk: 1}

    def test_a_save_during_a_request_is_seen_by_its_later_reads(self, make_article, clock):
        """A save locks the clock to write it: what the request read of it is forgotten, so
        an earlier next change the save brings is not skipped."""
        topic = Topic.objects.create(name="Fintech")
        make_article(topics=[topic], published_at=clock.now + timedelta(hours=1))
        with a_request():
            assert counts.stories(Kind.TOPIC) == {}  # the clock read: nothing before an hour
            make_article(topics=[topic], published_at=clock.now + timedelta(minutes=5))
            clock.advance(minutes=6)
            assert counts.stories(Kind.TOPIC) == {topic.pk: 1}

    def test_publishing_an_article_alone_in_its_story_moves_its_counts_by_one(self, make_article):
        """Its section, tags, authors and the site's total each move by one: nothing is
        counted again over all their links (bench/RESULTS.md has what that cost)."""
        topic = Topic.objects.create(name="Fintech")
        author = Author.objects.create(name="Ada", slug="ada")
        make_article(topics=[topic], authors=[author])
        article = make_article(status=Article.Status.DRAFT, topics=[topic], authors=[author])
        for status in (Article.Status.PUBLISHED, Article.Status.UNPUBLISHED, Article.Status.PUBLISHED):
            article.status = status
            with CaptureQueriesContext(connection) as queries:
                article.save()
            assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
            assert maintained() == aggregated(), status
        assert counts.stories(Kind.TOPIC) == {topic.pk: 2}
        assert counts.stories(Kind.AUTHOR) == {author.pk: 2}

    def test_tagging_an_article_alone_in_its_story_moves_the_tags_count_by_one(self, make_article):
        fintech, robotics = Topic.objects.create(name="Fintech"), Topic.objects.create(name="Robotics")
        organisation = Organisation.objects.create(name="HKMA")
        make_article(topics=[fintech, robotics], organisations=[organisation])
        article = make_article(topics=[fintech])
        with CaptureQueriesContext(connection) as queries:
            article.topics.add(robotics)
            article.organisations.add(organisation)
            article.topics.remove(fintech)
        assert not [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
        assert maintained() == aggregated()
        assert counts.stories(Kind.TOPIC) == {fintech.pk: 1, robotics.pk: 2}
        article.topics.clear()
        assert maintained() == aggregated()

    def test_an_article_public_by_time_but_not_yet_counted_is_not_taken_off_twice(self, make_article, clock):
        """Its scheduled time came, and nothing read the counts since (so nothing counted it):
        unpublishing it must not take it off counts that never held it."""
        topic = Topic.objects.create(name="Fintech")
        make_article(topics=[topic])
        scheduled = make_article(topics=[topic], published_at=clock.now + timedelta(minutes=5))
        assert counts.total_stories() == 1
        clock.advance(minutes=6)
        scheduled.status = Article.Status.UNPUBLISHED
        scheduled.save()
        assert maintained() == aggregated()
        assert counts.total_stories() == 1 and counts.stories(Kind.TOPIC) == {topic.pk: 1}

    def test_a_typo_fix_recounts_nothing(self, make_article):
        article = make_article()
        article.title = "Fixed"
        with CaptureQueriesContext(connection) as queries:
            article.save()
        assert count_queries(queries) == 0

    def test_deleting_a_tag_with_many_articles_recounts_once(self, make_article):
        topic = Topic.objects.create(name="Fintech")
        for _ in range(20):
            make_article(topics=[topic])
        with CaptureQueriesContext(connection) as queries:
            topic.delete()
        # The clock's lock, the delete and insert of the recount (not one per link).
        assert count_queries(queries) <= 3
        assert counts.stories(Kind.TOPIC) == {}

    def test_recount_command_repairs_bulk_loads(self, section):
        topic = Topic.objects.create(name="Fintech")
        articles = Article.objects.bulk_create(
            Article(
                title=f"Bulk {n}",
                slug=f"bulk-{n}",
                section=section,
                status=Article.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            for n in range(3)
        )
        for article in articles:
            article.topics.add(topic)  # signals, but bulk_create's articles were not counted
        call_command("recount", stdout=mock.Mock())
        assert counts.stories(Kind.TOPIC) == {topic.pk: 3} and counts.total_stories() == 3

    def test_loaddata_leaves_counts_right(self, make_article, tmp_path):
        topic = Topic.objects.create(name="Fintech")
        make_article(topics=[topic])
        fixture = tmp_path / "content.json"
        call_command(
            "dumpdata",
            "articles.section",
            "articles.topic",
            "articles.article",
            "articles.articletopic",
            output=str(fixture),
        )
        Article.objects.all().delete()
        PublishedCount.objects.all().delete()
        call_command("loaddata", str(fixture), verbosity=0)
        assert counts.stories(Kind.TOPIC) == {topic.pk: 1}


def random_edit(rng, clock, sections, topics, organisations, authors):
    """One newsroom edit, picked at random: what counts.py must follow."""
    articles = list(Article.objects.order_by("pk"))
    action = rng.choice(
        [
            "create",
            "create",
            "publish",
            "unpublish",
            "schedule",
            "expire",
            "retag",
            "reauthor",
            "move",
            "delete",
            "translate",
            "untranslate",
            "tick",
            "delete_tag",
        ]
    )
    if action == "create" or not articles:
        status = rng.choice(
            [Article.Status.PUBLISHED, Article.Status.PUBLISHED, Article.Status.DRAFT, Article.Status.REVIEW]
        )
        article = Article.objects.create(
            title=f"Story {len(articles)}",
            slug=f"story-{rng.random()}",
            section=rng.choice(sections),
            status=status,
            published_at=clock.now - timedelta(minutes=rng.randint(0, 60))
            if status == Article.Status.PUBLISHED
            else None,
            language=rng.choice(Article.Language.values),
        )
        article.topics.add(*rng.sample(topics, rng.randint(0, 3)))
        article.organisations.add(*rng.sample(organisations, rng.randint(0, 2)))
        article.authors.add(*rng.sample(authors, rng.randint(0, 2)))
        return action
    article = rng.choice(articles)
    if action == "publish":
        article.status, article.published_at = Article.Status.PUBLISHED, clock.now
        article.save()
    elif action == "unpublish":
        article.status = Article.Status.UNPUBLISHED
        article.save()
    elif action == "schedule":
        article.status = Article.Status.PUBLISHED
        article.published_at = clock.now + timedelta(minutes=rng.randint(1, 30))
        article.save()
    elif action == "expire":
        article.expires_at = clock.now + timedelta(minutes=rng.randint(1, 30))
        article.save()
    elif action == "retag":
        article.topics.set(rng.sample(topics, rng.randint(0, 3)))
        if rng.random() < 0.5:
            article.organisations.clear()
        else:
            article.organisations.remove(*rng.sample(organisations, 1))
    elif action == "reauthor":
        if rng.random() < 0.3:
            rng.choice(authors).articles.add(article)
        else:
            article.authors.set(rng.sample(authors, rng.randint(0, 2)))
    elif action == "move":
        article.section = rng.choice(sections)
        article.save()
    elif action == "delete":
        article.delete()
    elif action == "translate":
        # As the admin allows (Article.clean): the other language, not yet linked elsewhere.
        others = [
            other
            for other in articles
            if other.language != article.language and other.translation_id in (None, article.pk)
        ]
        if others:
            article.translation = rng.choice(others)
            article.save()
    elif action == "untranslate":
        article.translation = None
        article.save()
    elif action == "tick":
        clock.advance(minutes=rng.randint(1, 20))
    elif action == "delete_tag" and rng.random() < 0.3:
        tag = rng.choice(topics)
        topics.remove(tag)
        tag.delete()
        topics.append(Topic.objects.create(name=f"Topic {rng.random()}"))
    return action


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3, 10])
def test_counts_equal_the_aggregate_through_random_edits(seed, clock):
    rng = random.Random(seed)
    sections = [Section.objects.create(name=f"Section {n}", slug=f"section-{n}") for n in range(3)]
    topics = [Topic.objects.create(name=f"Topic {n}") for n in range(6)]
    organisations = [Organisation.objects.create(name=f"Organisation {n}") for n in range(4)]
    authors = [Author.objects.create(name=f"Author {n}", slug=f"author-{n}") for n in range(3)]
    for step in range(120):
        action = random_edit(rng, clock, sections, topics, organisations, authors)
        assert maintained() == aggregated(), f"after step {step}: {action}"
    # A listing's total (its paginator's count) is the maintained count, in each language:
    # the list's own filter first, then for_language (as the views apply them).
    for language in Article.Language.values:
        published = Article.objects.published()
        assert published.for_language(language).count() == counts.total_stories()
        for obj in [*sections, *topics]:
            assert published.about(obj).for_language(language).count() == counts.stories_of(obj), (
                language,
                obj,
            )


@pytest.mark.django_db(transaction=True)
def test_a_save_outside_a_transaction_counts_again(make_article):
    """No row lock outside a transaction, so no shift by one: the counts are made again."""
    topic = Topic.objects.create(name="Fintech")
    article = make_article(status=Article.Status.DRAFT, topics=[topic])
    article.status = Article.Status.PUBLISHED
    with CaptureQueriesContext(connection) as queries:
        article.save()
    assert [query for query in queries.captured_queries if "COUNT(" in query["sql"].upper()]
    assert maintained() == aggregated()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's row locks (SQLite locks the database)"
)
@pytest.mark.django_db(transaction=True)
def test_two_transactions_tagging_one_article_at_once_both_commit(make_article):
    """Each holds the share lock that a row referring to the article takes (a link's
    foreign key, when the other transaction inserted its link first), then tags it: the
    article's row is locked for no key update, which that share lock does not block, so
    neither waits for the other's (with FOR UPDATE they deadlocked and PostgreSQL aborted
    one)."""
    import threading

    from django.db import transaction

    article = make_article()
    topics = [Topic.objects.create(name="Fintech"), Topic.objects.create(name="Robotics")]
    counts.recount()
    both_refer = threading.Barrier(2, timeout=10)
    errors = []

    def tag(topic):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1 FROM articles_article WHERE id = %s FOR KEY SHARE", [article.pk])
                both_refer.wait()
                article.topics.add(topic)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=tag, args=(topic,)) for topic in topics]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert counts.stories(Kind.TOPIC) == {topic.pk: 1 for topic in topics}
    assert maintained() == aggregated()
