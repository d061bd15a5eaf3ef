"""articles/models.py: saving, slugs and tag names, the constraints, the translation link."""

from urllib.parse import unquote

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import resolve, reverse
from django.utils import timezone, translation

from articles.models import Article, Organisation, Topic


@pytest.mark.django_db
class TestPublicationRule:
    def test_publishing_without_a_time_publishes_now(self, make_article):
        article = make_article(published_at=None)
        assert article.published_at is not None
        assert article.published_at <= timezone.now()
        assert article.is_published

    def test_published_article_without_time_is_refused_by_the_database(self, make_article):
        article = make_article()
        with pytest.raises(IntegrityError):
            Article.objects.filter(pk=article.pk).update(published_at=None)


@pytest.mark.django_db
class TestTags:
    def test_chinese_topic_gets_a_readable_unicode_slug(self):
        topic = Topic.objects.create(name="香港AI")
        assert topic.slug == "香港ai"
        url = topic.get_absolute_url()
        # reverse() percent-encodes; the server decodes the path before resolving.
        assert resolve(unquote(url)).kwargs["slug"] == "香港ai"

    def test_topics_are_case_insensitive_even_in_one_call(self, make_article):
        article = make_article(topics=["Fintech", "fintech", " FINTECH  "])
        assert Topic.objects.count() == 1
        make_article(topics=["fintech"])
        assert Topic.objects.count() == 1
        assert article.topics.get().name == "Fintech"

    def test_database_refuses_a_case_variant_duplicate(self):
        Topic.objects.create(name="Privacy")
        with pytest.raises(IntegrityError):
            Topic.objects.create(name="privacy", slug="privacy-2")

    def test_whitespace_is_normalised(self, make_article):
        make_article(topics=["  smart   city "])
        assert Topic.objects.get().name == "smart city"

    def test_unsluggable_name_still_gets_a_slug(self):
        first = Topic.objects.create(name="!!!")
        second = Topic.objects.create(name="???")
        assert first.slug == "tag"
        assert second.slug.startswith("tag-")

    def test_organisations_and_topics_use_separate_tables(self, make_article):
        article = make_article(topics=["ASTRI"], organisations=["ASTRI"])
        assert Topic.objects.filter(name="ASTRI").exists()
        assert Organisation.objects.filter(name="ASTRI").exists()
        assert [t.name for t in article.topics.all()] == ["ASTRI"]
        assert Article.objects.filter(organisations__name="ASTRI").get() == article


@pytest.mark.django_db
class TestArticle:
    def test_unicode_slug_url_resolves(self, make_article):
        article = make_article(title="香港AI 新聞", slug="")
        assert article.slug == "香港ai-新聞"
        url = article.get_absolute_url()
        assert url == reverse("reader:article_detail", kwargs={"slug": "香港ai-新聞"})
        assert resolve(unquote(url)).kwargs["slug"] == article.slug

    def test_body_is_rendered_and_sanitized_on_save(self, make_article):
        article = make_article(body="# Heading\n\n<script>alert(1)</script>**bold** [x](javascript:alert(1))")
        assert "<h2>Heading</h2>" in article.body_html
        assert "<strong>bold</strong>" in article.body_html
        assert "<script" not in article.body_html
        assert "javascript:" not in article.body_html


@pytest.mark.django_db
class TestTranslationLink:
    def test_linking_one_links_both(self, make_article):
        english = make_article()
        chinese = make_article(language="zh-hant", translation=english)
        english.refresh_from_db()
        assert english.translation == chinese and chinese.translation == english

    def test_relinking_and_unlinking_keep_both_sides_true(self, make_article):
        a = make_article()
        b = make_article(language="zh-hant", translation=a)
        c = make_article(language="zh-hant")
        a.refresh_from_db()
        a.translation = c
        a.save()
        b.refresh_from_db()
        c.refresh_from_db()
        assert b.translation is None and c.translation == a
        c.translation = None
        c.save()
        a.refresh_from_db()
        assert a.translation is None

    def test_linking_an_article_already_linked_takes_it_from_its_partner(self, make_article):
        a, d = make_article(), make_article()
        c = make_article(language="zh-hant", translation=d)
        a.translation = c
        a.save()
        d.refresh_from_db()
        c.refresh_from_db()
        assert d.translation is None and c.translation == a

    def test_the_partners_version_moves_on(self, make_article):
        english = make_article()
        version = english.version
        make_article(language="zh-hant", translation=english)
        english.refresh_from_db()
        assert english.version == version + 1

    def test_deleting_one_unlinks_the_other(self, make_article):
        english = make_article()
        make_article(language="zh-hant", translation=english).delete()
        english.refresh_from_db()
        assert english.translation is None

    def test_validation(self, make_article):
        english = make_article()
        other_english = make_article()
        chinese = make_article(language="zh-hant")
        other_english.translation = english
        with pytest.raises(ValidationError, match="other language"):
            other_english.full_clean()
        english.translation = english
        with pytest.raises(ValidationError, match="own translation"):
            english.full_clean()
        make_article(translation=chinese)
        chinese.refresh_from_db()
        newcomer = make_article()
        newcomer.translation = chinese
        with pytest.raises(ValidationError, match="already the translation"):
            newcomer.full_clean()

    def test_localized_names_fall_back_to_english(self, db):
        topic = Topic.objects.create(name="robotics")
        translated = Topic.objects.create(name="privacy", name_zh_hant="私隱")
        with translation.override("zh-hant"):
            assert topic.localized_name == "robotics"
            assert translated.localized_name == "私隱"
        assert translated.localized_name == "privacy"


def test_article_languages_are_the_sites_languages():
    """Article.language values are URL prefixes and catalogue names: the same codes."""
    assert set(Article.Language.values) == {code for code, _ in settings.LANGUAGES}
    assert settings.LANGUAGE_CODE == Article._meta.get_field("language").default


@pytest.mark.django_db
def test_tag_prefetch_gives_each_article_its_tags_in_name_order(make_article, django_assert_num_queries):
    first = make_article(topics=["zeta", "alpha", "香港AI"], organisations=["Org B", "Org A"])
    second = make_article(topics=["alpha"])
    make_article(topics=["beta"], status=Article.Status.DRAFT)
    with django_assert_num_queries(4):  # articles, authors, topics, organisations
        articles = {a.pk: a for a in Article.objects.for_listing().filter(pk__in=[first.pk, second.pk])}
        topics = {pk: [t.name for t in a.topics.all()] for pk, a in articles.items()}
        organisations = {pk: [o.name for o in a.organisations.all()] for pk, a in articles.items()}
    assert topics == {first.pk: ["alpha", "zeta", "香港AI"], second.pk: ["alpha"]}
    assert organisations == {first.pk: ["Org A", "Org B"], second.pk: []}


def test_reading_time_is_counted_on_save_with_the_body(make_article):
    article = make_article(body="word " * 500)
    assert article.reading_minutes == 3
    article.body = "香港" * 260
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.reading_minutes == 2


@pytest.mark.django_db
class TestLibraryImagesInBodies:
    def test_an_unknown_image_is_a_form_error_on_the_body(self, make_article):
        article = make_article(body="![x](image:999999)")
        with pytest.raises(ValidationError) as error:
            article.full_clean()
        assert "image:999999" in str(error.value.message_dict["body"])

    def test_bodies_follow_a_changed_caption_and_a_deleted_image(self, make_article):
        from tests.pictures import make_image

        image = make_image("A tram", size=(320, 180), caption="Old caption")
        article = make_article(body=f"{image.markdown}\n\nText.")
        other = make_article(body=f"![x](image:{image.pk}0)")  # image:N0 is another image
        assert "Old caption" in Article.objects.get(pk=article.pk).body_html
        version = Article.objects.get(pk=article.pk).version
        image.caption = "New caption"
        image.save()
        refreshed = Article.objects.get(pk=article.pk)
        assert "New caption" in refreshed.body_html and refreshed.version == version
        image.delete()
        assert "<picture>" not in Article.objects.get(pk=article.pk).body_html
        assert Article.objects.get(pk=other.pk).body_html == other.body_html
