"""demo/management/commands/load_demo_content.py: the launch content, its reruns and the demo accounts."""

import html
import io
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from articles.models import (
    Article,
    ArticleOrganisation,
    ArticleTopic,
    Author,
    Organisation,
    Section,
    Topic,
)
from articles.roles import EDITORS, WRITERS
from demo.launch import DATA_DIR, read_content
from demo.management.commands.load_demo_content import split_source
from tests.page_checks import get

SOURCE_TEXT = (DATA_DIR / "rise-of-ai-in-hong-kong.txt").read_text(encoding="utf-8")
CHINESE_SOURCE_TEXT = (DATA_DIR / "rise-of-ai-in-hong-kong.zh-hant.txt").read_text(encoding="utf-8")
LEAD_SLUG = "rise-of-ai-in-hong-kong"
SECTION_NAMES = [
    "Government Initiatives",
    "Startups and Innovation Hubs",
    "Financial Sector Transformation",
    "Challenges and Ethical Considerations",
    "International Collaboration",
]


def load(**options):
    out = StringIO()
    call_command("load_demo_content", stdout=out, **options)
    return out.getvalue()


def source_paragraphs(text=SOURCE_TEXT, headings=SECTION_NAMES):
    """Every paragraph of the owner's text (or its translation) except the title and the headings."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    return [b for b in blocks[1:] if b not in headings]


def chinese_source_paragraphs():
    return source_paragraphs(CHINESE_SOURCE_TEXT, list(read_content()["headings_zh_hant"].values()))


def front_page_headlines(response):
    """The lead's and the cards' headlines, as the page shows them."""
    pattern = r'class="(?:lead|card)-title"[^>]*>\s*<a href="[^"]*">([^<]+)</a>'
    return [html.unescape(title) for title in re.findall(pattern, response.content.decode())]


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Section, Organisation, Topic, Author, Article, ArticleOrganisation, ArticleTopic)
    }


@pytest.fixture(scope="class")
def launch_loaded_once(django_db_setup, django_db_blocker):
    """The launch content loaded once for a class's tests, inside a transaction rolled back
    after its last test. Each test runs in a savepoint of it (pytest-django's `db` nests, as
    Django's TestCase.setUpTestData does), so what one test changes the next never sees."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load()
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def loaded(launch_loaded_once, db):
    """The launch content as `make run` loads it (loaded once per class: launch_loaded_once)."""


@pytest.fixture
def no_demo_password(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)


@pytest.mark.django_db
class TestLaunchContent:
    def test_five_sections_with_descriptions_in_the_articles_order(self, loaded):
        sections = list(Section.objects.all())
        assert [s.name for s in sections] == SECTION_NAMES
        assert [s.position for s in sections] == [1, 2, 3, 4, 5]
        assert all(s.description for s in sections)

    def test_organisations_the_article_names_with_their_kinds(self, loaded):
        kinds = dict(Organisation.objects.values_list("name", "kind"))
        assert kinds == {
            "ASTRI": Organisation.Kind.RESEARCH,
            "Cyberport": Organisation.Kind.INCUBATOR,
            "Hong Kong Science Park": Organisation.Kind.INCUBATOR,
            "Hong Kong Government": Organisation.Kind.GOVERNMENT,
        }
        assert Organisation.objects.get(name="ASTRI").website == "https://www.astri.org"
        assert Organisation.objects.get(name="Cyberport").website == "https://www.cyberport.hk"

    def test_topics_include_the_chinese_one_with_a_unicode_slug(self, loaded):
        slugs = dict(Topic.objects.values_list("name", "slug"))
        assert slugs["香港AI"] == "香港ai"
        for name in (
            "smart city",
            "fintech",
            "robo-advisors",
            "privacy",
            "data security",
            "chatbots",
            "healthcare",
            "transportation",
            "employment",
            "ethics",
            "research collaboration",
        ):
            assert name in slugs
        assert slugs["smart city"] == "smart-city"

    def test_a_featured_lead_and_one_published_article_per_section(self, loaded):
        published = list(Article.objects.published().filter(language="en"))
        assert len(published) == Article.objects.filter(language="en").count() == 6
        lead = Article.objects.get(slug=LEAD_SLUG)
        assert lead.featured and lead.title == SOURCE_TEXT.splitlines()[0].strip()
        assert [a for a in published if a.featured] == [lead]
        others = [a for a in published if a != lead]
        assert sorted(a.section.name for a in others) == sorted(SECTION_NAMES)
        # Newest first: the lead, then the sections in the article's order.
        assert published[0] == lead
        assert [a.section.name for a in published[1:]] == SECTION_NAMES

    def test_articles_have_distinct_past_times_bylines_standfirsts_and_tags(self, loaded):
        articles = list(Article.objects.published().for_listing())
        assert len(articles) == 12
        english = [a for a in articles if a.language == "en"]
        assert len({a.published_at for a in english}) == len(english)
        for article in articles:
            assert article.is_published
            assert article.standfirst
            assert [a.name for a in article.authors.all()] == ["HKAI Newsroom"]
            assert article.topics.all()
        government = Article.objects.get(
            section__name="Government Initiatives", featured=False, language="en"
        )
        assert set(government.organisations.values_list("name", flat=True)) == {
            "Hong Kong Government",
            "ASTRI",
        }
        tagged = Article.objects.filter(topics__slug="香港ai").values_list("slug", flat=True)
        assert set(tagged) >= {LEAD_SLUG, government.slug}

    def test_bodies_are_the_owners_words_every_paragraph_exactly_once(self, loaded):
        bodies = list(Article.objects.filter(language="en").values_list("body", flat=True))
        for paragraph in source_paragraphs():
            assert sum(paragraph in body for body in bodies) == 1, paragraph[:60]
        government = Article.objects.get(
            section__name="Government Initiatives", featured=False, language="en"
        )
        assert "smart city 香港AI initiatives" in government.body
        assert "smart city 香港AI initiatives" in government.body_html

    def test_lead_is_the_introduction_and_conclusion(self, loaded):
        lead = Article.objects.get(slug=LEAD_SLUG)
        paragraphs = source_paragraphs()
        assert lead.body == f"{paragraphs[0]}\n\n{paragraphs[-1]}"
        paragraphs = chinese_source_paragraphs()
        assert lead.translation.body == f"{paragraphs[0]}\n\n{paragraphs[-1]}"

    def test_every_tag_in_the_data_file_is_used_by_an_article(self, loaded):
        # A tag nobody uses would be a dead page; the data file should not declare one.
        assert Topic.objects.in_use().count() == Topic.objects.count()
        assert Organisation.objects.in_use().count() == Organisation.objects.count()

    def test_pages_of_the_loaded_content_answer(self, loaded, client):
        for article in Article.objects.all():
            response = client.get(article.url_in(article.language))
            assert response.status_code == 200, article.slug
            assert article.title in response.content.decode()
        for obj in [*Section.objects.all(), *Organisation.objects.all(), *Topic.objects.all()]:
            assert client.get(obj.get_absolute_url()).status_code == 200, obj
        assert client.get(reverse("reader:topic_detail", kwargs={"slug": "香港ai"})).status_code == 200
        home = client.get(reverse("reader:home")).content.decode()
        assert Article.objects.get(slug=LEAD_SLUG).title in home

    def test_unicode_article_slug_resolves(self, loaded, client):
        article = Article.objects.get(slug__startswith="government-initiatives")
        assert client.get(f"/articles/{article.slug}/").status_code == 200


@pytest.mark.django_db
class TestReruns:
    def test_running_twice_changes_nothing(self, loaded, django_assert_max_num_queries):
        before = counts()
        stamps = dict(Article.objects.values_list("slug", "updated_at"))
        # Only lookups on a rerun: about one query per record in the data file, no writes.
        with django_assert_max_num_queries(40):
            output = load()
        assert counts() == before
        assert dict(Article.objects.values_list("slug", "updated_at")) == stamps
        assert "Articles: 0 created, 6 already there." in output
        assert "Chinese versions: 0 created" in output

    def test_an_editors_later_edits_are_kept(self, loaded):
        Article.objects.filter(slug=LEAD_SLUG).update(title="Edited", status=Article.Status.DRAFT)
        Section.objects.filter(name="International Collaboration").update(slug="world")
        Organisation.objects.filter(name="ASTRI").update(website="https://example.org")
        load()
        lead = Article.objects.get(slug=LEAD_SLUG)
        assert (lead.title, lead.status) == ("Edited", Article.Status.DRAFT)
        assert Section.objects.filter(name="International Collaboration").get().slug == "world"
        assert Organisation.objects.get(name="ASTRI").website == "https://example.org"

    def test_a_deleted_article_is_created_again(self, loaded):
        Article.objects.filter(slug=LEAD_SLUG).delete()
        assert "Articles: 1 created, 5 already there." in load()
        assert Article.objects.published().filter(slug=LEAD_SLUG).exists()

    def test_chinese_versions_are_added_to_a_site_loaded_without_them(self, loaded):
        Article.objects.filter(language="zh-hant").delete()
        assert "Chinese versions: 6 created" in load()
        assert Article.objects.filter(language="en", translation__language="zh-hant").count() == 6

    def test_an_editors_translation_and_edits_of_a_chinese_version_are_kept(self, loaded):
        lead = Article.objects.get(slug=LEAD_SLUG)
        Article.objects.filter(pk=lead.translation_id).update(title="編輯改過的標題")
        finance = Article.objects.get(slug="ai-in-hong-kong-financial-sector")
        own = Article.objects.create(
            title="編輯自己的譯本",
            slug="編輯自己的譯本",
            body="譯文。",
            language="zh-hant",
            section=finance.section,
        )
        finance.translation.delete()
        finance.refresh_from_db()
        finance.translation = own
        finance.save()
        output = load()
        assert "Chinese versions: 0 created" in output
        assert Article.objects.get(pk=lead.translation_id).title == "編輯改過的標題"
        finance.refresh_from_db()
        assert finance.translation == own
        assert not Article.objects.filter(slug="人工智能如何改變香港金融業").exists()

    def test_an_unpublished_english_article_gets_an_unpublished_chinese_version(self, loaded):
        Article.objects.filter(language="zh-hant").delete()
        Article.objects.filter(slug=LEAD_SLUG).update(status=Article.Status.DRAFT)
        load()
        chinese = Article.objects.get(slug="人工智能在香港崛起")
        assert chinese.status == Article.Status.DRAFT and not chinese.is_published


# Outside TestReruns: it starts from an empty database, not the class's loaded content.
@pytest.mark.django_db
def test_existing_tags_are_reused_whatever_their_case():
    fintech = Topic.objects.create(name="Fintech")
    load()
    assert Topic.objects.filter(name__iexact="fintech").get() == fintech
    assert Article.objects.filter(topics=fintech, language="en").count() == 1


@pytest.mark.django_db
class TestDemoAccounts:
    def test_none_with_debug_off(self, no_demo_password):
        output = load()
        assert not get_user_model().objects.exists()
        assert "DEBUG is off: no demo accounts created." in output

    @override_settings(DEBUG=True)
    def test_with_debug_on_an_editor_and_a_writer_with_demo_password(self, monkeypatch):
        monkeypatch.setenv("DEMO_PASSWORD", "launch-day-password")
        output = load()
        assert "launch-day-password" not in output
        # No "password: (nothing)", no "shown once" for a password that is not shown.
        assert "their password is DEMO_PASSWORD's" in output and "shown" not in output
        users = get_user_model().objects.order_by("username")
        assert [u.username for u in users] == ["editor", "writer"]
        editor, writer = users
        for user, role in ((editor, EDITORS), (writer, WRITERS)):
            assert user.is_staff and not user.is_superuser
            assert user.check_password("launch-day-password")
            assert [g.name for g in user.groups.all()] == [role]
            assert user.author.name
        assert editor.has_perm("articles.publish_article")
        assert not writer.has_perm("articles.publish_article")

    @override_settings(DEBUG=True)
    def test_generated_password_is_printed_once(self, no_demo_password):
        output = load()
        password = re.search(r"password: (\S+)", output).group(1)
        assert "shown this once" in output
        assert get_user_model().objects.get(username="editor").check_password(password)
        rerun = load()
        assert password not in rerun
        assert "already exist" in rerun
        assert get_user_model().objects.get(username="writer").check_password(password)
        assert get_user_model().objects.count() == 2


class TestSourceParsing:
    def test_parts_of_the_owners_text(self):
        parts = split_source(SOURCE_TEXT, set(SECTION_NAMES))
        assert set(parts) == {"title", "introduction", "conclusion", *SECTION_NAMES}
        assert len(parts["Government Initiatives"]) == 2
        assert parts["conclusion"][0].startswith("Hong Kong’s journey")

    def test_a_source_without_the_expected_layout_is_a_clear_error(self):
        with pytest.raises(CommandError, match="two blank lines"):
            split_source("Title\n\nOne paragraph only.", set())


@pytest.mark.django_db
class TestLaunchContentChineseNames:
    def test_loaded_with_chinese_names(self, db):
        call_command("load_demo_content", stdout=io.StringIO())
        assert Section.objects.get(slug="government-initiatives").name_zh_hant == "政府措施"
        assert Organisation.objects.get(name="Cyberport").name_zh_hant == "數碼港"
        assert Topic.objects.get(name="privacy").name_zh_hant == "私隱"
        content = read_content()
        for kind, model in (("sections", Section), ("organisations", Organisation)):
            assert all(item.get("name_zh_hant") for item in content[kind]), kind
            assert not model.objects.filter(name_zh_hant="").exists(), kind

    def test_fills_blank_chinese_names_and_keeps_an_editors(self, db):
        Topic.objects.create(name="fintech")
        Topic.objects.create(name="privacy", name_zh_hant="個人私隱")
        Section.objects.create(name="International Collaboration", slug="intl")
        call_command("load_demo_content", stdout=io.StringIO())
        assert Topic.objects.get(name="fintech").name_zh_hant == "金融科技"
        assert Topic.objects.get(name="privacy").name_zh_hant == "個人私隱"
        assert Section.objects.get(slug="intl").name_zh_hant == "國際合作"

    def test_chinese_front_page_of_the_launch_content(self, client, db):
        call_command("load_demo_content", stdout=io.StringIO())
        _, page = get(client, "/zh-hant/")
        text = page.visible_text()
        for name in ("政府措施", "初創企業與創新樞紐", "數碼港", "香港科學園", "香港政府"):
            assert name in text
        _, page = get(client, "/zh-hant/topics/")
        for name in ("智慧城市", "金融科技", "智能投資顧問", "私隱", "香港AI"):
            assert name in page.visible_text()


@pytest.mark.django_db
def test_launch_articles_get_their_pictures_once_and_an_editors_choice_stands():
    from images.models import Image

    call_command("load_demo_content", stdout=io.StringIO())
    articles = list(Article.objects.select_related("hero"))
    assert articles and all(a.hero is not None for a in articles)
    assert all(a.hero.alt_text and a.hero.credit and a.hero.renditions.exists() for a in articles)
    images = Image.objects.count()
    assert images == len({a.hero_id for a in articles})

    # An editor takes the picture off one article and edits another's alt text.
    bare = articles[0]
    bare.hero = None
    bare.save()
    edited = articles[1].hero
    edited.alt_text = "The editor's words"
    edited.save()
    output = io.StringIO()
    call_command("load_demo_content", stdout=output)
    assert "Pictures: 0 added" in output.getvalue()
    assert Article.objects.get(pk=bare.pk).hero is None
    assert Image.objects.get(pk=edited.pk).alt_text == "The editor's words"
    assert Image.objects.count() == images

    # A deleted launch article comes back with its picture, from the library, not drawn again.
    motif_image = articles[2].hero
    articles[2].delete()
    call_command("load_demo_content", stdout=io.StringIO())
    assert Article.objects.get(slug=articles[2].slug).hero == motif_image
    assert Image.objects.count() == images


@pytest.mark.django_db
class TestLaunchContentInChinese:
    def test_every_launch_article_has_a_published_chinese_translation(self, loaded):
        content = read_content()
        for data in content["articles"]:
            english = Article.objects.select_related("translation").get(slug=data["slug"])
            chinese = english.published_translation()
            assert chinese is not None, data["slug"]
            assert chinese.language == "zh-hant" and chinese.translation_id == english.pk
            assert (chinese.slug, chinese.title, chinese.standfirst) == (
                data["zh_hant"]["slug"],
                data["zh_hant"]["title"],
                data["zh_hant"]["standfirst"],
            )
            assert chinese.section == english.section and chinese.featured == english.featured
            assert set(chinese.topics.all()) == set(english.topics.all())
            assert set(chinese.organisations.all()) == set(english.organisations.all())
            # Chinese slugs: readable in the address bar, no English words.
            assert not re.search(r"[a-z]{3,}", chinese.slug), chinese.slug

    def test_chinese_bodies_are_the_translation_every_paragraph_exactly_once(self, loaded):
        bodies = list(Article.objects.filter(language="zh-hant").values_list("body", flat=True))
        paragraphs = chinese_source_paragraphs()
        assert len(paragraphs) == len(source_paragraphs())
        for paragraph in paragraphs:
            assert sum(paragraph in body for body in bodies) == 1, paragraph[:30]
        assert split_source(CHINESE_SOURCE_TEXT, set())["title"] == [
            Article.objects.get(slug="人工智能在香港崛起").title
        ]

    def test_the_chinese_home_lists_chinese_headlines(self, loaded, client):
        response, page = get(client, "/zh-hant/")
        headlines = front_page_headlines(response)
        assert len(headlines) == 6
        chinese_titles = set(Article.objects.filter(language="zh-hant").values_list("title", flat=True))
        assert set(headlines) == chinese_titles
        assert "本文只有英文版" not in page.visible_text()
        english_headlines = front_page_headlines(get(client, "/")[0])
        assert set(english_headlines) == set(
            Article.objects.filter(language="en").values_list("title", flat=True)
        )
