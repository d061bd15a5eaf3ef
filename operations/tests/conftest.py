"""Fixtures for operations/tests/: throwaway media and backup folders, and content to back up."""

from pathlib import Path

import pytest
from django.conf import settings

from articles.models import Article
from tests.pictures import make_image

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def isolated_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    return tmp_path


@pytest.fixture
def roles(transactional_db):
    """Transactional tests empty the database after each test, roles from the data migration
    included (serialized_rollback clashes with other transactional tests' content types)."""
    from articles.roles import ensure_roles

    ensure_roles()


@pytest.fixture
def content(roles, isolated_files, make_article, make_user):
    editor = make_user("editor", role="Editors")
    article = make_article(
        title="香港人工智能 rises",
        slug="香港人工智能",
        body="**Bold** claims.",
        topics=["fintech", "香港AI"],
        organisations=["HKSTP"],
        authors=[editor.author],
        created_by=editor,
    )
    # A library image: its file and renditions are media to back up, its row is data.
    article.hero = make_image("The harbour", size=(400, 225), name="hero.png")
    article.save()
    make_article(status=Article.Status.DRAFT, title="A draft", topics=["secret topic"])
    (Path(settings.MEDIA_ROOT) / "notes").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "notes" / "說明.txt").write_text("媒體 file")
    return article
