"""hkai_site/urls.py: English unprefixed, Chinese under /zh-hant/, admin, sitemap and robots.txt unprefixed."""

import pytest

from tests.page_checks import get


@pytest.mark.django_db
class TestLanguageFromTheURL:
    def test_english_has_no_prefix_of_its_own(self, client, bilingual):
        assert client.get("/en/articles/").status_code == 404

    def test_language_prefix_without_slash_redirects(self, client, bilingual):
        response = client.get("/zh-hant")
        assert response.status_code == 301
        assert response["Location"] == "/zh-hant/"

    def test_admin_sitemap_and_robots_stay_unprefixed(self, client, bilingual, editor):
        assert client.get("/zh-hant/admin/").status_code == 404
        assert client.get("/zh-hant/sitemap.xml").status_code == 404
        assert client.get("/zh-hant/robots.txt").status_code == 404
        client.force_login(editor)
        response, page = get(client, "/admin/")
        assert page.html_lang == "en"
        response, page = get(client, "/admin/articles/article/")
        assert "Fintech grows in Hong Kong" in response.content.decode()
