"""articles/migrations/: they agree with the models, and each one can be undone and redone."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article, Section
from articles.roles import EDITORS, ROLE_PERMISSIONS


def test_models_and_migrations_agree(db):
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail("Models have changes without a migration:\n" + out.getvalue())


def articles_migrations():
    graph = MigrationExecutor(connection).loader.graph
    leaf = graph.leaf_nodes("articles")[0]
    return [name for app, name in graph.forwards_plan(leaf) if app == "articles"]


@pytest.mark.django_db(transaction=True)
def test_every_articles_migration_is_reversible():
    names = articles_migrations()
    assert len(names) >= 3

    call_command("migrate", "articles", "zero", verbosity=0)
    assert "articles_article" not in connection.introspection.table_names()
    assert not Group.objects.filter(name__in=ROLE_PERMISSIONS).exists()

    # Up one step at a time, then down one step at a time, then up to the end again.
    for name in names:
        call_command("migrate", "articles", name, verbosity=0)
    for previous in reversed(["zero", *names[:-1]]):
        call_command("migrate", "articles", previous, verbosity=0)
    assert "articles_article" not in connection.introspection.table_names()
    call_command("migrate", verbosity=0)

    assert "articles_article" in connection.introspection.table_names()
    assert Group.objects.get(name=EDITORS).permissions.filter(codename="publish_article").exists()
    # The schema works: the publication rule runs against the rebuilt tables.
    section = Section.objects.create(name="Research", slug="research")
    article = Article.objects.create(
        title="Back", slug="back", body="x", section=section, status=Article.Status.PUBLISHED
    )
    article.topics.add("香港AI")
    assert list(Article.objects.published()) == [article]
    assert (
        MigrationExecutor(connection).migration_plan(MigrationExecutor(connection).loader.graph.leaf_nodes())
        == []
    )


@pytest.mark.django_db(transaction=True)
def test_reading_time_migration_counts_the_articles_already_there():
    call_command("migrate", "articles", "0008_article_featured_index", verbosity=0)
    old = MigrationExecutor(connection).loader.project_state(("articles", "0008_article_featured_index")).apps
    section = old.get_model("articles", "Section").objects.create(name="Research", slug="research")
    old.get_model("articles", "Article").objects.create(
        title="Old", slug="old", body="word " * 500, body_html="", section=section, status="draft"
    )
    call_command("migrate", verbosity=0)
    assert Article.objects.get(slug="old").reading_minutes == 3


@pytest.mark.django_db(transaction=True)
def test_0010_moves_heroes_into_the_image_library(settings, tmp_path):
    from django.core.files.storage import default_storage

    from tests.pictures import image_bytes

    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("heroes/2026/11/skyline.png", io.BytesIO(image_bytes(size=(160, 90))))
    executor = MigrationExecutor(connection)
    executor.migrate([("articles", "0008_article_featured_index")])
    old = executor.loader.project_state([("articles", "0008_article_featured_index")]).apps
    OldSection, OldArticle = old.get_model("articles", "Section"), old.get_model("articles", "Article")
    section = OldSection.objects.create(name="Old", slug="old")
    common = {"body": "x", "section": section, "status": "draft"}
    OldArticle.objects.create(
        title="Pictured", slug="pictured", hero_image=name, hero_image_alt="Skyline", **common
    )
    OldArticle.objects.create(title="No alt", slug="no-alt", hero_image=name, **common)
    OldArticle.objects.create(title="Plain", slug="plain", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from images.models import Image

    pictured = Article.objects.select_related("hero").get(slug="pictured")
    assert (pictured.hero.file.name, pictured.hero.alt_text) == (name, "Skyline")
    assert (pictured.hero.width, pictured.hero.height) == (160, 90)
    assert Article.objects.get(slug="no-alt").hero.alt_text == "No alt"
    assert Article.objects.get(slug="plain").hero is None
    assert Image.objects.count() == 2
