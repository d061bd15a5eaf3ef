"""reader/feeds.py: RSS and Atom feeds in each language, parsed as a feed reader would (feedparser)."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from html.parser import HTMLParser

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles.models import Article, Author, Organisation, Section, Topic
from articles.tests.hostile import HOSTILE
from tests.bilingual import CHINESE_LIST, ENGLISH_LIST

from .helpers import HONG_KONG, ORIGIN


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.fixture
def articles(make_article, section):
    startups = Section.objects.create(name="Startups", slug="startups")
    chinese_topic = Topic.objects.create(name="香港AI")
    fintech = Topic.objects.create(name="fintech")
    astri = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
    ada = Author.objects.create(name="Ada Chan", slug="ada")
    ben = Author.objects.create(name="陳大文", slug="chan")
    chinese = make_article(
        title="香港人工智能的崛起",
        slug="香港人工智能的崛起",
        standfirst="政府、大學與初創企業。",
        published_at=datetime(2026, 11, 20, 9, 0, tzinfo=HONG_KONG),
        topics=[chinese_topic, fintech],
        organisations=[astri],
        authors=[ada, ben],
    )
    startup = make_article(
        title="A startup round",
        section=startups,
        standfirst="Money for robots.",
        published_at=datetime(2026, 11, 21, 9, 0, tzinfo=HONG_KONG),
        topics=[fintech],
    )
    make_article(title="Draft feedmarker", status=Article.Status.DRAFT, topics=[fintech])
    make_article(
        title="Scheduled feedmarker",
        published_at=timezone.now() + timedelta(days=1),
        topics=[fintech],
        organisations=[astri],
    )
    return {
        "chinese": chinese,
        "startup": startup,
        "startups": startups,
        "chinese_topic": chinese_topic,
        "fintech": fintech,
        "astri": astri,
    }


@pytest.mark.django_db
class TestLatestFeeds:
    def test_rss_items(self, client, articles):
        response, feed = fetch(client, reverse("reader:feed_latest"))
        assert response["Content-Type"].startswith("application/rss+xml")
        assert feed.version == "rss20"
        assert feed.feed.title == "HKAI: latest articles"
        assert [e.title for e in feed.entries] == ["A startup round", "香港人工智能的崛起"]
        entry = feed.entries[1]
        assert entry.link == "http://testserver" + articles["chinese"].get_absolute_url()
        assert entry.summary == "政府、大學與初創企業。"
        assert entry.author == "Ada Chan, 陳大文"
        assert {tag.term for tag in entry.tags} == {"香港AI", "fintech"}
        assert entry.published_parsed[:5] == (2026, 11, 20, 1, 0)  # 09:00 in Hong Kong is 01:00 UTC

    def test_atom_items(self, client, articles):
        response, feed = fetch(client, reverse("reader:feed_latest_atom"))
        assert response["Content-Type"].startswith("application/atom+xml")
        assert feed.version == "atom10"
        assert feed.feed.subtitle == "Artificial intelligence in Hong Kong"
        entry = feed.entries[1]
        assert entry.title == "香港人工智能的崛起"
        assert entry.summary == "政府、大學與初創企業。"
        assert entry.author == "Ada Chan, 陳大文"
        assert entry.published_parsed[:3] == (2026, 11, 20)
        assert entry.updated_parsed is not None
        assert {tag.term for tag in entry.tags} == {"香港AI", "fintech"}

    def test_no_draft_or_scheduled_item(self, client, articles):
        for name in ("reader:feed_latest", "reader:feed_latest_atom"):
            response, feed = fetch(client, reverse(name))
            assert "feedmarker" not in response.content.decode()
            assert len(feed.entries) == 2


@pytest.mark.django_db
class TestPerObjectFeeds:
    def test_section_feed(self, client, articles):
        _, feed = fetch(client, reverse("reader:feed_section", args=["startups"]))
        assert feed.feed.title == "HKAI: Startups"
        assert feed.feed.link == "http://testserver/sections/startups/"
        assert [e.title for e in feed.entries] == ["A startup round"]

    def test_organisation_feed(self, client, articles):
        _, feed = fetch(client, reverse("reader:feed_organisation_atom", args=["astri"]))
        assert feed.version == "atom10"
        assert [e.title for e in feed.entries] == ["香港人工智能的崛起"]

    def test_topic_feed_with_a_chinese_slug(self, client, articles):
        response, feed = fetch(client, "/feeds/topics/%E9%A6%99%E6%B8%AFai/")
        assert feed.feed.title == "HKAI: 香港AI"
        assert [e.title for e in feed.entries] == ["香港人工智能的崛起"]
        _, atom = fetch(client, reverse("reader:feed_topic_atom", args=["香港ai"]))
        assert [e.title for e in atom.entries] == ["香港人工智能的崛起"]

    def test_topic_feed_lists_only_published(self, client, articles):
        response, feed = fetch(client, reverse("reader:feed_topic", args=["fintech"]))
        assert [e.title for e in feed.entries] == ["A startup round", "香港人工智能的崛起"]
        assert "feedmarker" not in response.content.decode()

    @pytest.mark.parametrize(
        "name", ["feed_section", "feed_organisation", "feed_topic_atom", "feed_section_atom"]
    )
    def test_unknown_object_is_404(self, client, articles, name):
        assert client.get(reverse(f"reader:{name}", args=["no-such-thing"])).status_code == 404

    def test_empty_section_has_an_empty_feed(self, client, articles, section):
        Section.objects.create(name="Empty", slug="empty")
        _, feed = fetch(client, reverse("reader:feed_section", args=["empty"]))
        assert feed.entries == []


# ---------------------------------------------------------------- per language


def in_chinese(view_name, *args):
    with translation.override("zh-hant"):
        return reverse(view_name, args=args)


def parse_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.django_db
class TestFeedsPerLanguage:
    def test_latest_rss_in_english_and_in_chinese(self, client, bilingual):
        english = parse_feed(client, "/feeds/latest/")
        assert english.feed.language == "en"
        assert english.feed.title == "HKAI: latest articles"
        assert [e.title for e in english.entries] == ENGLISH_LIST
        chinese = parse_feed(client, "/zh-hant/feeds/latest/")
        assert chinese.feed.language == "zh-Hant"
        assert chinese.feed.title == "HKAI：最新文章"
        assert chinese.feed.subtitle == "香港人工智能"
        assert [e.title for e in chinese.entries] == CHINESE_LIST
        assert all(e.link.startswith(ORIGIN + "/zh-hant/articles/") for e in chinese.entries)
        assert chinese.feed.link == ORIGIN + "/zh-hant/"

    def test_atom_names_its_language(self, client, bilingual):
        response = client.get("/zh-hant/feeds/latest/atom/")
        root = ET.fromstring(response.content)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hant"
        feed = parse_feed(client, "/zh-hant/feeds/latest/atom/")
        assert [e.title for e in feed.entries] == CHINESE_LIST

    def test_topic_feed_uses_the_chinese_name(self, client, bilingual):
        feed = parse_feed(client, in_chinese("reader:feed_topic", "fintech"))
        assert feed.feed.title == "HKAI：金融科技"
        assert feed.feed.subtitle == "HKAI有關「金融科技」的最新文章。"
        assert {t.term for t in feed.entries[0].tags} == {"金融科技"}
        english = parse_feed(client, "/feeds/topics/fintech/")
        assert english.feed.title == "HKAI: fintech"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements, self.text = [], []

    def handle_starttag(self, tag, attrs):
        self.elements.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def shown(value, detail=None):
    """What a feed reader shows for a field feedparser parsed: the text as is when
    feedparser says it is plain text; otherwise (HTML, or a field of no stated type, such
    as a name, which readers may well render as HTML) the text of that HTML, which must
    hold no element at all (editors type plain text: an element would be something to
    render or run)."""
    if detail is not None:
        value = detail.value
        if detail.type == "text/plain":
            return value
    parser = _Elements()
    parser.feed(value)
    parser.close()
    assert parser.elements == [], value
    return "".join(parser.text)


FEED_TEXT_SAMPLES = [*HOSTILE, "AT&T <b>not bold</b> &amp; 5 < 6 > 4 \"quoted\" 'single'"]


@pytest.mark.django_db
class TestFeedTextIsPlainText:
    """One rule for every text field of every feed: editors type plain text, and a feed
    reader (feedparser, with its sanitizer, stands for them) shows exactly that text, never
    markup, whatever the field and whether it reads RSS or Atom."""

    @pytest.mark.parametrize("sample", FEED_TEXT_SAMPLES)
    @pytest.mark.parametrize("atom", [False, True])
    def test_every_text_field_reads_as_typed(self, client, make_article, sample, atom):
        topic = Topic.objects.create(name=f"topic {sample}"[:100], description=f"About {sample}")
        author = Author.objects.create(name=f"by {sample}"[:120], slug="hostile-author")
        article = make_article(
            title=f"Title {sample}", standfirst=f"Standfirst {sample}", topics=[topic], authors=[author]
        )
        topic.refresh_from_db()
        url = reverse("reader:feed_topic_atom" if atom else "reader:feed_topic", kwargs={"slug": topic.slug})
        response, feed = fetch(client, url)
        # feedparser's sanitizer had nothing to take out: the feed carries no markup.
        unsanitized = feedparser.parse(response.content, sanitize_html=False)
        assert unsanitized.feed == feed.feed and unsanitized.entries == feed.entries
        assert shown(feed.feed.title, feed.feed.title_detail) == f"HKAI: {topic.name}"
        assert shown(feed.feed.subtitle, feed.feed.subtitle_detail) == topic.description
        (entry,) = feed.entries
        assert shown(entry.title, entry.title_detail) == article.title
        assert shown(entry.summary, entry.summary_detail) == article.standfirst
        assert shown(entry.author) == author.name
        assert [shown(tag.term) for tag in entry.tags] == [topic.name]
