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


def log_in(browser, live_server, then):
    """Log in through the form as a new superuser and wait until the page `then` (a path)
    is there: going on at once after the click raced the login's redirect under load."""
    from urllib.parse import urlparse

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    ensure_roles()
    get_user_model().objects.create_superuser("chief", password="a long enough password 1")
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}{reverse('admin:login')}?next={then}")
    browser.find_element(By.NAME, "username").send_keys("chief")
    browser.find_element(By.NAME, "password").send_keys("a long enough password 1")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda driver: urlparse(driver.current_url).path == then)


def open_new_article_form(browser, live_server):
    """A new article's form once its scripts have run: Django's DateTimeShortcuts adds the
    clock links and the time-zone note on load, after the page counts as loaded."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    log_in(browser, live_server, then=reverse("admin:articles_article_add"))
    shortcuts = (By.CSS_SELECTOR, ".field-published_at .datetimeshortcuts")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located(shortcuts))


def publication_note(browser, containing=""):
    """The note's text, once it contains `containing` (the site's script rewrites Django's)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    def note(driver):
        found = driver.find_elements(By.CSS_SELECTOR, ".field-published_at .timezonewarning")
        return found and containing in found[0].text and found[0].text

    return WebDriverWait(browser, 10).until(note)


def test_an_editor_in_london_sees_hong_kong_time_and_their_own(browser, live_server, in_time_zone):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    in_time_zone("Europe/London")
    open_new_article_form(browser, live_server)
    note = publication_note(browser, containing="Hong Kong time")
    assert "behind server time" not in note
    assert "Hong Kong time (UTC+08:00)" in note and "Europe/London" in note
    date = browser.find_element(By.NAME, "published_at_0")
    time = browser.find_element(By.NAME, "published_at_1")
    date.clear()
    date.send_keys("2026-12-03")
    time.clear()
    time.send_keys("14:30:00")
    # 14:30 in Hong Kong is 06:30 in London in December.
    assert "06:30" in publication_note(browser, containing="Your time:")


def test_an_editor_in_hong_kong_sees_no_note(browser, live_server, in_time_zone):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    in_time_zone("Asia/Hong_Kong")
    open_new_article_form(browser, live_server)
    assert not browser.find_elements(By.CSS_SELECTOR, ".field-published_at .timezonewarning")
