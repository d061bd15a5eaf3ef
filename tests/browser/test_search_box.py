"""The search box as a reader uses it, with the launch content: suggestions while typing
(static/js/search-suggest.js, the ARIA combobox pattern, by keyboard), one search box on the
search page, highlighted results, chips and facets at a phone's and a laptop's width, with
screenshots, no sideways scrolling and no axe-core WCAG 2.1 AA violation."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from articles.models import Organisation

from .conftest import DESKTOP, PHONE, PHONE_HEIGHT, axe_violations, save_full_page_screenshot, set_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def launch(db, settings):
    settings.SEARCH_SUGGEST_RATE_LIMIT = "0"
    call_command("load_demo_content", stdout=StringIO())


def search_url(language, query=""):
    with translation.override(language):
        return reverse("search:search") + query


def by_css(browser, selector):
    from selenium.webdriver.common.by import By

    return browser.find_elements(By.CSS_SELECTOR, selector)


def wait_for(browser, condition, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(lambda driver: condition())


def test_suggestions_by_keyboard_lead_to_the_organisation(browser, live_server, launch):
    from selenium.webdriver.common.keys import Keys

    set_viewport(browser, DESKTOP)
    browser.get(live_server.url + reverse("reader:home"))
    box = by_css(browser, "#site-search-q")[0]
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys("数码")  # Simplified: finds 數碼港 (Cyberport)
    wait_for(browser, lambda: box.get_attribute("aria-expanded") == "true")
    options = by_css(browser, "#" + box.get_attribute("aria-controls") + " [role=option]")
    assert [o.text.split("\n")[0] for o in options] == ["Cyberport"]
    assert box.get_attribute("aria-activedescendant") is None
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == options[0].get_attribute("id")
    assert options[0].get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ESCAPE)
    assert box.get_attribute("aria-expanded") == "false"
    box.send_keys("港")
    wait_for(browser, lambda: box.get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    cyberport = Organisation.objects.get(name="Cyberport")
    wait_for(browser, lambda: browser.current_url.endswith(cyberport.get_absolute_url()))


def test_enter_without_a_chosen_suggestion_searches_the_words(browser, live_server, launch):
    from selenium.webdriver.common.keys import Keys

    set_viewport(browser, DESKTOP)
    browser.get(live_server.url + search_url("en"))
    box = by_css(browser, "#search-q")[0]
    box.send_keys("startups")
    wait_for(browser, lambda: box.get_attribute("aria-expanded") == "true")
    box.send_keys(Keys.ENTER)
    wait_for(browser, lambda: "q=startups" in browser.current_url)
    wait_for(browser, lambda: by_css(browser, ".search-result mark"))


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_search_page_at_a_phone_and_a_laptop(browser, live_server, launch, language, width):
    query = "?q=" + ("数码港" if language != "en" else "smart city") + "&topic=香港ai"
    set_viewport(browser, width, PHONE_HEIGHT if width == PHONE else 900)
    browser.get(live_server.url + search_url(language, query))
    # One search box on the page, whatever the width (the masthead's and the menu's are left out).
    boxes = by_css(browser, "input[type=search]")
    assert len(boxes) == 1 and boxes[0].is_displayed()
    assert by_css(browser, ".search-result mark"), "the matched words are marked"
    assert by_css(browser, ".search-active__item")
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    save_full_page_screenshot(browser, f"search-{language}", width)
    box = boxes[0]
    box.clear()
    box.send_keys("s")
    wait_for(browser, lambda: box.get_attribute("aria-expanded") == "true")
    save_full_page_screenshot(browser, f"search-suggestions-{language}", width)
    assert axe_violations(browser) == []
