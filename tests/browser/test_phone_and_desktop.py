"""What a reader sees of the launch site on a phone (390 px) and a laptop (1,366 px), in
English and in Chinese: every destination of the navigation one tap away on a phone, an
article's text on the first screen, no sideways scrolling, the navigation on one line on
the desktop, dark mode's colours, English runs in Latin faces on Chinese pages, and no
WCAG 2.1 A/AA violations that axe-core finds on any page type."""

from io import StringIO
from urllib.parse import unquote, urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Max
from django.urls import reverse
from django.utils import translation

from articles.models import Article, Author, Organisation, Section, Topic

from .conftest import (
    DESKTOP,
    PHONE,
    PHONE_HEIGHT,
    axe_violations,
    emulate_color_scheme,
    save_full_page_screenshot,
    set_viewport,
)

# No django_db mark: the live server needs committed data, and these tests only read it, so
# the module loads the launch content once, committed, and empties the database after its
# last test (`launch` and `transactional_db` below) instead of once per test.
pytestmark = [pytest.mark.browser]

LANGUAGES = ["en", "zh-hant"]
# The light and dark papers and inks of static/css/site.css.
LIGHT = {"background": "rgb(253, 252, 249)", "text": "rgb(22, 22, 22)"}
DARK = {"background": "rgb(22, 21, 19)", "text": "rgb(236, 231, 220)"}


@pytest.fixture(scope="module")
def launch(django_db_setup, django_db_blocker):
    """The owner's launch content, both languages, as `make run` loads it: loaded and
    committed once for the module's tests (which only read it), then flushed as a
    transactional test's teardown flushes, so that the next module starts empty."""
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_demo_content", stdout=StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def database_state():
    """Each table's row count and the last change of any article: what a write would move."""
    return {
        **{model._meta.label: model._default_manager.count() for model in apps.get_models()},
        "last article change": Article.objects.aggregate(Max("updated_at"))["updated_at__max"],
    }


@pytest.fixture
def transactional_db(launch, django_db_blocker):
    """Stands in for pytest-django's fixture, which the live server asks for and which would
    flush the database after every test: each test reads the module's committed launch
    content. A test that wrote would change what the next one sees, so each test checks
    that it left the database as it found it."""
    with django_db_blocker.unblock():
        before = database_state()
        yield
        assert database_state() == before, "a test of this module wrote to the shared launch content"


@pytest.fixture
def scheme(browser):
    """Emulate a colour scheme for one test; back to the default afterwards (one browser
    serves the whole session)."""
    yield lambda value: emulate_color_scheme(browser, value)
    emulate_color_scheme(browser, "")


def url(language, name, *args, query=""):
    with translation.override(language):
        return reverse(name, args=args) + query


def destinations(language):
    """Where the main navigation leads: the latest articles, each section, the directories."""
    with translation.override(language):
        return [
            reverse("reader:article_list"),
            *(section.get_absolute_url() for section in Section.objects.all()),
            reverse("reader:organisation_list"),
            reverse("reader:topic_list"),
        ]


def page_types(language):
    """One page of each type the reader can reach, in `language`'s interface."""
    article = Article.objects.filter(language=language, featured=True).get()
    return {
        "home": url(language, "reader:home"),
        "article-list": url(language, "reader:article_list"),
        "article": article.url_in(language),
        "article-other-language": article.translation.url_in(language),
        "section": url(language, "reader:section_detail", Section.objects.first().slug),
        "organisation-list": url(language, "reader:organisation_list"),
        "organisation": url(
            language, "reader:organisation_detail", Organisation.objects.get(name="Cyberport").slug
        ),
        "topic-list": url(language, "reader:topic_list"),
        "topic": url(language, "reader:topic_detail", Topic.objects.get(name="smart city").slug),
        "author": url(language, "reader:author_detail", Author.objects.public().order_by("pk").first().slug),
        "search": url(
            language, "search:search", query="?q=" + ("人工智能" if language != "en" else "startups")
        ),
        "not-found": url(language, "reader:home") + "articles/no-such-article/",
    }


def open_page(browser, live_server, path, width):
    set_viewport(browser, width, PHONE_HEIGHT if width == PHONE else 900)
    browser.get(live_server.url + path)


def path_of(browser):
    return unquote(urlsplit(browser.current_url).path)


def visible(browser, selector):
    from selenium.webdriver.common.by import By

    return [e for e in browser.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_navigation_destination_is_one_tap_away_on_a_phone(browser, live_server, launch, language):
    home = url(language, "reader:home")
    expected = destinations(language)
    for destination in expected:
        open_page(browser, live_server, home, PHONE)
        assert not visible(browser, ".primary-nav a"), "the desktop navigation is hidden on a phone"
        assert not visible(browser, ".site-menu-panel a"), "the menu starts closed"
        [menu] = visible(browser, ".site-menu summary")
        assert menu.rect["height"] >= 44  # a finger-sized target
        menu.click()
        links = visible(browser, ".site-menu-panel nav a")
        assert [unquote(urlsplit(a.get_attribute("href")).path) for a in links] == expected
        for link in links:  # all on the first screen, none sideways
            rect = browser.execute_script("return arguments[0].getBoundingClientRect().toJSON()", link)
            assert 0 <= rect["left"] and rect["right"] <= PHONE and rect["bottom"] <= PHONE_HEIGHT, rect
        links[expected.index(destination)].click()
        assert path_of(browser) == destination
    # The search and the other language are on a phone too.
    open_page(browser, live_server, home, PHONE)
    assert visible(browser, ".masthead .language-switcher a")
    visible(browser, ".site-menu summary")[0].click()
    assert visible(browser, ".site-menu-panel input[type=search]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_articles_first_paragraph_is_on_the_first_screen_of_a_phone(
    browser, live_server, launch, language
):
    for article in Article.objects.filter(language=language):
        open_page(browser, live_server, article.url_in(language), PHONE)
        top = browser.execute_script(
            "return document.querySelector('.story-body p').getBoundingClientRect().top"
        )
        line = browser.execute_script(
            "return parseFloat(getComputedStyle(document.querySelector('.story-body p')).lineHeight)"
        )
        # At least two lines of the text show without scrolling.
        assert top + 2 * line <= PHONE_HEIGHT, (article.slug, top)
        # ...below the hero, in its phone crop (5:2), not without it.
        assert hero_shown(browser) == ("banner", round(PHONE_CONTENT_WIDTH * 2 / 5)), article.slug
    # A desktop keeps the 16:9 picture.
    open_page(browser, live_server, article.url_in(language), DESKTOP)
    assert hero_shown(browser)[0] == "wide"


# The phone's text column: the viewport less the page's side padding (site.css's 1rem).
PHONE_CONTENT_WIDTH = PHONE - 2 * 16


def hero_shown(browser):
    """(the crop of the hero file the browser chose, the picture's height in CSS px)."""
    src, height = browser.execute_script(
        "const img = document.querySelector('.story-hero img');"
        "return [img.currentSrc, Math.round(img.getBoundingClientRect().height)]"
    )
    return src.rsplit("/", 1)[1].split("-")[-3], height


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_scrolls_sideways_and_each_is_photographed(browser, live_server, launch, language, width):
    overflowing = {}
    for name, path in page_types(language).items():
        open_page(browser, live_server, path, width)
        scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing[name] = scroll_width
        save_full_page_screenshot(browser, f"launch-{language}-{name}", width)
    assert overflowing == {}, f"pages wider than {width}px: {overflowing}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_desktop_navigation_fits_one_line(browser, live_server, launch, language):
    open_page(browser, live_server, url(language, "reader:home"), DESKTOP)
    assert not visible(browser, ".site-menu summary")
    links = visible(browser, ".primary-nav a")
    assert [unquote(urlsplit(a.get_attribute("href")).path) for a in links] == destinations(language)
    tops = {link.rect["y"] for link in links}
    heights = {link.rect["height"] for link in links}
    assert len(tops) == 1 and len(heights) == 1, "one line of links"
    assert browser.execute_script("return document.documentElement.scrollWidth") == DESKTOP


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_topic_page_is_highlighted_in_the_navigation_like_a_section_page(
    browser, live_server, launch, language
):
    def underline(path):
        open_page(browser, live_server, path, DESKTOP)
        return {
            unquote(urlsplit(a.get_attribute("href")).path): a.value_of_css_property("border-bottom-color")
            for a in visible(browser, ".primary-nav a")
        }

    section = Section.objects.first()
    section_page = underline(url(language, "reader:section_detail", section.slug))
    topic_page = underline(url(language, "reader:topic_detail", Topic.objects.get(name="smart city").slug))
    plain = underline(url(language, "reader:home"))
    section_url = url(language, "reader:section_detail", section.slug)
    topics_url = url(language, "reader:topic_list")
    assert section_page[section_url] != plain[section_url]
    assert topic_page[topics_url] == section_page[section_url]
    assert {colour for link, colour in topic_page.items() if link != topics_url} == {plain[section_url]}


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_dark_mode_follows_the_system_setting(browser, live_server, launch, scheme, width):
    def colours():
        return {
            "background": browser.execute_script("return getComputedStyle(document.body).backgroundColor"),
            "text": browser.execute_script("return getComputedStyle(document.body).color"),
        }

    article = Article.objects.get(featured=True, language="en").url_in("en")
    scheme("light")
    open_page(browser, live_server, article, width)
    assert colours() == LIGHT
    scheme("dark")
    open_page(browser, live_server, article, width)
    assert colours() == DARK
    # Fields and chips are dark too, not white boxes with light text.
    field = browser.execute_script(
        "return getComputedStyle(document.querySelector('input[type=search]')).backgroundColor"
    )
    assert field == "rgb(29, 27, 24)"
    save_full_page_screenshot(browser, "launch-en-article-dark", width)
    open_page(browser, live_server, url("zh-hant", "reader:home"), width)
    assert colours() == DARK
    save_full_page_screenshot(browser, "launch-zh-hant-home-dark", width)


def test_english_on_chinese_pages_is_set_in_latin_faces(browser, live_server, launch):
    english = Article.objects.get(featured=True, language="en")

    def first_font(selector):
        family = browser.execute_script(
            "return getComputedStyle(document.querySelector(arguments[0])).fontFamily", selector
        )
        return family.split(",")[0].strip().strip('"')

    open_page(browser, live_server, english.url_in("zh-hant"), DESKTOP)
    assert browser.execute_script("return document.documentElement.lang") == "zh-Hant"
    assert browser.execute_script("return document.querySelector('.story-title').lang") == "en"
    for selector in (".story-title", ".story-standfirst", ".story-body p"):
        assert first_font(selector) == "Iowan Old Style", selector
    assert first_font(".kicker") == "Noto Sans CJK HK"  # the interface stays Chinese
    open_page(browser, live_server, english.translation.url_in("zh-hant"), DESKTOP)
    assert first_font(".story-body p") == "Noto Serif CJK HK"


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_type_passes_axe_wcag_21_aa(browser, live_server, launch, scheme, language, width):
    found = {}
    for colour_scheme in ("light", "dark"):
        scheme(colour_scheme)
        for name, path in page_types(language).items():
            open_page(browser, live_server, path, width)
            violations = axe_violations(browser)
            if width == PHONE and name == "home":  # the menu, open
                visible(browser, ".site-menu summary")[0].click()
                violations += axe_violations(browser)
            if violations:
                found[f"{colour_scheme} {name}"] = violations
    assert found == {}, found


@pytest.mark.parametrize("colour_scheme", ["light", "dark"])
def test_an_article_prints_alone_black_on_white(browser, live_server, launch, scheme, colour_scheme):
    article = Article.objects.get(featured=True, language="zh-hant").url_in("zh-hant")
    scheme(colour_scheme)
    open_page(browser, live_server, article, DESKTOP)
    browser.execute_cdp_cmd(
        "Emulation.setEmulatedMedia",
        {"media": "print", "features": [{"name": "prefers-color-scheme", "value": colour_scheme}]},
    )
    try:
        assert (
            browser.execute_script("return getComputedStyle(document.body).backgroundColor")
            == "rgb(255, 255, 255)"
        )
        assert browser.execute_script(
            "return getComputedStyle(document.querySelector('.story-body')).color"
        ) == ("rgb(0, 0, 0)")
        for hidden in (".primary-nav", ".site-menu", ".masthead-tools", ".site-footer", ".breadcrumbs"):
            assert not visible(browser, hidden), hidden
        assert visible(browser, ".story-title") and visible(browser, ".story-body p")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "", "features": []})
