from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.db import IntegrityError
from django.urls import resolve, reverse
from django.utils import timezone

from articles.models import Article, Organisation, Topic


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

    def test_publishing_without_a_time_publishes_now(self, make_article):
        article = make_article(published_at=None)
        assert article.published_at is not None
        assert article.published_at <= timezone.now()
        assert article.is_published

    def test_published_article_without_time_is_refused_by_the_database(self, make_article):
        article = make_article()
        with pytest.raises(IntegrityError):
            Article.objects.filter(pk=article.pk).update(published_at=None)

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
