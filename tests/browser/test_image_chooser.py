"""The image chooser on the article form, in Chromium (images/static/images/chooser.js):
the writing toolbar's "hkai:insert-image" event opens the library, a click writes the
image's Markdown at the cursor; an upload from the dialog is chosen at once, a bad one
shows its form error; the hero field's button fills the field. The writing screen's toolbar
button (newsroom/static/newsroom/writing.js) is clicked where the two scripts meet; elsewhere
the tests dispatch its event as it does (the contract in chooser.js)."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from articles.roles import EDITORS
from images.models import Image
from tests.pictures import image_bytes, make_image

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DISPATCH = """
const textarea = document.querySelector("textarea[name=body]");
textarea.focus();
textarea.setSelectionRange(textarea.value.length, textarea.value.length);
const event = new CustomEvent("hkai:insert-image", {bubbles: true, cancelable: true, detail: {textarea}});
return textarea.dispatchEvent(event);
"""


@pytest.fixture
def article_form(browser, live_server, make_user):
    make_user("chooser-editor", role=EDITORS, password="correct horse battery staple")
    browser.get(live_server.url + "/admin/login/?next=/admin/articles/article/add/")
    browser.find_element(By.NAME, "username").send_keys("chooser-editor")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.NAME, "body")))
    browser.find_element(By.NAME, "body").send_keys("First paragraph.")
    return browser


def wait_for(browser, selector):
    return WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.CSS_SELECTOR, selector)))


def body_text(browser):
    return browser.find_element(By.NAME, "body").get_attribute("value")


def test_the_toolbar_event_opens_the_library_and_a_click_writes_the_markdown(article_form):
    browser = article_form
    tram = make_image("A tram on Des Voeux Road", size=(320, 180))
    browser.refresh()
    browser.find_element(By.NAME, "body").send_keys("First paragraph.")
    not_prevented = browser.execute_script(DISPATCH)
    assert not_prevented is False  # the chooser took it: no plain ![alt text](https://)
    wait_for(browser, f'.image-chooser-choice[data-image-id="{tram.pk}"]').click()
    assert body_text(browser) == f"First paragraph.\n\n![A tram on Des Voeux Road](image:{tram.pk})\n\n"
    assert not browser.execute_script("return document.querySelector('dialog.image-chooser-dialog').open")


def test_the_toolbars_insert_function_is_used_when_present(article_form):
    browser = article_form
    tram = make_image("A tram", size=(320, 180))
    browser.execute_script("window.HKAI = {insertAtCursor: (textarea, text) => { window.inserted = text; }};")
    browser.execute_script(DISPATCH)
    wait_for(browser, f'.image-chooser-choice[data-image-id="{tram.pk}"]').click()
    assert browser.execute_script("return window.inserted") == f"\n\n![A tram](image:{tram.pk})\n\n"


def test_upload_from_the_dialog_inserts_the_new_image_and_refuses_svg(article_form, tmp_path):
    browser = article_form
    svg = tmp_path / "logo.svg"
    svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    png = tmp_path / "lion-rock.png"
    png.write_bytes(image_bytes(size=(480, 270)))
    # The writing toolbar's image button: its event opens the chooser.
    wait_for(browser, '[data-md-action="image"]').click()
    wait_for(browser, ".image-chooser-upload input[type=file]")
    browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload input[name=alt_text]").send_keys("Logo")
    browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload input[type=file]").send_keys(str(svg))
    browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload button[type=submit]").click()
    error = WebDriverWait(browser, 10).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, ".image-chooser-upload .errorlist"))
    )
    assert "SVG images are not accepted" in error.text
    alt = browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload input[name=alt_text]")
    alt.clear()
    alt.send_keys("Lion Rock at sunset")
    browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload input[type=file]").send_keys(str(png))
    browser.find_element(By.CSS_SELECTOR, ".image-chooser-upload button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda b: "image:" in body_text(b))
    image = Image.objects.get(alt_text="Lion Rock at sunset")
    assert body_text(browser) == f"First paragraph.\n\n![Lion Rock at sunset](image:{image.pk})\n\n"
    assert not Image.objects.filter(alt_text="Logo").exists()


def test_the_hero_button_fills_the_hero_field(article_form):
    browser = article_form
    harbour = make_image("Victoria Harbour", size=(320, 180))
    browser.refresh()
    wait_for(browser, ".image-chooser-open").click()
    wait_for(browser, f'.image-chooser-choice[data-image-id="{harbour.pk}"]').click()
    assert browser.find_element(By.NAME, "hero").get_attribute("value") == str(harbour.pk)
    assert "Victoria Harbour" in browser.find_element(By.CSS_SELECTOR, ".image-field-preview").text
