"""Fixtures for reader's tests (`fragment_cache` from pagecache's; `bilingual` is the root conftest's)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from articles.models import Article, Author, Organisation, Topic
from pagecache.tests.helpers import fragment_cache
from tests.pictures import make_image

from .helpers import HONG_KONG

__all__ = ["fragment_cache", "full_article", "hidden_and_public"]


@pytest.fixture
def full_article(make_article):
    author_a = Author.objects.create(name="Ada Chan", slug="ada")
    author_b = Author.objects.create(name="Ben Wong", slug="ben")
    astri = Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)
    topic = Topic.objects.create(name="香港AI")
    return make_article(
        title="ASTRI and the smart city",
        standfirst="How a research institute shapes the city.",
        body="First paragraph.\n\n## A heading\n\nSecond paragraph.",
        published_at=datetime(2026, 11, 25, 9, 30, tzinfo=HONG_KONG),
        authors=[author_a, author_b],
        organisations=[astri],
        topics=[topic],
        hero=make_image("The skyline of Victoria Harbour", size=(1600, 900)),
    )


@pytest.fixture
def hidden_and_public(make_article, section, settings):
    """A public article, plus a draft and a scheduled article that share its tags and
    carry marker words of their own (in the title, standfirst, body and tags)."""
    settings.ARTICLES_PER_PAGE = 50
    shared_topic = Topic.objects.create(name="robotics")
    shared_org = Organisation.objects.create(name="HKSTP", kind="incubator")
    public = make_article(title="Public robots", topics=[shared_topic], organisations=[shared_org])
    for status, published_at, marker in (
        (Article.Status.DRAFT, None, "zqxdraftmarker"),
        (Article.Status.PUBLISHED, timezone.now() + timedelta(days=1), "zqxschedmarker"),
    ):
        make_article(
            title=f"Secret {marker}",
            slug=f"secret-{marker}",
            standfirst=f"{marker} standfirst",
            body=f"{marker} body",
            status=status,
            published_at=published_at,
            topics=[shared_topic, f"{marker}topic"],
            organisations=[shared_org, f"{marker}org"],
        )
    return public, shared_topic, shared_org
