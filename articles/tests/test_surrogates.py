"""articles/surrogates.py through pagecache's signals: a save purges exactly the keys it
affects, once the transaction commits."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from articles.models import Article, Author, Topic


@pytest.fixture
def purges(monkeypatch):
    sent = []
    monkeypatch.setattr(
        "pagecache.signals.purge_keys", lambda keys, hard=False: sent.append((set(keys), hard))
    )
    return sent


def purged(purges):
    return set().union(*(keys for keys, _hard in purges)) if purges else set()


@pytest.mark.django_db
class TestWhatASavePurges:
    def test_a_draft_and_its_edits_purge_nothing(self, make_article, purges, commit):
        with commit():
            draft = make_article(status=Article.Status.DRAFT, published_at=None, topics=["robotics"])
            draft.title = "Second go"
            draft.save()
            draft.topics.add("fintech")
            draft.authors.add(Author.objects.create(name="Ada", slug="ada"))
            draft.delete()
        assert purges == []

    def test_a_model_nobody_watches_purges_nothing(self, db, purges, commit):
        with commit():
            Group.objects.create(name="Autosaves, say")
        assert purges == []

    def test_publishing_purges_its_page_and_the_lists_it_enters(self, make_article, purges, commit):
        neighbour = make_article()
        topic = Topic.objects.create(name="robotics")
        author = Author.objects.create(name="Ada", slug="ada")
        draft = make_article(status=Article.Status.DRAFT, published_at=None, topics=[topic], authors=[author])
        with commit():
            draft.status = Article.Status.PUBLISHED
            draft.save()
        keys = purged(purges)
        assert {f"a{draft.pk}", "latest", "home", "search", f"s{draft.section_id}:list"} <= keys
        assert {f"t{topic.pk}:list", f"u{author.pk}:list", f"a{neighbour.pk}:page", "topics"} <= keys
        assert f"a{neighbour.pk}" not in keys  # the neighbour's cards do not change

    def test_a_typo_purges_the_article_and_what_shows_its_title(self, make_article, purges, commit):
        article = make_article(topics=["robotics"])
        with commit():
            article.title = "Fixed typo"
            article.save()
        assert purged(purges) == {f"a{article.pk}", "search:words", "unkeyed"}
        assert "latest" not in purged(purges) and "home" not in purged(purges)

    def test_a_save_that_changes_nothing_visible_purges_nothing(self, make_article, purges, commit):
        article = make_article()
        with commit():
            article.save()
        assert purges == []

    def test_unpublishing_and_deleting_purge_hard(self, make_article, purges, commit):
        article = make_article(topics=["robotics"])
        with commit():
            article.status = Article.Status.DRAFT
            article.save()
        assert any(hard and f"a{article.pk}" in keys and "latest" in keys for keys, hard in purges)
        other = make_article(topics=["fintech"])
        tag, pk = other.topics.get(), other.pk
        purges.clear()
        with commit():
            other.delete()
        assert any(hard and {f"a{pk}", f"t{tag.pk}:list"} <= keys for keys, hard in purges)

    def test_tag_changes_of_a_public_article(self, make_article, purges, commit):
        article = make_article(topics=["robotics"])
        old = article.topics.get()
        with commit():
            article.topics.set(["fintech"])
        new = article.topics.get()
        assert {f"t{old.pk}:list", f"t{new.pk}:list", f"a{article.pk}"} <= purged(purges)
        purges.clear()
        with commit():
            article.topics.clear()
        assert f"t{new.pk}:list" in purged(purges)

    def test_renaming_a_topic_purges_the_pages_naming_it(self, db, purges, commit):
        topic = Topic.objects.create(name="robotics")
        purges.clear()
        with commit():
            topic.name = "Robotics"
            topic.save()
        assert {f"t{topic.pk}", "topics"} <= purged(purges)

    def test_a_schedule_purges_its_lists_only_within_the_edge_lifetime(
        self, make_article, purges, commit, settings
    ):
        settings.PAGE_CACHE_EDGE_SECONDS = 3600
        with commit():
            make_article(published_at=timezone.now() + timedelta(days=2))
        assert purges == []
        with commit():
            soon = make_article(published_at=timezone.now() + timedelta(minutes=10))
        assert {f"a{soon.pk}", "latest"} <= purged(purges)

    def test_a_rolled_back_save_purges_nothing(
        self, make_article, purges, django_capture_on_commit_callbacks
    ):
        article = make_article()
        with django_capture_on_commit_callbacks(execute=False):
            article.title = "Never committed"
            article.save()
        assert purges == []


@pytest.mark.django_db
class TestLibraryImages:
    def test_a_changed_picture_purges_the_public_articles_showing_it(self, make_article, purges, commit):
        from tests.pictures import make_image

        hero = make_image("A tram", size=(320, 180))
        placed = make_image("A ferry", size=(320, 180))
        shown = make_article(hero=hero)
        in_body = make_article(body=f"Text.\n\n{placed.markdown}")
        draft = make_article(hero=hero, status=Article.Status.DRAFT, published_at=None)
        purges.clear()
        with commit():
            hero.caption = "A tram in Wan Chai"
            hero.save()
            placed.alt_text = "A Star Ferry crossing"
            placed.save()
        # "unkeyed": feeds and sitemaps, which name no keys, follow every visible change.
        assert purged(purges) == {f"a{shown.pk}", f"a{in_body.pk}", "unkeyed"}
        assert f"a{draft.pk}" not in purged(purges)

    def test_a_changed_photo_purges_the_public_author_it_portrays(self, make_article, purges, commit):
        from tests.pictures import make_image

        photo = make_image("Ada at her desk", size=(320, 320))
        public = Author.objects.create(name="Ada", slug="ada", photo=photo)
        hidden = Author.objects.create(name="Ben", slug="ben", photo=photo)
        make_article(authors=[public])
        make_article(authors=[hidden], status=Article.Status.DRAFT, published_at=None)
        purges.clear()
        with commit():
            photo.alt_text = "Ada in the newsroom"
            photo.save()
        assert purged(purges) == {f"u{public.pk}", "unkeyed"}

    def test_an_author_renamed_or_given_a_photo_purges_the_pages_naming_them(self, db, purges, commit):
        from tests.pictures import make_image

        author = Author.objects.create(name="Ada", slug="ada")
        purges.clear()
        with commit():
            author.name_zh_hant = "愛達"
            author.save()
        assert f"u{author.pk}" in purged(purges)
        purges.clear()
        with commit():
            author.photo = make_image("Ada", size=(320, 320))
            author.save()
        assert f"u{author.pk}" in purged(purges)

    def test_a_new_picture_purges_nothing(self, db, purges, commit):
        from tests.pictures import make_image

        with commit():
            make_image("Unused", size=(320, 180))
        assert purges == []


@pytest.mark.django_db
def test_an_expiry_within_the_horizon_is_a_scheduled_change(make_article):
    from articles.surrogates import scheduled_changes

    expires = timezone.now() + timedelta(minutes=5)
    article = make_article(expires_at=expires)
    make_article(expires_at=timezone.now() + timedelta(days=5))  # beyond the horizon
    changes = scheduled_changes(horizon=600)
    assert [when for when, _keys in changes] == [expires.timestamp()]
    assert f"a{article.pk}" in changes[0][1] and "latest" in changes[0][1]


@pytest.mark.django_db
def test_scheduled_changes_name_each_articles_placement_in_a_fixed_number_of_queries(
    make_article, django_assert_max_num_queries
):
    """A page's first request after a change reads the scheduled changes: their keys are
    what placement_keys() says of each article, in four queries however many there are:
    the scheduled and the expiring articles in one, then their topics, organisations and
    authors."""
    from articles.surrogates import placement_keys, scheduled_changes

    soon = timezone.now() + timedelta(minutes=5)
    make_article(topics=["robotics"], published_at=timezone.now() - timedelta(hours=1))
    articles = [
        make_article(topics=["robotics", f"topic {n}"], published_at=soon + timedelta(seconds=n))
        for n in range(3)
    ]
    author = Author.objects.create(name="Ada", slug="ada")
    articles.append(
        make_article(topics=["robotics"], organisations=["HKU"], authors=[author], expires_at=soon)
    )
    with django_assert_max_num_queries(4):
        changes = scheduled_changes(horizon=600)
    expected = sorted(
        ((a.expires_at or a.published_at).timestamp(), sorted(placement_keys(a))) for a in articles
    )
    assert sorted(changes) == expected
    assert all(any(key.startswith("a") and key.endswith(":page") for key in keys) for _when, keys in changes)
