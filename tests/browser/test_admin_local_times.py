"""The newsroom for an editor outside Hong Kong: the publication time's note says the field
is Hong Kong time and shows the same moment in the editor's own zone (the browser's),
instead of Django's "You are 8 hours behind server time"."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from articles.roles import ensure_roles

from .conftest import DESKTOP, set_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def in_time_zone(browser):
    def emulate(zone):
        browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": zone})

    yield emulate
    browser.execute_cdp_cmd("Emulation.setTimezoneOverride", {"timezoneId": ""})


def log_in(browser, live_server):
    from selenium.webdriver.common.by import By

    ensure_roles()
    get_user_model().objects.create_superuser("chief", password="a long enough password 1")
    browser.delete_all_cookies()
    browser.get(live_server.url + reverse("admin:login"))
    browser.find_element(By.NAME, "username").send_keys("chief")
    browser.find_element(By.NAME, "password").send_keys("a long enough password 1")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()


def publication_note(browser):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, ".field-published_at .timezonewarning").text


def test_an_editor_in_london_sees_hong_kong_time_and_their_own(browser, live_server, in_time_zone):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    in_time_zone("Europe/London")
    log_in(browser, live_server)
    browser.get(live_server.url + reverse("admin:articles_article_add"))
    note = publication_note(browser)
    assert "behind server time" not in note
    assert "Hong Kong time (UTC+08:00)" in note and "Europe/London" in note
    date = browser.find_element(By.NAME, "published_at_0")
    time = browser.find_element(By.NAME, "published_at_1")
    date.clear()
    date.send_keys("2026-12-03")
    time.clear()
    time.send_keys("14:30:00")
    # 14:30 in Hong Kong is 06:30 in London in December.
    assert "Your time:" in publication_note(browser) and "06:30" in publication_note(browser)


def test_an_editor_in_hong_kong_sees_no_note(browser, live_server, in_time_zone):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    in_time_zone("Asia/Hong_Kong")
    log_in(browser, live_server)
    browser.get(live_server.url + reverse("admin:articles_article_add"))
    assert not browser.find_elements(By.CSS_SELECTOR, ".field-published_at .timezonewarning")
