import json

import pytest

from articles.models import Article


@pytest.fixture
def stories(make_article, topic, organisation, section):
    english = make_article(
        title="AT&T <b>bold</b> plan",
        standfirst="Hong Kong's plan",
        topics=[topic.name],
        organisations=[organisation.name],
    )
    chinese = make_article(title="香港計劃", slug="香港計劃", language="zh-hant", translation=english)
    make_article(title="Secret draft", status=Article.Status.DRAFT, topics=[topic.name])
    return english, chinese


def feed(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response["Content-Type"] == "application/feed+json; charset=utf-8"
    return json.loads(response.content)


def test_latest_json_feed_in_each_language(client, stories):
    english, chinese = stories
    document = feed(client, "/feeds/latest/json/")
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["language"] == "en"
    assert document["feed_url"] == "http://testserver/feeds/latest/json/"
    assert document["home_page_url"] == "http://testserver/"
    item = document["items"][0]
    # Plain text as typed; the HTML field escaped.
    assert item["title"] == "AT&T <b>bold</b> plan"
    assert item["summary"] == "Hong Kong's plan"
    assert item["content_html"] == "Hong Kong's plan"
    assert item["url"] == f"http://testserver{english.get_absolute_url()}"
    assert item["language"] == "en" and item["date_published"]
    assert [i["title"] for i in document["items"]] == ["AT&T <b>bold</b> plan"]  # each story once

    chinese_feed = feed(client, "/zh-hant/feeds/latest/json/")
    assert chinese_feed["language"] == "zh-Hant"
    assert [i["title"] for i in chinese_feed["items"]] == ["香港計劃"]
    assert chinese_feed["items"][0]["url"].startswith("http://testserver/zh-hant/articles/")


def test_section_topic_and_organisation_json_feeds(client, stories, topic, organisation, section):
    for path in (
        f"/feeds/sections/{section.slug}/json/",
        f"/feeds/topics/{topic.slug}/json/",
        f"/feeds/organisations/{organisation.slug}/json/",
        f"/zh-hant/feeds/topics/{topic.slug}/json/",
    ):
        titles = [item["title"] for item in feed(client, path)["items"]]
        assert titles and "Secret draft" not in titles, path
    assert client.get("/feeds/topics/no-such-topic/json/").status_code == 404


def test_markup_in_plain_text_fields_is_escaped_in_the_file(client, stories):
    """The title parses back as typed, but the file holds no "<" to be sniffed as markup."""
    response = client.get("/feeds/latest/json/")
    assert b"<b>" not in response.content and b"\\u003Cb\\u003E" in response.content
    assert json.loads(response.content)["items"][0]["title"] == "AT&T <b>bold</b> plan"
