"""Switching language in a real browser: the switcher lands on the article's translation
(or the same page in the other language), keeps a search, and Chinese pages fit a phone."""

from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest
from django.utils import timezone

from articles.models import Article, Author, Organisation, Section, Topic

from .conftest import DESKTOP, PHONE, save_full_page_screenshot, set_viewport

# transaction=True: the live server needs committed data. Not serialized_rollback: reloading
# the serialized content types clashes with those that other transactional tests' flushes
# leave recreated (ensure_roles). The flush also empties the role groups; tests that need
# them call articles.roles.ensure_roles(), as test_reader_site.py's note says.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bilingual_newsroom(db):
    section = Section.objects.create(name="Finance", slug="finance", name_zh_hant="金融業轉型")
    fintech = Topic.objects.create(name="fintech", name_zh_hant="金融科技")
    hkma = Organisation.objects.create(
        name="Hong Kong Monetary Authority",
        name_zh_hant="香港金融管理局",
        kind=Organisation.Kind.FINANCIAL,
    )
    author = Author.objects.create(name="Ada Chan", slug="ada-chan")
    now = timezone.now()

    def article(**kwargs):
        created = Article.objects.create(section=section, status=Article.Status.PUBLISHED, **kwargs)
        created.topics.add(fintech)
        created.organisations.add(hkma)
        created.authors.add(author)
        return created

    english = article(
        title="Banks put robo-advisers to work",
        slug="banks-robo-advisers",
        standfirst="Fintech meets the branch of the future.",
        body="Robo-advisers are arriving.",
        published_at=now - timedelta(hours=3),
    )
    chinese = article(
        title="銀行引入智能投資顧問",
        slug="銀行引入智能投資顧問",
        language="zh-hant",
        standfirst="金融科技走進未來的分行。",
        body="智能投資顧問陸續登場。" * 20,
        translation=english,
        published_at=now - timedelta(hours=2),
    )
    english_only = article(
        title="Regulators publish AI guidance",
        slug="regulators-ai-guidance",
        standfirst="A circular for banks.",
        body="The guidance.",
        published_at=now - timedelta(days=1),
    )
    return {"english": english, "chinese": chinese, "english_only": english_only, "fintech": fintech}


def path_of(browser):
    parts = urlsplit(browser.current_url)
    return unquote(parts.path) + (f"?{unquote(parts.query)}" if parts.query else "")


def switch_language(browser):
    from selenium.webdriver.common.by import By

    links = browser.find_elements(By.CSS_SELECTOR, ".language-switcher a")
    assert len(links) == 1
    links[0].click()


def test_switching_on_an_article_lands_on_its_translation(browser, live_server, bilingual_newsroom):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    browser.get(live_server.url + bilingual_newsroom["english"].get_absolute_url())
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(By.CSS_SELECTOR, ".language-switcher a").text == "繁體中文"

    switch_language(browser)
    assert path_of(browser) == "/zh-hant/articles/銀行引入智能投資顧問/"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-Hant"
    assert browser.find_element(By.TAG_NAME, "h1").text == "銀行引入智能投資顧問"
    assert "本文另有英文版" in browser.find_element(By.CSS_SELECTOR, ".language-notice").text
    assert browser.find_element(By.CSS_SELECTOR, ".story-footer").text.count("金融科技") == 1

    switch_language(browser)
    assert path_of(browser) == "/articles/banks-robo-advisers/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Banks put robo-advisers to work"


def test_switching_on_an_article_without_translation_keeps_the_article(
    browser, live_server, bilingual_newsroom
):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    browser.get(live_server.url + bilingual_newsroom["english_only"].get_absolute_url())
    switch_language(browser)
    assert path_of(browser) == "/zh-hant/articles/regulators-ai-guidance/"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Regulators publish AI guidance"
    assert browser.find_element(By.CSS_SELECTOR, ".language-notice").text == "本文只有英文版。"
    nav = browser.find_element(By.CSS_SELECTOR, ".primary-nav").text
    assert "金融業轉型" in nav and "主題" in nav


def test_switching_keeps_a_search_and_lists_fall_back(browser, live_server, bilingual_newsroom):
    from selenium.webdriver.common.by import By

    set_viewport(browser, DESKTOP)
    browser.get(live_server.url + "/search/?topic=fintech")
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".search-result__title")]
    assert titles == ["Banks put robo-advisers to work", "Regulators publish AI guidance"]
    switch_language(browser)
    assert path_of(browser) == "/zh-hant/search/?topic=fintech"
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".search-result__title")]
    # Each story once, in Chinese where it has a Chinese version.
    assert titles == ["銀行引入智能投資顧問", "Regulators publish AI guidance"]
    assert "找到 2 篇文章" in browser.find_element(By.CSS_SELECTOR, ".search-results__count").text


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_chinese_pages_fit_the_screen_and_are_photographed(browser, live_server, bilingual_newsroom, width):
    set_viewport(browser, width)
    pages = {
        "zh-home": "/zh-hant/",
        "zh-article": bilingual_newsroom["chinese"].url_in("zh-hant"),
        "zh-article-english-only": bilingual_newsroom["english_only"].url_in("zh-hant"),
        "zh-topic": "/zh-hant/topics/fintech/",
        "zh-search": "/zh-hant/search/?q=金融",
        "zh-not-found": "/zh-hant/articles/no-such-article/",
    }
    overflowing = {}
    for name, path in pages.items():
        browser.get(live_server.url + path)
        scroll_width = browser.execute_script("return document.documentElement.scrollWidth")
        if scroll_width > width:
            overflowing[name] = scroll_width
        save_full_page_screenshot(browser, name, width)
    assert overflowing == {}, f"pages wider than {width}px: {overflowing}"
