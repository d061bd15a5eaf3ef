"""Helpers shared by the security tests: finding the public pages, and checking that an
HTML page (or an HTML fragment from a feed) can run nothing that our templates did not put there.

Pages are being redesigned in parallel, so URLs are discovered (reverse() by name, the objects'
get_absolute_url(), and links followed from the home page) rather than hard-coded.
"""

import json
import re
import xml.etree.ElementTree as ET
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse

# Public routes that a parallel branch may not have yet: a 404 for one of these means "not merged
# yet" and the test skips it with a message; any other URL must answer.
EXPLICIT_PUBLIC_PATHS = ["/feeds/latest/", "/sitemap.xml", "/robots.txt"]
LIST_ROUTE_NAMES = [
    "home",
    "article_list",
    "organisation_list",
    "topic_list",
    "search:search",
    "correction_list",
]

JSON_SCRIPT_TYPES = {"application/ld+json", "application/json"}
FORBIDDEN_ELEMENTS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
SVG_ACTIVE_ELEMENTS = {"foreignobject", "set", "animate", "animatemotion", "animatetransform", "handler"}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "cite",
    "ping",
    "manifest",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "xlink:href",
    "srcset",
}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
_STRIPPED_FROM_URLS = re.compile(r"[\x00-\x20]")  # browsers ignore tabs/newlines inside a scheme


def url_scheme_is_dangerous(value):
    """True for javascript:/data:/vbscript: URLs, however they are spelt: browsers drop
    whitespace and control characters and ignore case before reading the scheme."""
    if value is None:
        return False
    normalised = _STRIPPED_FROM_URLS.sub("", value).lower()
    if any(normalised.startswith(s) for s in BAD_SCHEMES):
        return True
    # srcset: "a.png 1x, javascript:... 2x"
    return any(_STRIPPED_FROM_URLS.sub("", part).lower().startswith(BAD_SCHEMES) for part in value.split(","))


class ActiveContentFinder(HTMLParser):
    """Collects everything in a page that could run script or load active content."""

    def __init__(self, *, allow_style_elements=False):
        super().__init__(convert_charrefs=True)
        self.allow_style_elements = allow_style_elements
        self.problems = []
        self.links = []  # (tag, url) of <a href> and <link href>, for crawling
        self._in_script = None  # the attrs of the <script> being read
        self._script_text = []

    def handle_starttag(self, tag, attrs):
        self._check_element(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check_element(tag, attrs)
        if tag == "script":
            self._end_script()

    def _check_element(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element: {attrs}")
        if tag in SVG_ACTIVE_ELEMENTS:
            self.problems.append(f"active SVG element <{tag}>: {attrs}")
        if tag == "style" and not self.allow_style_elements:
            self.problems.append("<style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name}={value!r} on <{tag}>")
            elif name == "style":
                self.problems.append(f"style attribute {value!r} on <{tag}>")
            elif name in URL_ATTRIBUTES and url_scheme_is_dangerous(value):
                self.problems.append(f"dangerous URL {name}={value!r} on <{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            target = (attributes.get("content") or "").split("url=", 1)[-1]
            if url_scheme_is_dangerous(target):
                self.problems.append(f"meta refresh to {target!r}")
        if tag in ("a", "link") and attributes.get("href"):
            self.links.append((tag, attributes["href"], attributes.get("rel") or ""))
        if tag == "script":
            self._in_script = attributes
            self._script_text = []

    def handle_data(self, data):
        if self._in_script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._in_script is not None:
            self._end_script()

    def _end_script(self):
        attributes, text = self._in_script or {}, "".join(self._script_text)
        self._in_script = None
        script_type = (attributes.get("type") or "").lower().strip()
        if attributes.get("src"):
            src = attributes["src"]
            if urlsplit(src).netloc or url_scheme_is_dangerous(src):
                self.problems.append(f"script from elsewhere: {src!r}")
            if text.strip():
                self.problems.append("script with both src and inline code")
        elif script_type in JSON_SCRIPT_TYPES:
            try:
                json.loads(text)
            except ValueError:
                # Content that broke out of a JSON data block leaves it unparseable.
                self.problems.append(f"JSON script block that is not JSON: {text[:200]!r}")
        else:
            self.problems.append(f"inline script: {text[:200]!r}")


def active_content_problems(html, *, allow_style_elements=False):
    finder = ActiveContentFinder(allow_style_elements=allow_style_elements)
    finder.feed(html)
    finder.close()
    return finder.problems


def page_links(html):
    finder = ActiveContentFinder()
    finder.feed(html)
    finder.close()
    return finder.links


def feed_html_fragments(xml_text):
    """The HTML that feed readers render: RSS <description>, Atom <summary>/<content>."""
    root = ET.fromstring(xml_text)
    fragments = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("description", "summary", "content", "encoded") and element.text:
            fragments.append(element.text)
    return fragments


def feed_links(xml_text):
    """Every URL a feed or a sitemap points to (<link>, <loc>, <id>, link@href)."""
    root = ET.fromstring(xml_text)
    urls = []
    for element in root.iter():
        local = element.tag.rsplit("}", 1)[-1]
        if local in ("link", "loc", "guid", "id") and element.text and element.text.strip():
            urls.append(element.text.strip())
        if local == "link" and element.get("href"):
            urls.append(element.get("href"))
    return urls


def response_text(response):
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(response.charset or "utf-8", "replace")
    return response.content.decode(response.charset or "utf-8", "replace")


def content_type(response):
    return response.get("Content-Type", "").split(";")[0].strip().lower()


def is_xml(response):
    ct = content_type(response)
    return ct.endswith("xml") or ct in ("application/rss+xml", "application/atom+xml")


def response_problems(response):
    """Active-content problems in an HTML page, or in the HTML fragments and links of a feed."""
    text = response_text(response)
    if is_xml(response):
        problems = []
        for fragment in feed_html_fragments(text):
            problems += active_content_problems(fragment)
        problems += [f"dangerous URL in feed: {u!r}" for u in feed_links(text) if url_scheme_is_dangerous(u)]
        return problems
    if content_type(response) == "text/html":
        return active_content_problems(text)
    return []


def try_reverse(name, **kwargs):
    """reverse() of a readers' page ("home") or of any namespaced name ("search:search"). It
    raises for a name that does not resolve: a crawl must never skip a page silently."""
    return reverse(name if ":" in name else f"reader:{name}", **kwargs)


def list_urls():
    return [url for url in (try_reverse(name) for name in LIST_ROUTE_NAMES) if url]


def object_urls(*objects):
    urls = []
    for obj in objects:
        try:
            urls.append(obj.get_absolute_url())
        except (AttributeError, NoReverseMatch):
            pass
    return urls


def is_crawlable(url):
    """Same-site pages only: not the admin, static files or uploads."""
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return False
    excluded = ("/" + settings.ADMIN_URL, settings.STATIC_URL, settings.MEDIA_URL)
    return not parts.path.startswith(excluded)


def local_url(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, start_urls, limit=300):
    """Breadth-first over same-site links from `start_urls` with the given client.

    Returns {url: response} for every page fetched (bounded by `limit`). Follows <a href>,
    <link href> (feeds announced by rel=alternate) and the URLs inside feeds and sitemaps.
    """
    seen, pages = set(), {}
    queue = deque(start_urls)
    while queue and len(pages) < limit:
        url = urldefrag(queue.popleft())[0]
        if not url or url in seen or not is_crawlable(url):
            continue
        seen.add(url)
        response = client.get(url)
        pages[url] = response
        if response.status_code != 200:
            continue
        text = response_text(response)
        if is_xml(response):
            found = feed_links(text)
        elif content_type(response) == "text/html":
            found = [href for _tag, href, _rel in page_links(text)]
        else:
            found = []
        for href in found:
            absolute = urljoin("http://testserver" + url, href)
            if is_crawlable(absolute):
                queue.append(local_url(absolute))
    return pages


# ---------------------------------------------------------------- reading one page


class Page(HTMLParser):
    """The parts of a page these tests read: tags with attributes, and the visible text
    (not scripts, styles or the head) with the language each piece of it is marked in."""

    def __init__(self, content):
        super().__init__()
        self.tags = []
        self.text = []  # (text, lang of the nearest element that sets one)
        self._stack = []  # (tag, lang)
        self._hidden = 0
        self.feed(content)

    VOID = {"meta", "link", "img", "input", "br", "hr", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in self.VOID:
            return
        lang = attrs.get("lang") or (self._stack[-1][1] if self._stack else None)
        self._stack.append((tag, lang))
        if tag in ("script", "style", "head", "title"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag in ("script", "style", "head", "title"):
                self._hidden -= 1
            if open_tag == tag:
                break

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.text.append((data.strip(), self._stack[-1][1] if self._stack else None))

    def find(self, tag, **attrs):
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    @property
    def html_lang(self):
        return self.find("html")[0]["lang"]

    def alternates(self):
        """{hreflang: href} of the <link rel="alternate" hreflang> elements."""
        return {a["hreflang"]: a["href"] for a in self.find("link", rel="alternate") if "hreflang" in a}

    def switcher(self):
        """{hreflang: href} of the language switcher's links."""
        return {
            a["hreflang"]: a["href"]
            for t, a in self.tags
            if t == "a" and a.get("rel") == "alternate" and "hreflang" in a
        }

    def visible_text(self):
        return " ".join(text for text, _ in self.text)


def get(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code)
    return response, Page(response.content.decode())
