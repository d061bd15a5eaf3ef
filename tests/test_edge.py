"""Varnish (deploy/varnish/hkai.vcl) in front of two app servers, one PostgreSQL, one Redis:
a save purges exactly the pages it affects, everything else keeps being served by Varnish,
drafts and unwatched models purge nothing, a scheduled article appears at its time with no
purge and no cron, and an editor behind the same Varnish always sees fresh pages.

This test process plays a third app server (its saves purge Varnish over HTTP, as an
editor's save in the admin on any server would). Needs PostgreSQL, Redis and Varnish with
the xkey vmod (Debian: varnish, varnish-modules); skipped otherwise.
"""

import os
import shutil
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section, Topic
from articles.roles import EDITORS, ensure_roles
from pagecache import purge
from pagecache.tests.helpers import TEST_REDIS_URL

from . import servers
from .servers import fetch, free_port

ROOT = servers.ROOT
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
XKEY_VMODS = [Path("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so"), Path("/usr/lib/varnish/vmods")]
pytestmark = [pytest.mark.slow]


def from_varnish_cache(headers):
    """Served from Varnish's cache: X-Varnish carries this request's id and the stored one's."""
    return len(headers.get("X-Varnish", "").split()) == 2 and headers.get("X-Edge-Cache") == "HIT"


def wait_for(check, seconds):
    end = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > end:
            return result
        time.sleep(0.05)


def varnish_missing():
    if not Path(VARNISHD).exists():
        return "Varnish is not installed (apt-get install varnish varnish-modules)"
    if not any(path.exists() for path in XKEY_VMODS):
        return "the xkey vmod is not installed (apt-get install varnish-modules)"
    return None


class Edge(NamedTuple):
    port: int  # Varnish
    app_ports: list  # the app servers behind it, for requests that bypass Varnish


@pytest.fixture
def edge(transactional_db, tmp_path):
    """Varnish with two app servers behind it, and this process purging it."""
    if reason := varnish_missing():
        pytest.skip(reason)
    servers.skip_unless_shared_services()
    prefix = f"hkai-edge-{uuid.uuid4().hex[:8]}"
    varnish_port, app_ports = free_port(), [free_port(), free_port()]
    purge_url = f"http://127.0.0.1:{varnish_port}/"
    env = servers.app_server_env(
        prefix,
        tmp_path,
        PAGE_CACHE_PURGE_BACKEND="pagecache.purge.VarnishPurge",
        PAGE_CACHE_PURGE_URLS=purge_url,
        # The test's own key: the editor's session made here is valid there.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
    )
    vcl_dir = tmp_path / "vcl"
    vcl_dir.mkdir()
    (vcl_dir / "backends.vcl").write_text(
        "import directors;\n"
        + "".join(
            f'backend app{i} {{ .host = "127.0.0.1"; .port = "{p}"; }}\n' for i, p in enumerate(app_ports)
        )
        + "sub vcl_init {\n    new app = directors.round_robin();\n"
        + "".join(f"    app.add_backend(app{i});\n" for i in range(len(app_ports)))
        + "}\n"
    )
    varnish = [
        VARNISHD,
        "-F",
        "-n",
        str(tmp_path / "varnish-work"),
        "-a",
        f"127.0.0.1:{varnish_port}",
        "-T",
        f"127.0.0.1:{free_port()}",
        "-f",
        str(ROOT / "deploy" / "varnish" / "hkai.vcl"),
        "-p",
        f"vcl_path={vcl_dir}:{ROOT / 'deploy' / 'varnish'}",
        "-s",
        "malloc,64m",
        # No privilege separation: the test's temporary folder is private to it.
        *(["-j", "none"] if os.geteuid() == 0 else []),
    ]
    redis_cache = {"BACKEND": "hkai_site.cache_backends.ReusingRedisCache", "LOCATION": TEST_REDIS_URL}
    with servers.app_servers(env, app_ports, tmp_path, more=[("varnish", varnish)]) as processes:
        servers.wait_until_up(varnish_port, processes[-1])
        with override_settings(
            CACHES={"default": {**redis_cache, "KEY_PREFIX": prefix}},
            PAGE_CACHE_PURGE_BACKEND="pagecache.purge.VarnishPurge",
            PAGE_CACHE_PURGE_URLS=[purge_url],
            PAGE_CACHE_EDGE_SECONDS=86_400,
        ):
            yield Edge(varnish_port, app_ports)
            cache.clear()


@pytest.fixture
def purges(monkeypatch):
    """Every purge this process sends, as (keys, hard), still sent."""
    sent = []
    real = purge.purge_keys

    def record(keys, hard=False):
        sent.append((sorted(keys), hard))
        return real(keys, hard=hard)

    monkeypatch.setattr("pagecache.signals.purge_keys", record)
    return sent


def warm(port, paths):
    for path in paths:
        assert fetch(port, path)[0] == 200, path
        status, headers, _ = fetch(port, path)
        assert from_varnish_cache(headers), (path, dict(headers))


def test_a_save_refreshes_exactly_the_pages_it_affects(edge, purges):
    port = edge.port
    news = Section.objects.create(name="Government Initiatives", slug="government-initiatives")
    other = Section.objects.create(name="Research", slug="research")
    robotics = Topic.objects.create(name="robotics")
    now = timezone.now()
    unrelated = Article.objects.create(
        title="Unrelated research story", slug="unrelated", body="Body.", section=other,
        status=Article.Status.PUBLISHED, published_at=now - timedelta(days=2),
    )  # fmt: skip
    standing = Article.objects.create(
        title="Standing story", slug="standing", body="Body.", section=news,
        status=Article.Status.PUBLISHED, published_at=now - timedelta(days=1),
    )  # fmt: skip
    standing.topics.add(robotics)
    home, listing = reverse("reader:home"), reverse("reader:article_list")
    affected = [home, listing, news.get_absolute_url(), robotics.get_absolute_url()]
    unaffected = [unrelated.get_absolute_url(), other.get_absolute_url()]
    warm(port, affected + unaffected)

    # A draft, its autosave-like edits, and a save of a model nobody watches purge nothing.
    purges.clear()
    draft = Article.objects.create(title="Quiet draft", slug="quiet-draft", body="Body.", section=news)
    draft.title = "Quiet draft, second go"
    draft.save()
    draft.topics.add(robotics)
    Group.objects.create(name="Not content")
    assert purges == []
    for path in affected + unaffected:
        headers = fetch(port, path)[1]
        assert from_varnish_cache(headers), path

    # Publishing: every page it enters shows it within a second.
    draft.status = Article.Status.PUBLISHED
    draft.save()
    assert purges, "publishing purged nothing"
    for path in affected:
        assert wait_for(lambda path=path: "Quiet draft, second go" in fetch(port, path)[2], 1.0), path
    assert fetch(port, draft.get_absolute_url())[0] == 200
    # ...and every other page is still Varnish's copy, ageing.
    for path in unaffected:
        headers = fetch(port, path)[1]
        assert from_varnish_cache(headers) and int(headers["Age"]) >= 0, path

    # A typo fixed: the article's page and the lists showing its title; not the others.
    warm(port, [draft.get_absolute_url()])
    for app_port in edge.app_ports:  # each app server is its own host: its own copies
        for path in unaffected:
            assert fetch(app_port, path)[0] == 200, (app_port, path)
    purges.clear()
    draft.title = "Quiet draft, third go"
    draft.save()
    assert len(purges) == 1 and "latest" not in purges[0][0]
    assert wait_for(lambda: "Quiet draft, third go" in fetch(port, draft.get_absolute_url())[2], 1.0)
    assert wait_for(lambda: "Quiet draft, third go" in fetch(port, listing)[2], 1.0)
    for path in unaffected:
        assert from_varnish_cache(fetch(port, path)[1]), path
    # Behind Varnish, each app server's own page cache kept them too (their keys' versions
    # in the shared Redis did not change), and serves the edited page fresh.
    for app_port in edge.app_ports:
        for path in unaffected:
            assert fetch(app_port, path)[1].get("X-Cache") == "HIT", (app_port, path)
        assert "Quiet draft, third go" in fetch(app_port, draft.get_absolute_url())[2]

    # Unpublished: gone at once (a hard purge), never served stale.
    purges.clear()
    draft.status = Article.Status.DRAFT
    draft.save()
    assert any(hard and f"a{draft.pk}" in keys for keys, hard in purges)
    assert wait_for(lambda: fetch(port, draft.get_absolute_url())[0] == 404, 1.0)
    assert wait_for(lambda: "Quiet draft" not in fetch(port, listing)[2], 1.0)


def test_a_scheduled_article_appears_at_its_time(edge):
    port = edge.port
    section = Section.objects.create(name="Government Initiatives", slug="government-initiatives")
    Article.objects.create(
        title="Standing story", slug="standing", body="Body.", section=section,
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    listing = reverse("reader:article_list")
    warm(port, [listing])
    when = timezone.now() + timedelta(seconds=4)
    scheduled = Article.objects.create(
        title="Scheduled story", slug="scheduled", body="Body.", section=section,
        status=Article.Status.PUBLISHED, published_at=when,
    )  # fmt: skip
    # Not before its time, from Varnish or the app servers...
    assert wait_for(lambda: from_varnish_cache(fetch(port, listing)[1]), 2.0)
    while timezone.now() < when - timedelta(seconds=0.5):
        status, _headers, body = fetch(port, listing)
        assert "Scheduled story" not in body
        assert fetch(port, scheduled.get_absolute_url())[0] == 404
        time.sleep(0.2)
    # ...and at its time with no save, no purge and no cron.
    time.sleep(max(0.0, (when - timezone.now()).total_seconds()))
    assert wait_for(lambda: "Scheduled story" in fetch(port, listing)[2], 2.0)
    assert wait_for(lambda: fetch(port, scheduled.get_absolute_url())[0] == 200, 2.0)


def test_an_editor_behind_varnish_always_sees_fresh_pages(edge, make_user):
    port = edge.port
    ensure_roles()
    editor = make_user("editor", role=EDITORS)
    section = Section.objects.create(name="Government Initiatives", slug="government-initiatives")
    article = Article.objects.create(
        title="First headline", slug="story", body="Body.", section=section,
        status=Article.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1),
    )  # fmt: skip
    client = Client()
    client.force_login(editor)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    url = article.get_absolute_url()
    warm(port, [url])
    for _ in range(2):
        status, headers, body = fetch(port, url, cookie=cookie)
        assert status == 200 and not from_varnish_cache(headers)
        assert "private" in headers["Cache-Control"] and "xkey" not in headers
    # A change shows to the editor at once, whatever Varnish holds; a draft preview too.
    Article.objects.filter(pk=article.pk).update(title="Second headline")  # no signal, no purge
    assert "Second headline" in fetch(port, url, cookie=cookie)[2]
    assert "First headline" in fetch(port, url)[2]  # readers: Varnish's copy until a purge
    draft = Article.objects.create(title="Draft preview", slug="draft-preview", body="Body.", section=section)
    assert fetch(port, draft.get_absolute_url(), cookie=cookie)[0] == 200
    assert fetch(port, draft.get_absolute_url())[0] == 404
