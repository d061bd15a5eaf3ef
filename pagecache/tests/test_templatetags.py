"""pagecache/templatetags/pagecache.py: the {% generation_cache %} block."""

import pytest

from articles.models import Topic


@pytest.mark.django_db
def test_generation_cache_tag_renders_once_per_generation_and_key(fragment_cache, commit, make_article):
    from django.template import engines

    template = engines["django"].from_string(
        '{% load pagecache %}{% generation_cache "t" key %}{{ value }}{% endgeneration_cache %}'
    )
    assert template.render({"key": 1, "value": "first"}) == "first"
    assert template.render({"key": 1, "value": "second"}) == "first"
    assert template.render({"key": 2, "value": "other key"}) == "other key"
    with commit():
        make_article(topics=[Topic.objects.create(name="a change")])
    assert template.render({"key": 1, "value": "after a change"}) == "after a change"
