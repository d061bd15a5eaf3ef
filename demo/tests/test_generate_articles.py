"""demo/management/commands/generate_articles.py: synthetic content made by the models' rules."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from articles.models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Author,
    Organisation,
    Section,
    Topic,
)
from articles.rendering import render_markdown
from core.text import unicode_slugify
from demo.launch import read_content

# The launch content's sections, which generate_articles creates (demo/data/launch_content.json).
LAUNCH_SECTIONS = {section["name"] for section in read_content()["sections"]}


SMALL = {"organisations": 60, "topics": 150, "authors": 8, "body_pool": 20}


def generate(count, **options):
    out = StringIO()
    call_command("generate_articles", count=count, stdout=out, **{**SMALL, **options})
    return out.getvalue()


@pytest.fixture
def generated(db):
    generate(300, seed=7, batch_size=70)


@pytest.mark.django_db
class TestGeneratedContent:
    def test_counts(self, generated):
        assert Article.objects.count() == 300
        assert Organisation.objects.count() == 60
        assert Topic.objects.count() == 150
        assert Author.objects.count() == 8
        assert set(Section.objects.values_list("name", flat=True)) == LAUNCH_SECTIONS

    def test_tags_and_authors_per_article_in_range(self, generated):
        counts = Article.objects.annotate(
            n_topics=Count("topic_links", distinct=True),
            n_orgs=Count("organisation_links", distinct=True),
            n_authors=Count("authors", distinct=True),
        )
        for article in counts:
            assert 3 <= article.n_topics <= 8
            assert 1 <= article.n_orgs <= 3
            assert 1 <= article.n_authors <= 2

    def test_a_spread_of_publication_states(self, generated):
        now = timezone.now()
        drafts = Article.objects.filter(status=Article.Status.DRAFT).count()
        scheduled = Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now).count()
        published = Article.objects.published().count()
        assert drafts > 0 and scheduled > 0
        assert drafts + scheduled + published == 300
        assert published > 250  # ~93%
        years = {d.year for d in Article.objects.published().values_list("published_at", flat=True)}
        assert len(years) >= 3

    def test_names_and_slugs_are_unique_and_follow_the_model_rules(self, generated):
        for model in (Topic, Organisation):
            names = [n.lower() for n in model.objects.values_list("name", flat=True)]
            assert len(names) == len(set(names))
            slugs = list(model.objects.values_list("slug", flat=True))
            assert len(slugs) == len(set(slugs))
            for tag in model.objects.all():
                assert tag.slug.startswith(unicode_slugify(tag.name)[:90] or "tag")
        slugs = list(Article.objects.values_list("slug", flat=True))
        assert len(slugs) == len(set(slugs))

    def test_some_content_is_chinese(self, generated):
        assert Topic.objects.filter(name__regex=r"[\u4e00-\u9fff]").exists()
        chinese_topic = Topic.objects.filter(name__regex=r"[\u4e00-\u9fff]").first()
        assert chinese_topic.slug == unicode_slugify(chinese_topic.name)  # unicode kept
        assert Article.objects.filter(body__regex=r"[\u4e00-\u9fff]").exists()

    def test_bodies_are_realistic_and_rendered_like_save_would(self, generated):
        for article in Article.objects.order_by("?")[:10]:
            words = len(article.body.split())
            assert 550 <= words <= 1400
            assert article.body.count("\n\n") >= 4  # several paragraphs
            assert article.body_html == render_markdown(article.body)

    def test_organisations_have_kinds(self, generated):
        kinds = set(Organisation.objects.values_list("kind", flat=True))
        assert len(kinds) >= 3
        assert kinds <= set(Organisation.Kind.values)


@pytest.mark.django_db
class TestRunningAgain:
    def test_tags_are_topped_up_and_articles_added(self):
        generate(50, seed=1)
        tags_before = (Topic.objects.count(), Organisation.objects.count(), Author.objects.count())
        links_before = ArticleTopic.objects.count() + ArticleOrganisation.objects.count()
        generate(40, seed=1)
        assert (Topic.objects.count(), Organisation.objects.count(), Author.objects.count()) == tags_before
        assert Section.objects.count() == 5
        assert Article.objects.count() == 90
        assert ArticleTopic.objects.count() + ArticleOrganisation.objects.count() > links_before
        slugs = list(Article.objects.values_list("slug", flat=True))
        assert len(slugs) == len(set(slugs))

    def test_existing_sections_and_tags_are_reused(self, section, topic, organisation):
        generate(20, seed=3)
        assert Section.objects.filter(name="Government Initiatives").count() == 1
        assert Topic.objects.filter(name__iexact="fintech").count() == 1
        assert Topic.objects.count() == SMALL["topics"]
        assert Organisation.objects.count() == SMALL["organisations"]

    def test_same_seed_same_content(self):
        generate(30, seed=11)
        first = list(Article.objects.order_by("pk").values_list("title", "section__name", "status"))
        Article.objects.all().delete()
        Topic.objects.all().delete()
        Organisation.objects.all().delete()
        Author.objects.all().delete()
        generate(30, seed=11)
        second = list(Article.objects.order_by("pk").values_list("title", "section__name", "status"))
        assert first == second

    def test_bad_options_are_refused(self):
        with pytest.raises(CommandError):
            generate(10, batch_size=0)
        with pytest.raises(CommandError):
            generate(-1)

    def test_reports_progress(self):
        output = generate(100, batch_size=25)
        assert "100/100 articles" in output
        assert "Added 100 articles" in output
