"""articles/querysets.py: the publication rule, previews, published counts, one version per story."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, Organisation, Topic


@pytest.mark.django_db
class TestPublicationRule:
    def test_published_article_is_public(self, make_article):
        article = make_article()
        assert list(Article.objects.published()) == [article]
        assert article.is_published

    def test_draft_is_not_public(self, make_article):
        article = make_article(status=Article.Status.DRAFT)
        assert not Article.objects.published().exists()
        assert not article.is_published

    def test_scheduled_article_turns_public_at_its_time(self, make_article):
        when = timezone.now() + timedelta(hours=2)
        article = make_article(published_at=when)
        assert not Article.objects.published().exists()
        assert article.is_scheduled and not article.is_published
        just_before = when - timedelta(microseconds=1)
        assert not Article.objects.published(at=just_before).exists()
        assert list(Article.objects.published(at=when)) == [article]

    def test_visible_to_lets_staff_preview_drafts_only(
        self, make_article, writer, other_writer, editor, django_user_model
    ):
        draft = make_article(status=Article.Status.DRAFT, created_by=writer)
        reader = django_user_model.objects.create_user("reader", password="x")
        assert draft in Article.objects.visible_to(writer)
        assert draft in Article.objects.visible_to(editor)
        assert draft not in Article.objects.visible_to(reader)
        # Writers preview their own drafts, not each other's (as in the admin).
        assert draft not in Article.objects.visible_to(other_writer)
        assert make_article() in Article.objects.visible_to(other_writer)


@pytest.mark.django_db
class TestTags:
    def test_counts_only_published_articles(self, make_article):
        make_article(topics=["privacy"], organisations=["ASTRI"])
        make_article(topics=["privacy"], organisations=["ASTRI"], status=Article.Status.DRAFT)
        make_article(
            topics=["privacy"],
            organisations=["ASTRI"],
            published_at=timezone.now() + timedelta(days=1),
        )
        make_article(topics=["draft-only"], status=Article.Status.DRAFT)
        assert dict(Topic.objects.in_use().values_list("name", "num_articles")) == {"privacy": 1}
        assert Organisation.objects.in_use().get().num_articles == 1

    def test_an_article_lists_its_tags_in_the_order_they_were_added(self, make_article):
        article = make_article(topics=["zebra", "apple", "mango"], organisations=["HKSTP", "ASTRI"])
        article = Article.objects.get(pk=article.pk)
        assert [t.name for t in article.topics.all()] == ["zebra", "apple", "mango"]
        assert list(article.topics.filter(name__startswith="a").values_list("name", flat=True)) == ["apple"]
        assert list(article.topics.names()) == ["zebra", "apple", "mango"]
        assert [o.name for o in article.organisations.all()] == ["HKSTP", "ASTRI"]
        assert not make_article().topics.exists()

    def test_a_prefetch_builds_no_filter_per_article(self, make_article, monkeypatch):
        """The tags of a listing's articles come from one prefetch query: asking each article
        for its (never run) tags queryset must not build a join filter for each."""
        from django.db.models.sql.query import Query

        for n in range(6):
            make_article(topics=[f"topic {n}", "shared"], organisations=["ASTRI"])
        built = []
        build_filter = Query.build_filter
        monkeypatch.setattr(
            Query, "build_filter", lambda self, *a, **k: built.append(1) or build_filter(self, *a, **k)
        )

        def filters_built(size):
            built.clear()
            rows = list(Article.objects.order_by("pk").prefetch_related("topics", "organisations")[:size])
            assert [sorted(t.name for t in row.topics.all()) for row in rows][0] == ["shared", "topic 0"]
            return len(built)

        assert filters_built(1) == filters_built(6)


@pytest.mark.django_db
class TestListsShowEachStoryOnce:
    def test_for_language_keeps_one_version_per_story(self, bilingual):
        for language, expected in (("en", "en"), ("zh-hant", "zh")):
            pks = set(Article.objects.published().for_language(language).values_list("pk", flat=True))
            assert bilingual[expected].pk in pks
            assert bilingual["en" if expected == "zh" else "zh"].pk not in pks
            assert {bilingual["en_only"].pk, bilingual["zh_only"].pk, bilingual["en_draft_zh"].pk} <= pks
            assert bilingual["draft_zh"].pk not in pks


@pytest.mark.django_db
class TestExpiry:
    def test_an_expired_article_is_not_published_anywhere_by_the_one_rule(self, make_article, topic):
        now = timezone.now()
        live = make_article(title="Live", expires_at=now + timedelta(hours=1), topics=[topic])
        gone = make_article(title="Gone", expires_at=now - timedelta(seconds=1), topics=["only gone"])
        assert list(Article.objects.published()) == [live]
        assert live.is_published and not live.is_expired
        assert not gone.is_published and gone.is_expired
        assert list(Article.objects.published(at=now + timedelta(hours=2))) == []
        # Across a join too: the tag only the expired article carries is not public.
        assert list(Topic.objects.public()) == [topic]

    def test_the_next_visibility_change_is_the_soonest_publication_or_expiry(self, make_article):
        now = timezone.now()
        assert Article.objects.next_visibility_change() is None
        make_article(published_at=now + timedelta(hours=3))
        assert Article.objects.next_visibility_change() == now + timedelta(hours=3)
        make_article(expires_at=now + timedelta(hours=1))
        assert Article.objects.next_visibility_change() == now + timedelta(hours=1)

    def test_an_expiry_before_the_publication_time_is_refused(self, make_article):
        from django.core.exceptions import ValidationError

        article = make_article()
        article.expires_at = article.published_at - timedelta(minutes=1)
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "expires_at" in error.value.message_dict


@pytest.mark.django_db
def test_an_author_is_public_once_a_published_article_carries_their_byline(make_article):
    now = timezone.now()
    hidden_states = {
        "draft": {"status": Article.Status.DRAFT, "published_at": None},
        "review": {"status": Article.Status.REVIEW, "published_at": None},
        "scheduled": {"published_at": now + timedelta(days=1)},
        "expired": {"published_at": now - timedelta(days=2), "expires_at": now - timedelta(hours=1)},
        "unpublished": {"status": Article.Status.UNPUBLISHED, "published_at": now - timedelta(days=1)},
    }
    hidden = []
    for name, state in hidden_states.items():
        author = Author.objects.create(name=name, slug=name)
        make_article(authors=[author], **state)
        hidden.append(author)
    public = Author.objects.create(name="Public", slug="public")
    make_article(authors=[public, hidden[0]])
    make_article(authors=[public])
    assert set(Author.objects.public()) == {public, hidden[0]}
    assert Author.objects.public().count() == 2  # EXISTS: each author once, however many articles


def test_plain_prefetches_keep_the_rows_and_pickle_smaller(make_article, django_assert_num_queries):
    import pickle

    from articles.querysets import with_plain_prefetches
    from tests.pictures import make_image

    author = Author.objects.create(name="Ada Chan", slug="ada")
    make_article(
        authors=[author],
        topics=[Topic.objects.create(name="robotics")],
        organisations=[Organisation.objects.create(name="HKSTP", kind="incubator")],
        hero=make_image("A harbour", size=(1600, 900)),
    )
    as_querysets = list(Article.objects.for_listing())
    plain = with_plain_prefetches(list(Article.objects.for_listing()))
    assert len(pickle.dumps(plain)) < len(pickle.dumps(as_querysets))
    article = pickle.loads(pickle.dumps(plain))[0]
    with django_assert_num_queries(0):
        assert [a.name for a in article.authors.all()] == ["Ada Chan"]
        assert [t.name for t in article.topics.all()[:3]] == ["robotics"]
        assert [o.name for o in article.organisations.all()] == ["HKSTP"]
        assert len(article.hero.renditions.all()) == len(as_querysets[0].hero.renditions.all()) > 0
