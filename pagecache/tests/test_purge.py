"""pagecache/purge.py: purges reach every edge after the commit, failures are retried and
logged and never fail the save."""

import http.server
import threading

import pytest
from django.test import override_settings

from pagecache import purge


class Recorder(http.server.BaseHTTPRequestHandler):
    received = []
    status = 200

    def do_PURGE(self):
        Recorder.received.append((self.command, {k.lower(): v for k, v in self.headers.items()}))
        self.send_response(Recorder.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def varnish_like():
    Recorder.received, Recorder.status = [], 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/"
    with override_settings(
        PAGE_CACHE_PURGE_BACKEND="pagecache.purge.VarnishPurge",
        PAGE_CACHE_PURGE_URLS=[url, url],
        PAGE_CACHE_PURGE_RETRY_DELAY=0.01,
    ):
        yield Recorder
    server.shutdown()


def test_varnish_purges_every_edge_softly_by_default(varnish_like):
    purge.purge_keys({"a1", "latest"})
    assert [headers.get("xkey-softpurge") for _method, headers in varnish_like.received] == ["a1 latest"] * 2
    purge.purge_keys({"a1"}, hard=True)
    assert varnish_like.received[-1][1].get("xkey-purge") == "a1"


def test_a_failed_purge_is_retried_and_logged(varnish_like, caplog):
    varnish_like.status = 503
    purge.purge_keys({"a1"})
    for _ in range(200):  # the retries run in the background
        if len(varnish_like.received) >= 2 * (1 + 3):
            break
        threading.Event().wait(0.02)
    assert len(varnish_like.received) == 2 * (1 + 3)
    assert "Edge purge of a1 failed" in caplog.text


@override_settings(
    PAGE_CACHE_PURGE_BACKEND="pagecache.purge.VarnishPurge",
    PAGE_CACHE_PURGE_URLS=["http://127.0.0.1:9/"],
    PAGE_CACHE_PURGE_RETRIES=0,
)
def test_an_unreachable_edge_never_raises(caplog):
    purge.purge_keys({"a1"})
    assert "failed" in caplog.text


def test_no_backend_sends_nothing(varnish_like, settings):
    settings.PAGE_CACHE_PURGE_BACKEND = "pagecache.purge.NoPurge"
    purge.purge_keys({"a1"})
    assert varnish_like.received == []


def test_fastly_purges_by_surrogate_key(monkeypatch, settings):
    settings.PAGE_CACHE_PURGE_BACKEND = "pagecache.purge.FastlyPurge"
    settings.PAGE_CACHE_FASTLY_SERVICE_ID, settings.PAGE_CACHE_FASTLY_TOKEN = "svc", "token"
    sent = []

    class Answer:
        def __enter__(self):
            return self

        def __exit__(self, *args):
            return False

        def read(self):
            return b"{}"

    monkeypatch.setattr(
        purge.urllib.request, "urlopen", lambda request, timeout: sent.append(request) or Answer()
    )
    purge.purge_keys({"a1", "latest"})
    (request,) = sent
    assert request.full_url == "https://api.fastly.com/service/svc/purge"
    assert request.get_header("Fastly-key") == "token" and request.get_header("Fastly-soft-purge") == "1"
    assert b'"surrogate_keys": ["a1", "latest"]' in request.data
