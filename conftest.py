"""Fixtures and small factories shared by every test module: the apps' tests (<app>/tests/) and
the cross-cutting ones (tests/). At the root so that pytest gives them to every folder."""

import itertools
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone, translation

from articles.models import Article, Author, Organisation, Section, Topic
from articles.roles import EDITORS, WRITERS, ensure_roles
from tests.bilingual import bilingual  # noqa: F401  (a fixture: pytest finds it here)

_sequence = itertools.count(1)


@pytest.fixture
def section(db):
    return Section.objects.create(name="Government Initiatives", slug="government-initiatives")


@pytest.fixture
def make_article(db, section):
    """Create an article; published now unless told otherwise.

    make_article(status="draft"), make_article(published_at=future) for scheduled,
    topics=[...], organisations=[...], authors=[...].
    """

    def make(**kwargs):
        n = next(_sequence)
        topics = kwargs.pop("topics", [])
        organisations = kwargs.pop("organisations", [])
        authors = kwargs.pop("authors", [])
        kwargs.setdefault("title", f"Article {n}")
        kwargs.setdefault("slug", f"article-{n}")
        kwargs.setdefault("body", f"Body of article {n}.")
        kwargs.setdefault("section", section)
        kwargs.setdefault("status", Article.Status.PUBLISHED)
        if kwargs["status"] == Article.Status.PUBLISHED:
            kwargs.setdefault("published_at", timezone.now() - timedelta(hours=n))
        article = Article.objects.create(**kwargs)
        if topics:
            article.topics.add(*topics)
        if organisations:
            article.organisations.add(*organisations)
        if authors:
            article.authors.add(*authors)
        return article

    return make


@pytest.fixture
def make_user(db, django_user_model):
    """make_user("alice", role="Writers") -> a staff user in that role, with an Author byline."""

    def make(username, role=None, password="correct horse battery staple", **extra):
        user = django_user_model.objects.create_user(
            username=username, password=password, is_staff=role is not None, **extra
        )
        if role:
            ensure_roles()  # an earlier transactional test may have flushed them
            user.groups.add(Group.objects.get(name=role))
            Author.objects.create(user=user, name=username.title(), slug=username)
        return user

    return make


@pytest.fixture
def writer(make_user):
    return make_user("writer", role=WRITERS)


@pytest.fixture
def other_writer(make_user):
    return make_user("otherwriter", role=WRITERS)


@pytest.fixture
def editor(make_user):
    return make_user("editor", role=EDITORS)


@pytest.fixture
def organisation(db):
    return Organisation.objects.create(name="ASTRI", kind=Organisation.Kind.RESEARCH)


@pytest.fixture
def topic(db):
    return Topic.objects.create(name="fintech")


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The Chinese catalogue compiled from the .po, as `make test` does, so that a plain
    `pytest` after editing the .po tests the edit (before any test loads the catalogue)."""
    from core.management.commands.compile_translations import (
        catalogues,
        compile_catalogue,
        is_stale,
    )

    for po_path in catalogues():
        if is_stale(po_path):
            compile_catalogue(po_path)


@pytest.fixture(autouse=True)
def english_outside_requests():
    """Each test starts and ends in English. LocaleMiddleware activates the URL's language
    for the thread and leaves it active after the response, so a request to /zh-hant/...
    would otherwise make the next reverse() in the test (or in the next test) Chinese."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit(): ...` runs the block as if its transaction committed: the tests'
    transaction never does, and the page cache is invalidated on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def own_draft(make_article, writer):
    """A draft of `writer`'s (their byline): what the newsroom and previews are tested with."""
    return make_article(
        title="My draft on HK fintech",
        status=Article.Status.DRAFT,
        created_by=writer,
        authors=[writer.author],
    )


@pytest.fixture(scope="session", autouse=True)
def renditions_encoded_once_per_picture():
    """Rendition bytes made once per session for each distinct picture: the launch content,
    loaded by many tests, draws the same six pictures each time, and resizing and encoding
    their renditions (WebP and JPEG) was most of each load. sized_and_encoded is pure (the
    same picture, widths and encoder options always give the same bytes), so every test
    still stores and serves real files; only the repeated encoding is skipped."""
    import hashlib

    from images import renditions

    compute = renditions.sized_and_encoded
    made = {}

    def sized_and_encoded(cropped):
        key = (
            hashlib.sha256(cropped.tobytes()).hexdigest(),
            cropped.size,
            cropped.mode,
            tuple(settings.IMAGE_RENDITION_WIDTHS),
            repr(renditions.SAVE_OPTIONS),
        )
        if key not in made:
            made[key] = compute(cropped)
        return made[key]

    renditions.sized_and_encoded = sized_and_encoded
    yield
    renditions.sized_and_encoded = compute
