"""The newsroom's writing screen in a real browser, under the site's strict Content Security
Policy: the live preview, the counts (the JavaScript count agrees with core/text.py), the slug
following the title, the toolbar and shortcuts, autosave restoring text after a reload, the
unsaved-changes warning, and screenshots at laptop and phone widths."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles.models import Article
from core.tests.test_text import COUNT_SAMPLES
from core.text import count_text, reading_minutes
from demo.launch import DATA_DIR
from newsroom.models import ArticleAutosave

from .conftest import save_full_page_screenshot, set_viewport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = 1366
IPHONE = 390
WAIT = 10


@pytest.fixture
def insecure_cookies(settings):
    # The live server speaks plain HTTP; with DEBUG off the session and CSRF cookies are Secure.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture
def desk(browser, live_server, writer, section, insecure_cookies):
    """The browser logged in as `writer` (their session cookie, made by the test client)."""
    client = Client()
    client.force_login(writer)
    set_viewport(browser, LAPTOP)
    browser.get(live_server.url + reverse("admin:login"))
    browser.delete_all_cookies()
    browser.add_cookie(
        {
            "name": settings.SESSION_COOKIE_NAME,
            "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "path": "/",
        }
    )
    yield browser
    # Leave no page with unsaved changes (and its beforeunload prompt) to the next test.
    browser.execute_script("window.onbeforeunload = null;")
    browser.get("about:blank")
    accept_leave_prompt(browser)


def accept_leave_prompt(browser):
    from selenium.common.exceptions import NoAlertPresentException

    try:
        browser.switch_to.alert.accept()
        return True
    except NoAlertPresentException:
        return False


def wait(browser, condition, timeout=WAIT):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def element(browser, selector):
    from selenium.webdriver.common.by import By

    return browser.find_element(By.CSS_SELECTOR, selector)


def open_form(browser, live_server, path):
    browser.get(live_server.url + path)
    wait(browser, lambda b: b.execute_script("return !!document.querySelector('.md-enhanced')"))
    return browser


def preview_html(browser):
    return browser.execute_script("return document.querySelector('.md-preview-frame').srcdoc")


def csp_violations(browser):
    """Policy violations the console reported since the last call (ChromeDriver keeps
    errors by default)."""
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"] or "Refused to" in entry["message"]
    ]


def test_the_console_reports_policy_violations(desk, live_server):
    """The check the tests below make can fail: an inline style is refused and reported."""
    open_form(desk, live_server, reverse("admin:articles_article_add"))
    csp_violations(desk)
    desk.execute_script("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    wait(desk, lambda b: csp_violations(b))


def type_into(browser, selector, text):
    field = element(browser, selector)
    field.send_keys(text)
    return field


def test_the_preview_follows_typing_in_the_sites_styles(desk, live_server):
    open_form(desk, live_server, reverse("admin:articles_article_add"))
    type_into(desk, "#id_title", "香港 AI 初創")
    type_into(desk, "#id_body", "## Cyberport grows\n\nA **bold** start for 數碼港.")
    wait(desk, lambda b: "<h2>Cyberport grows</h2>" in preview_html(b))
    assert "<strong>bold</strong>" in preview_html(desk)
    # The slug follows the title by the model's rule (Chinese stays Chinese).
    wait(desk, lambda b: element(b, "#id_slug").get_attribute("value") == "香港-ai-初創")
    # The live counts, the same as the server's rule.
    body = element(desk, "#id_body").get_attribute("value")
    words, characters = count_text(body)
    assert element(desk, '[data-stat="words"]').text == str(words + characters)
    assert element(desk, '[data-stat="reading-minutes"]').text == str(reading_minutes(body))
    # Inside the frame: the site's stylesheets applied (allowed by the CSP), the title shown.
    assert csp_violations(desk) == []
    frame = element(desk, ".md-preview-frame")
    desk.switch_to.frame(frame)
    try:
        wait(desk, lambda b: "Cyberport" in element(b, ".story-body").text)
        assert element(desk, ".story-title").text == "香港 AI 初創"
        font = desk.execute_script(
            "return getComputedStyle(document.querySelector('.story-body')).fontFamily"
        )
        assert "Iowan Old Style" in font or "Noto Serif" in font  # the site's serif (tokens.css)
    finally:
        desk.switch_to.default_content()
    # Once the slug is edited by hand it stays.
    slug = element(desk, "#id_slug")
    slug.clear()
    slug.send_keys("my-own-slug")
    type_into(desk, "#id_title", " 更多")
    wait(desk, lambda b: "更多" in preview_html(b))
    assert element(desk, "#id_slug").get_attribute("value") == "my-own-slug"


def test_the_javascript_count_agrees_with_the_python_rule(desk, live_server):
    open_form(desk, live_server, reverse("admin:articles_article_add"))
    launch = (DATA_DIR / "rise-of-ai-in-hong-kong.txt").read_text()
    samples = [text for text, _words, _characters in COUNT_SAMPLES] + [launch, launch * 7 + "香港" * 900]
    for sample in samples:
        counted = desk.execute_script("return window.HKAI.countText(arguments[0])", sample)
        words, characters = count_text(sample)
        assert (counted["words"], counted["characters"]) == (words, characters), sample[:60]
        assert counted["readingMinutes"] == reading_minutes(sample), sample[:60]


def test_the_toolbar_and_shortcuts_write_markdown(desk, live_server):
    from selenium.webdriver.common.keys import Keys

    open_form(desk, live_server, reverse("admin:articles_article_add"))
    body = type_into(desk, "#id_body", "Hong Kong")

    def select_all_and(action):
        desk.execute_script("arguments[0].select()", body)
        action()
        return body.get_attribute("value")

    def click(name):
        return lambda: element(desk, f'[data-md-action="{name}"]').click()

    assert select_all_and(click("bold")) == "**Hong Kong**"
    assert select_all_and(lambda: body.send_keys(Keys.CONTROL, "i")) == "_**Hong Kong**_"
    assert select_all_and(click("heading")) == "## _**Hong Kong**_"
    assert select_all_and(click("quote")) == "> ## _**Hong Kong**_"
    body.clear()
    body.send_keys("HKU")
    assert select_all_and(lambda: body.send_keys(Keys.CONTROL, "k")) == "[HKU](https://)"
    # The link's address is selected, ready to be typed over.
    body.send_keys("hku.hk")
    assert body.get_attribute("value") == "[HKU](hku.hk)"
    body.clear()
    body.send_keys("one\ntwo")
    assert select_all_and(click("list")) == "- one\n- two"
    # The image button: where no image library takes its event, the plain Markdown at the
    # cursor (the library's listener is on the document: stopped on the way there).
    body.clear()
    body.send_keys("Before ")
    desk.execute_script(
        "window.stopImages = (event) => event.stopPropagation();"
        "document.querySelector('#id_body').addEventListener('hkai:insert-image', window.stopImages);"
    )
    click("image")()
    assert body.get_attribute("value") == "Before ![alt text](https://)"
    desk.execute_script(
        "document.querySelector('#id_body').removeEventListener('hkai:insert-image', window.stopImages);"
    )
    # The image library takes it (images/static/images/chooser.js): its chooser opens, and
    # what it inserts goes through window.HKAI.insertAtCursor, which preview and counts follow.
    body.clear()
    desk.execute_script(
        """
        document.addEventListener("hkai:insert-image", function (event) {
            window.HKAI.insertAtCursor(event.detail.textarea, "![Harbour](/media/harbour.jpg)");
        });
        """
    )
    click("image")()
    wait(
        desk, lambda b: b.execute_script("return document.querySelector('dialog.image-chooser-dialog')?.open")
    )
    desk.execute_script("document.querySelector('dialog.image-chooser-dialog').close()")
    assert body.get_attribute("value") == "![Harbour](/media/harbour.jpg)"
    wait(desk, lambda b: '<img alt="Harbour" src="/media/harbour.jpg">' in preview_html(b))
    assert element(desk, '[data-stat="words"]').text == "1"


def test_autosave_restores_the_text_after_a_reload(desk, live_server, own_draft):
    change_url = reverse("admin:articles_article_change", args=[own_draft.pk])
    before = Article.objects.filter(pk=own_draft.pk).values().get()
    open_form(desk, live_server, change_url)
    body = element(desk, "#id_body")
    body.send_keys("\n\nA paragraph the crash must not lose.")
    wait(desk, lambda b: "Text kept at" in element(b, ".md-autosave-status").text)
    kept = ArticleAutosave.objects.get(article=own_draft)
    assert kept.body.endswith("A paragraph the crash must not lose.")
    assert Article.objects.filter(pk=own_draft.pk).values().get() == before  # the article untouched

    desk.refresh()
    accept_leave_prompt(desk)  # the form had unsaved changes: the browser asks first
    open_form(desk, live_server, change_url)
    assert "crash" not in element(desk, "#id_body").get_attribute("value")
    offer = element(desk, ".md-autosave-offer")
    wait(desk, lambda b: offer.is_displayed())
    assert element(desk, ".md-autosave-time").get_attribute("datetime") == kept.saved_at.isoformat()
    element(desk, '[data-autosave="restore"]').click()
    assert element(desk, "#id_body").get_attribute("value") == kept.body.replace("\r\n", "\n")
    assert not offer.is_displayed()
    wait(desk, lambda b: "crash must not lose" in preview_html(b))


# ChromeDriver answers a real beforeunload prompt by itself, so the test asks the page's
# handler directly, as the browser does before leaving: would it stop the page going?
WOULD_ASK_BEFORE_LEAVING = """
    var event = new Event("beforeunload", {cancelable: true});
    window.dispatchEvent(event);
    return event.defaultPrevented;
"""


def test_leaving_a_changed_form_asks_first(desk, live_server, own_draft):
    open_form(desk, live_server, reverse("admin:articles_article_add"))
    assert desk.execute_script(WOULD_ASK_BEFORE_LEAVING) is False  # nothing changed
    type_into(desk, "#id_title", "Half a headline")
    assert desk.execute_script(WOULD_ASK_BEFORE_LEAVING) is True
    element(desk, "#id_title").clear()  # back as it was: nothing to lose
    assert desk.execute_script(WOULD_ASK_BEFORE_LEAVING) is False
    element(desk, "#id_body").send_keys("x")  # the editor counts too
    assert desk.execute_script(WOULD_ASK_BEFORE_LEAVING) is True

    # Saving is leaving on purpose: no question, and the saved form opens clean.
    open_form(desk, live_server, reverse("admin:articles_article_change", args=[own_draft.pk]))
    element(desk, "#id_body").send_keys(" Saved on purpose.")
    element(desk, 'input[name="_continue"]').click()
    wait(desk, lambda b: "was changed successfully" in b.page_source)
    assert desk.execute_script(WOULD_ASK_BEFORE_LEAVING) is False
    own_draft.refresh_from_db()
    assert own_draft.body.endswith("Saved on purpose.")
    assert not ArticleAutosave.objects.filter(article=own_draft).exists()


def test_screenshots_of_the_writing_screen(desk, live_server, own_draft, make_article, writer):
    own_draft.body = (DATA_DIR / "rise-of-ai-in-hong-kong.txt").read_text()
    own_draft.standfirst = "How the city's universities, start-ups and government are building an AI economy."
    own_draft.save()
    for n in range(12):
        make_article(
            title=f"Hong Kong's AI sandbox opens to {n + 2} more banks, with a long headline to wrap",
            language="zh-hant" if n % 3 == 0 else "en",
            status=Article.Status.DRAFT if n % 2 else Article.Status.PUBLISHED,
            created_by=writer,
            authors=[writer.author],
        )
    change_url = reverse("admin:articles_article_change", args=[own_draft.pk])
    open_form(desk, live_server, change_url)
    wait(desk, lambda b: "story-body" in preview_html(b))
    shots = [save_full_page_screenshot(desk, "writing-screen", LAPTOP)]
    # The page never scrolls sideways at laptop width.
    assert desk.execute_script("return document.documentElement.scrollWidth") <= LAPTOP

    set_viewport(desk, IPHONE)
    desk.refresh()
    open_form(desk, live_server, change_url)
    assert element(desk, ".md-tabs").is_displayed()
    assert not element(desk, ".md-preview").is_displayed()
    assert desk.execute_script("return document.documentElement.scrollWidth") <= IPHONE
    shots.append(save_full_page_screenshot(desk, "writing-screen", IPHONE))
    element(desk, '[data-tab="preview"]').click()
    assert element(desk, ".md-preview").is_displayed()
    assert not element(desk, "#id_body").is_displayed()
    shots.append(save_full_page_screenshot(desk, "writing-screen-preview-tab", IPHONE))

    set_viewport(desk, LAPTOP)
    desk.get(live_server.url + reverse("admin:articles_article_changelist"))
    shots.append(save_full_page_screenshot(desk, "article-list", LAPTOP))
    assert desk.execute_script("return document.documentElement.scrollWidth") <= LAPTOP
    # Every column fits (the results box does not scroll sideways), the title the widest.
    results = "document.querySelector('#changelist .results')"
    assert desk.execute_script(f"return {results}.scrollWidth <= {results}.clientWidth")
    widths = desk.execute_script(
        "return Array.from(document.querySelectorAll('#result_list thead th')).map(th => th.offsetWidth)"
    )
    title_width = desk.execute_script(
        "return document.querySelector('#result_list th.field-title').offsetWidth"
    )
    assert title_width == max(widths) and title_width >= 360, widths
    assert all(path.exists() for path in shots)


def test_the_form_works_with_javascript_off(desk, live_server, own_draft):
    """The writing screen's text fields are plain fields without the script. (A new article
    needs the script for the admin's autocomplete of its section, Django's widget: a draft
    already has one.)"""
    desk.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        desk.get(live_server.url + reverse("admin:articles_article_change", args=[own_draft.pk]))
        assert not element(desk, ".md-toolbar").is_displayed()
        assert not element(desk, ".md-preview").is_displayed()
        assert not element(desk, ".md-autosave-offer").is_displayed()
        assert element(desk, '[data-stat="words"]').text == str(sum(count_text(own_draft.body)))
        element(desk, "#id_slug").clear()
        element(desk, "#id_title").clear()
        type_into(desk, "#id_title", "沒有腳本的文章")
        element(desk, "#id_body").clear()
        type_into(desk, "#id_body", "Written with JavaScript off.")
        element(desk, 'input[name="_continue"]').click()
        wait(desk, lambda b: "was changed successfully" in b.page_source)
    finally:
        desk.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    own_draft.refresh_from_db()
    # The empty slug made from the title on save, by the model's rule.
    assert (own_draft.slug, own_draft.body) == ("沒有腳本的文章", "Written with JavaScript off.")
