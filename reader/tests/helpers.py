"""Helpers for reader's tests: page parsers, the page types of each language, Hong Kong dates
(Page and get for one page are tests/page_checks.py's)."""

from datetime import datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
ORIGIN = "http://testserver"


# ---------------------------------------------------------------- pages (one language)


def html(response):
    return response.content.decode()


def ok_html(response):
    """The page of a response that must be a 200 (`html` reads any response)."""
    assert response.status_code == 200
    return response.content.decode()


def sql_of(queries):
    return "\n".join(q["sql"] for q in queries.captured_queries)


class PageParser(HTMLParser):
    """Collects what the tests look at: tags with attributes, script blocks, the title."""

    def __init__(self):
        super().__init__()
        self.tags = []
        self.scripts = []
        self.title = ""
        self._in = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "title"):
            self._in = tag
            if tag == "script":
                self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1][1] += data
        elif self._in == "title":
            self.title += data

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def json_ld(self):
        """The page's JSON-LD blocks' text (the data blocks among its scripts)."""
        return [text for attrs, text in self.scripts if attrs.get("type") == "application/ld+json"]


def parse(response):
    parser = PageParser()
    parser.feed(html(response))
    return parser


def at(day, hour=10):
    return datetime(2025, 11, day, hour, 0, tzinfo=HONG_KONG)


# ---------------------------------------------------------------- pages in both languages


def zh(path):
    """The Chinese page of an English path."""
    return "/zh-hant" + path


# The names of page_types(): every kind of page, tested in both languages.
PAGE_TYPES = [
    "home",
    "article_list",
    "article_detail",
    "section_detail",
    "organisation_list",
    "organisation_detail",
    "topic_list",
    "topic_detail",
    "author_detail",
    "search",
]


def page_types(content):
    """One URL of each page type (English; zh() gives the Chinese one)."""
    return {
        "home": "/",
        "article_list": "/articles/",
        "article_detail": content["en"].get_absolute_url(),
        "section_detail": content["section"].get_absolute_url(),
        "organisation_list": "/organisations/",
        "organisation_detail": content["cyberport"].get_absolute_url(),
        "topic_list": "/topics/",
        "topic_detail": content["fintech"].get_absolute_url(),
        "author_detail": content["author"].get_absolute_url(),
        "search": "/search/?q=fintech",
    }
