"""Pictures on the readers' pages (images/, reader templates): every <img> of every page
has srcset, sizes, width and height; what is below the fold loads lazily; renditions are
made once and read ever after; a page's queries do not grow with its pictures; OpenGraph
and JSON-LD name the 1200-px rendition."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Organisation, Topic
from images.models import Rendition
from tests.page_checks import crawl, is_xml
from tests.pictures import make_image

pytestmark = pytest.mark.django_db


class Images(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.imgs, self.sources, self.meta, self.scripts, self._script = [], [], {}, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a)
        elif tag == "source":
            self.sources.append(a)
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta[a.get("property") or a.get("name")] = a.get("content")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._script = ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append(self._script)
            self._script = None


def images_of(response):
    parser = Images()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def pictured(make_article, section):
    """Three pictured articles sharing a topic and an organisation, one with a body image,
    and one article without a picture."""
    topic = Topic.objects.create(name="smart city")
    organisation = Organisation.objects.create(name="Cyberport", kind="incubator")
    body_image = make_image("A chart of AI funding", size=(800, 533), caption="Funding", credit="HKAI")
    sizes = [(1280, 720), (1600, 900), (480, 270)]
    articles = [
        make_article(
            title=f"Pictured {n}",
            hero=make_image(f"Picture number {n}", size=sizes[n]),
            topics=[topic],
            organisations=[organisation],
            featured=n == 0,
            body=f"Intro.\n\n{body_image.markdown}\n\nMore." if n == 0 else "Text.",
        )
        for n in range(3)
    ]
    make_article(title="Without a picture", topics=[topic], organisations=[organisation])
    return articles, body_image


def test_every_img_of_every_page_has_srcset_sizes_width_and_height(client, pictured):
    articles, _ = pictured
    start = [reverse("reader:home"), reverse("search:search") + "?q=pictured", "/zh-hant/"]
    pages = {url: r for url, r in crawl(client, start, limit=80).items() if r.status_code == 200}
    html_pages = {
        url: r for url, r in pages.items() if not is_xml(r) and r["Content-Type"].startswith("text/html")
    }
    kinds = {
        "home": "/",
        "article": articles[0].get_absolute_url(),
        "list": reverse("reader:article_list"),
        "section": articles[0].section.get_absolute_url(),
        "topic": Topic.objects.get().get_absolute_url(),
        "organisation": Organisation.objects.get().get_absolute_url(),
        "search": reverse("search:search") + "?q=pictured",
    }
    for kind, url in kinds.items():
        assert url in html_pages, f"the crawl did not reach the {kind} page {url}"
        # Each of these pages shows the pictures of its articles.
        assert len(images_of(html_pages[url]).sources) >= 1, kind
    checked = 0
    for url, response in html_pages.items():
        for img in images_of(response).imgs:
            missing = [name for name in ("srcset", "sizes", "width", "height", "alt") if name not in img]
            assert not missing, f"{url}: <img src={img.get('src')}> lacks {missing}"
            assert int(img["width"]) > 0 and int(img["height"]) > 0
            checked += 1
    assert checked > len(html_pages)  # the logo on every page, and the pictures


def srcset_widths(srcset):
    return [int(part.strip().rsplit(" ", 1)[1][:-1]) for part in srcset.split(",")]


def test_picture_markup_offers_webp_and_jpeg_at_every_width(client, pictured):
    articles, _ = pictured
    page = images_of(client.get(articles[1].get_absolute_url()))
    hero = next(img for img in page.imgs if img["alt"] == "Picture number 1")
    assert srcset_widths(hero["srcset"]) == [320, 480, 640, 800, 1200, 1600]
    assert all(".jpg " in part for part in hero["srcset"].split(","))
    webp = next(s for s in page.sources if s.get("type") == "image/webp")
    assert srcset_widths(webp["srcset"]) == [320, 480, 640, 800, 1200, 1600]
    assert (hero["width"], hero["height"]) == ("1600", "900")
    # URLs come from the storage: MEDIA_URL for the file system.
    assert hero["src"].startswith("/media/renditions/")


def test_above_the_fold_eager_below_lazy(client, pictured):
    articles, body_image = pictured
    home = images_of(client.get("/"))
    lead, *cards = [img for img in home.imgs if img["alt"].startswith("Picture number")]
    assert lead["alt"] == "Picture number 0" and "loading" not in lead and lead["fetchpriority"] == "high"
    assert cards and all(img["loading"] == "lazy" for img in cards)

    article = images_of(client.get(articles[0].get_absolute_url()))
    hero = next(img for img in article.imgs if img["alt"] == "Picture number 0")
    in_body = next(img for img in article.imgs if img["alt"] == body_image.alt_text)
    assert "loading" not in hero and in_body["loading"] == "lazy"

    listing = [img for img in images_of(client.get(reverse("reader:article_list"))).imgs if "srcset" in img]
    pictures = [img for img in listing if img["alt"].startswith("Picture number")]
    assert "loading" not in pictures[0] and all(img["loading"] == "lazy" for img in pictures[1:])


def test_renditions_are_made_once_and_page_views_only_read_them(client, pictured):
    articles, _ = pictured
    before = sorted(Rendition.objects.values_list("pk", "file"))
    url = articles[0].get_absolute_url()
    client.get(url)
    with CaptureQueriesContext(connection) as second_view:
        response = client.get(url)
    assert response.status_code == 200
    assert sorted(Rendition.objects.values_list("pk", "file")) == before
    writes = [
        q["sql"] for q in second_view.captured_queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"])
    ]
    assert not [sql for sql in writes if "images_" in sql]


@pytest.mark.parametrize(
    "url_name", ["reader:home", "reader:article_list", "reader:section_detail", "search:search"]
)
def test_queries_do_not_grow_with_the_pictures_on_a_page(client, make_article, section, url_name):
    def count_queries():
        url = reverse(
            url_name, kwargs={"slug": section.slug} if url_name == "reader:section_detail" else None
        )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"q": "pictured"} if url_name == "search:search" else {})
        assert response.status_code == 200
        return len(queries), response.content.decode().count("<picture>")

    make_article(title="Pictured one", hero=make_image("One", size=(480, 270)))
    one, pictures_one = count_queries()
    for n in range(9):
        make_article(title=f"Pictured {n}", hero=make_image(f"Image {n}", size=(480, 270)))
    ten, pictures_ten = count_queries()
    assert pictures_one >= 1 and pictures_ten >= 9
    assert ten == one


def test_opengraph_and_json_ld_name_the_1200_px_rendition(client, pictured):
    articles, _ = pictured
    page = images_of(client.get(articles[0].get_absolute_url()))
    og = page.meta["og:image"]
    rendition = Rendition.objects.get(image=articles[0].hero, crop="wide", format="jpeg", width=1200)
    assert og == "http://testserver" + rendition.url
    assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "675")
    assert page.meta["og:image:alt"] == "Picture number 0"
    data = json.loads(page.scripts[0])
    assert data["image"] == [og]


def test_a_picture_narrower_than_1200_px_names_its_widest(client, make_article):
    article = make_article(hero=make_image("Small", size=(800, 450)))
    page = images_of(client.get(article.get_absolute_url()))
    assert page.meta["og:image:width"] == "800"


def test_a_body_image_is_a_figure_with_caption_and_credit(client, pictured):
    articles, body_image = pictured
    html = Article.objects.get(pk=articles[0].pk).body_html
    assert '<figure class="body-image"><picture>' in html
    assert '<figcaption>Funding <span class="credit">HKAI</span></figcaption>' in html
    assert 'sizes="(min-width: 44rem) 40rem, 100vw"' in html
