import json

from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

from api.renderers import page, render


def test_a_page_of_rendered_items_is_byte_for_byte_what_drf_renders():
    items = [{"id": 1, "title": "香港 AI", "body": "a\u2028b"}, {"id": 2, "title": 'say "hi"', "hero": None}]
    link = "http://testserver/api/v1/articles/?cursor=abc"
    expected = DRFJSONRenderer().render({"next": link, "results": items})
    assert page(link, [render(item) for item in items]) == expected
    assert page(None, []) == DRFJSONRenderer().render({"next": None, "results": []})


def test_the_list_and_an_article_pretty_printed_when_asked(client, make_article):
    story = make_article(title="Harbour story")
    for url in ("/api/v1/articles/", f"/api/v1/articles/{story.pk}/"):
        plain = client.get(url)
        pretty = client.get(url, HTTP_ACCEPT="application/json; indent=2")
        assert b"\n  " in pretty.content and b"\n" not in plain.content
        assert json.loads(pretty.content) == json.loads(plain.content)
