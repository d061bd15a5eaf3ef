"""Fixtures for newsroom/tests/: drafts of two writers, and a story written through the admin."""

import pytest

from articles.models import Article
from tests.admin_forms import admin_url

from .helpers import SECRET, logged_in


@pytest.fixture
def others_draft(make_article, other_writer):
    """Another writer's draft: the writer must never see it anywhere."""
    return make_article(
        title=SECRET, slug="secret-merger", status=Article.Status.DRAFT, created_by=other_writer
    )


@pytest.fixture
def story(writer, section, topic, organisation):
    """A draft written through the admin by the writer: its first revision."""
    client = logged_in(writer)
    response = client.post(
        admin_url("add"),
        {
            "title": "First title",
            "slug": "first-title",
            "standfirst": "",
            "body": "First body.",
            "language": "en",
            "section": str(section.pk),
            "topics": [str(topic.pk)],
            "organisations": [str(organisation.pk)],
            "authors": [str(writer.author.pk)],
            "new_topics": "",
            "hero": "",
        },
    )
    assert response.status_code == 302
    return Article.objects.get(slug="first-title")
