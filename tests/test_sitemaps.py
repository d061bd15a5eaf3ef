"""sitemap.xml and robots.txt, parsed as a crawler would."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Organisation, Section, Topic

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_entries(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {
        unquote(url.find("s:loc", NS).text): url.find("s:lastmod", NS) for url in root.findall("s:url", NS)
    }


@pytest.fixture
def content(make_article, section):
    Section.objects.create(name="Empty section", slug="empty-section")
    topic = Topic.objects.create(name="香港AI")
    organisation = Organisation.objects.create(name="ASTRI", kind="research")
    public = make_article(slug="public-one", topics=[topic], organisations=[organisation])
    make_article(slug="draft-sitemapmarker", status=Article.Status.DRAFT, topics=["draft-only-topic"])
    make_article(
        slug="scheduled-sitemapmarker",
        published_at=timezone.now() + timedelta(days=1),
        organisations=["Scheduled Only Org"],
    )
    return public


@pytest.mark.django_db
def test_sitemap_lists_published_pages_with_lastmod(client, content):
    entries = sitemap_entries(client)
    base = "http://testserver"
    pages = {
        "/",
        "/articles/",
        "/organisations/",
        "/topics/",
        "/sections/government-initiatives/",
        "/organisations/astri/",
        "/topics/香港ai/",
    }
    # Every page in English and in Chinese (/zh-hant/...); the article, written in English,
    # once at its own address (its Chinese-interface page is not a translation).
    expected = {base + path for path in pages}
    expected |= {base + "/zh-hant" + path for path in pages}
    expected |= {base + "/articles/public-one/"}
    assert set(entries) == expected
    for loc, lastmod in entries.items():
        assert lastmod is not None and lastmod.text, loc
    assert entries[base + "/articles/public-one/"].text == timezone.localdate(content.updated_at).isoformat()


@pytest.mark.django_db
def test_sitemap_leaves_out_drafts_scheduled_and_their_tags(client, content):
    body = client.get(reverse("sitemap")).content.decode()
    assert "sitemapmarker" not in body
    assert "draft-only-topic" not in body
    assert "scheduled-only-org" not in body
    assert "empty-section" not in body


@pytest.mark.django_db
def test_empty_site_has_a_valid_sitemap(client):
    entries = sitemap_entries(client)
    assert "http://testserver/" in entries


@pytest.mark.django_db
def test_robots_txt_names_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.django_db
def test_robots_txt_uses_the_request_scheme(client):
    response = client.get("/robots.txt", secure=True)
    assert "Sitemap: https://testserver/sitemap.xml" in response.content.decode()
