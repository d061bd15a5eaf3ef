from datetime import timedelta
from xml.etree import ElementTree

from django.utils import timezone

from articles.models import Article

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


def test_the_news_sitemap_lists_the_last_two_days_with_their_language(client, make_article):
    recent = make_article(title="Fresh & new", published_at=timezone.now() - timedelta(hours=3))
    chinese = make_article(
        title="新聞", slug="新聞", language="zh-hant", published_at=timezone.now() - timedelta(hours=5)
    )
    make_article(title="Old", published_at=timezone.now() - timedelta(days=3))
    make_article(title="Draft", status=Article.Status.DRAFT)
    make_article(title="Scheduled", published_at=timezone.now() + timedelta(hours=1))
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    urls = root.findall("s:url", NS)
    titles = [u.find("news:news/news:title", NS).text for u in urls]
    assert titles == ["Fresh & new", "新聞"]
    languages = [u.find("news:news/news:publication/news:language", NS).text for u in urls]
    assert languages == ["en", "zh-tw"]
    locations = [u.find("s:loc", NS).text for u in urls]
    assert locations[0] == f"http://testserver{recent.url_in('en')}"
    assert locations[1].startswith("http://testserver/zh-hant/articles/")
    assert urls[0].find("news:news/news:publication/news:name", NS).text == "HKAI"
    assert urls[0].find("news:news/news:publication_date", NS).text.startswith(str(recent.published_at.year))
    assert chinese.pk


def test_robots_and_the_index_name_it(client, db):
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap-news.xml" in robots
    index = ElementTree.fromstring(client.get("/sitemap-index.xml").content)
    assert [e.text for e in index.findall("s:sitemap/s:loc", NS)] == [
        "http://testserver/sitemap.xml",
        "http://testserver/sitemap-news.xml",
    ]
