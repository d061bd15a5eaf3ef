"""hkai_site/locale.py: the language comes from the URL only; responses never vary on the browser's."""

import pytest
from django.conf import settings

from tests.page_checks import get


@pytest.mark.django_db
class TestLanguageFromTheURL:
    def test_unprefixed_url_is_english_whatever_the_browser_asks(self, client, bilingual):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
        response, page = get(client, "/articles/", HTTP_ACCEPT_LANGUAGE="zh-hant,zh;q=0.9")
        assert page.html_lang == "en"
        assert "Latest articles" in page.visible_text()
        assert "最新文章" not in page.visible_text()
        assert response["Content-Language"] == "en"

    def test_prefixed_url_is_chinese_whatever_the_browser_asks(self, client, bilingual):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response, page = get(client, "/zh-hant/articles/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.html_lang == "zh-Hant"
        assert "最新文章" in page.visible_text()
        assert response["Content-Language"] == "zh-hant"

    @pytest.mark.parametrize(
        "url",
        [
            "/",
            "/articles/",
            "/topics/",
            "/zh-hant/",
            "/zh-hant/topics/",
            "/feeds/latest/",
            "/zh-hant/feeds/latest/",
            "/sitemap.xml",
        ],
    )
    def test_no_vary_on_accept_language_or_cookie(self, client, bilingual, url):
        """One URL is one page: shared caches need not keep a copy per browser header."""
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hant")
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
        assert "accept-language" not in vary, url
        assert "cookie" not in vary, url

    def test_same_page_for_any_accept_language(self, client, bilingual):
        pages = {
            header: client.get("/articles/", HTTP_ACCEPT_LANGUAGE=header).content
            for header in ("en", "zh-hant", "zh-TW,zh;q=0.8", "")
        }
        assert len(set(pages.values())) == 1
