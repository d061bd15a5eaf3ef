"""The revision comparison in the admin (chosen on the history page, no script needed) and
an article with a correction, in a real browser, with screenshots for the newsroom."""

import pytest
import reversion
from django.urls import reverse

from articles.models import Correction

from .conftest import DESKTOP, PHONE, axe_violations, save_full_page_screenshot, set_viewport
from .test_admin_local_times import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compare_two_revisions_from_the_history(browser, live_server, make_article):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    set_viewport(browser, DESKTOP)
    article = make_article(title="The lab opens in 2024", body="The lab opened in March.\n\nIt employs 40.")
    with reversion.create_revision():
        article.save()
    article.title = "The lab opens in 2025"
    article.body = "The lab opened in April.\n\nIt employs 40 researchers."
    with reversion.create_revision():
        article.save()
    log_in(browser, live_server, then=reverse("admin:articles_article_history", args=[article.pk]))
    # The two newest are chosen already: the button compares them.
    browser.find_element(By.CSS_SELECTOR, ".compare-form input[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda driver: "Compare versions" in driver.title)
    title_diff = browser.find_elements(By.CSS_SELECTOR, ".compare-field .diff")[0]
    assert [e.text for e in title_diff.find_elements(By.TAG_NAME, "del")] == ["2024"]
    assert [e.text for e in title_diff.find_elements(By.TAG_NAME, "ins")] == ["2025"]
    # The stylesheet (not inline styles, which the CSP forbids) marks them.
    ins = title_diff.find_element(By.TAG_NAME, "ins")
    assert ins.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)"
    assert browser.find_elements(By.LINK_TEXT, "Restore this version")
    save_full_page_screenshot(browser, "admin-compare-revisions", DESKTOP)


def test_an_article_with_a_correction(browser, live_server, make_article):
    from selenium.webdriver.common.by import By

    article = make_article(title="The lab opens", body="The lab opened in 2025.")
    Correction.objects.create(article=article, note="An earlier version said the lab opened in 2024.")
    Correction.objects.create(
        article=article, kind=Correction.Kind.UPDATE, note="The minister has since visited."
    )
    for width in (PHONE, DESKTOP):
        set_viewport(browser, width)
        browser.get(live_server.url + article.get_absolute_url())
        notes = browser.find_elements(By.CSS_SELECTOR, ".story-corrections li")
        assert [n.find_element(By.CSS_SELECTOR, ".correction-kind").text for n in notes] == [
            "CORRECTION",
            "UPDATE",
        ]
        assert axe_violations(browser) == []
        save_full_page_screenshot(browser, "article-with-correction", width)
    browser.get(live_server.url + "/corrections/")
    assert "The minister has since visited." in browser.find_element(By.CSS_SELECTOR, ".correction-list").text
    assert axe_violations(browser) == []
