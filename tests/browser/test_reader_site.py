"""A reader's site in a real browser: the journey through pages, no sideways scrolling
on a phone, and screenshots of every page type at phone and desktop widths."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

from articles.models import Article, Author, Organisation, Section, Topic
from demo.launch import DATA_DIR
from images.models import Image as LibraryImage
from tests.pictures import make_image

from .conftest import DESKTOP, PHONE, save_full_page_screenshot, set_viewport

# transaction=True: the live server needs committed data. The flush after each test also
# empties the role groups; tests that need them call articles.roles.ensure_roles().
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAUNCH_ARTICLE = DATA_DIR / "rise-of-ai-in-hong-kong.txt"
LONG_WORD = "Supercalifragilisticexpialidocious" * 3
LONG_URL = "https://www.example.gov.hk/" + "very-long-path-segment/" * 8 + "report.pdf"


def launch_article_markdown():
    """The launch article's text as Markdown: its short lines become sub-headings."""
    lines = [line.strip() for line in LAUNCH_ARTICLE.read_text().splitlines() if line.strip()]
    title, paragraphs = lines[0], lines[1:]
    body = "\n\n".join(f"## {p}" if len(p) < 60 and not p.endswith(".") else p for p in paragraphs)
    return title, body


def hero_image():
    image = Image.new("RGB", (1600, 900), (22, 40, 60))
    draw = ImageDraw.Draw(image)
    for i in range(0, 1600, 40):  # a skyline-like pattern, so screenshots show an image
        height = 200 + (i * 37) % 500
        draw.rectangle([i, 900 - height, i + 30, 900], fill=(40 + i % 90, 70, 110))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return SimpleUploadedFile("skyline.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def newsroom(db):
    """A small but realistic publication: sections, organisations of several kinds,
    English and Chinese topics, authors, a featured lead with an image, and a draft."""
    government = Section.objects.create(
        name="Government", slug="government", position=1, description="Policy, funding and regulation."
    )
    startups = Section.objects.create(name="Startups", slug="startups", position=2)
    finance = Section.objects.create(name="Finance", slug="finance", position=3)
    Section.objects.create(name="Ethics", slug="ethics", position=4)
    kinds = Organisation.Kind
    astri = Organisation.objects.create(
        name="Hong Kong Applied Science and Technology Research Institute (ASTRI)",
        kind=kinds.RESEARCH,
        website="https://www.astri.org/",
        description="Applied research and development for Hong Kong industry.",
    )
    cyberport = Organisation.objects.create(name="Cyberport", kind=kinds.INCUBATOR)
    hkstp = Organisation.objects.create(name="Hong Kong Science Park", kind=kinds.INCUBATOR)
    itib = Organisation.objects.create(
        name="Innovation, Technology and Industry Bureau", kind=kinds.GOVERNMENT
    )
    hkma = Organisation.objects.create(name="Hong Kong Monetary Authority", kind=kinds.FINANCIAL)
    hku = Organisation.objects.create(name="香港大學", kind=kinds.UNIVERSITY)
    fintech, robotics, smart_city, chinese, ethics = (
        Topic.objects.create(name=name) for name in ("fintech", "robotics", "smart city", "香港AI", "ethics")
    )
    ada = Author.objects.create(
        name="Ada Chan",
        name_zh_hant="陳愛達",
        slug="ada-chan",
        bio="Ada covers fintech and the city's research institutes.\nBefore HKAI she reported on banking.",
        bio_zh_hant="陳愛達報道金融科技與本地研究機構。",
        photo=make_image("Ada Chan smiling at her desk", size=(600, 600)),
    )
    wong = Author.objects.create(name="黃家明", slug="wong")
    now = timezone.now()

    def article(**kwargs):
        topics = kwargs.pop("topics", [])
        organisations = kwargs.pop("organisations", [])
        authors = kwargs.pop("authors", [ada])
        kwargs.setdefault("status", Article.Status.PUBLISHED)
        created = Article.objects.create(**kwargs)
        created.topics.add(*topics)
        created.organisations.add(*organisations)
        created.authors.add(*authors)
        return created

    title, body = launch_article_markdown()
    lead = article(
        title=title,
        slug="rise-of-ai-in-hong-kong",
        section=government,
        featured=True,
        standfirst="Government programmes, incubators and banks are making the city a hub "
        "for artificial intelligence. The hard questions are only beginning.",
        body=body,
        published_at=now - timedelta(hours=2),
        hero=LibraryImage.objects.create(file=hero_image(), alt_text="Towers of Hong Kong's skyline at dusk"),
        topics=[smart_city, chinese, fintech, ethics],
        organisations=[astri, cyberport, hkstp, itib],
        authors=[ada, wong],
    )
    both = article(
        title="Banks put robo-advisers to work",
        slug="banks-robo-advisers",
        section=finance,
        standfirst="Fintech and robotics meet in the branch of the future.",
        body="Robo-advisers are arriving.\n\nSee " + LONG_URL + " for the regulator's report.",
        published_at=now - timedelta(hours=5),
        topics=[fintech, robotics],
        organisations=[hkma],
    )
    article(
        title="A payments startup raises its first round",
        slug="payments-startup-round",
        section=startups,
        standfirst="Only fintech here, no robots.",
        body="Money.",
        published_at=now - timedelta(hours=9),
        topics=[fintech],
        organisations=[cyberport],
    )
    article(
        title="Warehouse robots learn Cantonese",
        slug="warehouse-robots",
        section=startups,
        standfirst="Robotics without the finance.",
        body="Robots.",
        published_at=now - timedelta(days=1),
        topics=[robotics],
        organisations=[hkstp],
    )
    article(
        title="香港大學研發醫療人工智能",
        slug="香港大學研發醫療人工智能",
        section=government,
        standfirst="大學研究團隊以人工智能協助診斷，" + "並與公立醫院合作" * 3 + "。",
        body="香港大學的研究團隊" * 40,
        published_at=now - timedelta(days=2),
        topics=[chinese, smart_city],
        organisations=[hku],
        authors=[wong],
    )
    article(
        title=f"The {LONG_WORD} problem of model names",
        slug="long-words",
        section=Section.objects.get(slug="ethics"),
        standfirst=LONG_WORD + " and " + LONG_URL,
        body=LONG_WORD,
        published_at=now - timedelta(days=3),
        topics=[ethics],
    )
    article(
        title="Draft browsermarker",
        slug="draft-browsermarker",
        section=finance,
        status=Article.Status.DRAFT,
        body="Hidden.",
        topics=[fintech, robotics],
    )
    return {
        "lead": lead,
        "both": both,
        "government": government,
        "astri": astri,
        "fintech": fintech,
        "robotics": robotics,
        "ada": ada,
    }


def open_page(browser, live_server, path):
    browser.get(live_server.url + path)
    return browser


def visible_titles(browser):
    from selenium.webdriver.common.by import By

    return [
        element.text
        for element in browser.find_elements(By.CSS_SELECTOR, ".card-title a, .lead-title a")
        if element.is_displayed()
    ]


def page_types(newsroom):
    return {
        "home": reverse("reader:home"),
        "article-list": reverse("reader:article_list"),
        "article-list-page-2": reverse("reader:article_list") + "?page=2",
        "article": newsroom["lead"].get_absolute_url(),
        "article-chinese": reverse("reader:article_detail", args=["香港大學研發醫療人工智能"]),
        "section": newsroom["government"].get_absolute_url(),
        "organisation-list": reverse("reader:organisation_list"),
        "organisation": newsroom["astri"].get_absolute_url(),
        "topic-list": reverse("reader:topic_list"),
        "topic": newsroom["fintech"].get_absolute_url(),
        "search": reverse("search:search") + "?q=robots",
        "author": newsroom["ada"].get_absolute_url(),
        "author-chinese": "/zh-hant" + newsroom["ada"].get_absolute_url(),
        "not-found": "/articles/no-such-article/",
    }


def test_reader_goes_home_then_topic_then_article(browser, live_server, newsroom):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    open_page(browser, live_server, "/")
    assert browser.find_element(By.CSS_SELECTOR, ".lead-title").text == newsroom["lead"].title
    assert "browsermarker" not in browser.page_source

    browser.find_element(By.CSS_SELECTOR, ".front-aside .tag-list").find_element(
        By.PARTIAL_LINK_TEXT, "robotics"
    ).click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "robotics"
    assert set(visible_titles(browser)) == {
        "Banks put robo-advisers to work",
        "Warehouse robots learn Cantonese",
    }

    browser.find_element(By.LINK_TEXT, "Banks put robo-advisers to work").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Banks put robo-advisers to work"
    assert browser.title == "Banks put robo-advisers to work · HKAI"
    related = browser.find_element(By.CSS_SELECTOR, ".related").text
    assert "A payments startup raises its first round" in related


def test_reader_searches_by_two_topics(browser, live_server, newsroom):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    open_page(browser, live_server, newsroom["both"].get_absolute_url())
    topic_links = browser.find_elements(By.CSS_SELECTOR, ".story-footer .tag-list a")
    assert {link.text for link in topic_links} >= {"fintech", "robotics"}
    open_page(browser, live_server, reverse("search:search") + "?topic=fintech&topic=robotics")
    titles = [
        element.text
        for element in browser.find_elements(By.CSS_SELECTOR, "main article h2 a, main article h3 a")
        if element.is_displayed()
    ]
    assert titles == ["Banks put robo-advisers to work"]


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_every_page_type_fits_the_screen_and_is_photographed(browser, live_server, newsroom, width, settings):
    """No page scrolls sideways at phone width; screenshots for people to look at."""
    settings.ARTICLES_PER_PAGE = 2  # so listings show their pagination
    set_viewport(browser, width)
    overflowing = {}
    for name, path in page_types(newsroom).items():
        open_page(browser, live_server, path)
        assert browser.execute_script("return window.innerWidth") == width
        scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing[name] = scroll_width
        stylesheet_loaded = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
        assert stylesheet_loaded == "rgb(253, 252, 249)", name
        save_full_page_screenshot(browser, name, width)
    assert overflowing == {}, f"pages wider than {width}px: {overflowing}"


def test_skip_link_and_focus_are_visible(browser, live_server, newsroom):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    set_viewport(browser, PHONE)
    open_page(browser, live_server, "/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("class") == "skip-link"
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", focused)
    assert top >= 0  # on screen once focused
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused)
    assert outline != "none"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_a_byline_leads_to_the_authors_page_with_their_photo(browser, live_server, newsroom, width):
    from selenium.webdriver.common.by import By

    set_viewport(browser, width)
    open_page(browser, live_server, newsroom["both"].get_absolute_url())
    browser.find_element(By.CSS_SELECTOR, ".story-header .byline a.author").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "Ada Chan"
    photo = browser.find_element(By.CSS_SELECTOR, ".author-photo img")
    assert photo.get_attribute("alt") == "Ada Chan smiling at her desk"
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", photo)
    box = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height]", photo
    )
    assert box[0] == box[1] > 0  # a square cut, whatever the picture's shape
    assert "Banks put robo-advisers to work" in visible_titles(browser)
    assert "browsermarker" not in browser.page_source
