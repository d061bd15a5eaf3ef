"""Faults under load (bench/faults.py, run short): two gunicorn app servers on a private
PostgreSQL and a private Redis, readers and an editor saving through the admin, while
PostgreSQL restarts, Redis restarts, a worker is killed and Redis fills up.

Targets: no 500 ever; with Redis down or full every page still renders; pages are normal
again within 5 s of a service returning; no editor's save lost (each one committed, or
refused with the text on the page). A SIGKILLed worker loses the one request it was
serving, which may be a save: that fault allows one. The full run's numbers are in
bench/RESULTS.md ("Faults under load").
"""

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench.faults import Editor, free_port, missing_tools

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    if reason := missing_tools():
        pytest.skip(f"faults under load: {reason}")
    if os.environ.get("FAULTS_UNDER_LOAD_RAN"):
        # .ci/run sets it for its second pass: this test starts its own PostgreSQL and Redis,
        # so the pass's DATABASE_URL changes nothing in it.
        pytest.skip("faults under load ran in this CI run's first pass (its own PostgreSQL and Redis)")
    out = tmp_path_factory.mktemp("faults")
    run = subprocess.run(
        [
            sys.executable,
            "bench/faults.py",
            "--down",
            "2",
            # Over 5 s, so that a service normal only after 5 s fails the test below.
            "--settle",
            "6",
            "--warm",
            "3",
            # Free ports: two runs at once (the CI's two database passes) must not meet.
            "--pg-port",
            str(free_port()),
            "--redis-port",
            str(free_port()),
            "--out",
            str(out / "faults.json"),
            "--log-dir",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=540,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((out / "faults.json").read_text())
    return {fault["fault"]: fault for fault in report["faults"]}


@pytest.mark.slow
def test_readers_never_get_a_500(report):
    assert {name: fault["errors_5xx_500"] for name, fault in report.items()} == dict.fromkeys(report, 0)


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["redis restart", "redis full (noeviction)"])
def test_every_page_renders_while_redis_is_down_or_full(report, fault):
    assert report[fault]["errors"] == 0, report[fault]
    assert report[fault]["requests"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["postgresql restart", "redis restart"])
def test_normal_within_5_seconds_of_the_service_returning(report, fault):
    assert report[fault]["normal_after_seconds"] <= 5, report[fault]


# A save is counted for the fault during which it was answered: one sent just before the
# worker kill and cut off by it belongs to the kill (allowed below), not to the Redis restart
# before it (the intermittent "lost save during a Redis restart" of issue 15).
@pytest.mark.slow
@pytest.mark.parametrize("fault", ["postgresql restart", "redis restart", "redis full (noeviction)"])
def test_no_save_is_lost(report, fault):
    assert report[fault]["saves_lost"] == 0, report[fault]
    assert report[fault]["saves"] > 0


@pytest.mark.slow
def test_a_killed_worker_loses_at_most_its_own_request(report):
    fault = report["gunicorn worker killed"]
    assert fault["saves_lost"] <= 1 and fault["errors"] <= 1, fault


class SlowSaveAdmin(BaseHTTPRequestHandler):
    """The admin's change form, whose save takes a while to answer."""

    form = b'<form id="article_form"><textarea name="body">old</textarea></form>'

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.form)))
        self.end_headers()
        self.wfile.write(self.form)

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.3)
        self.server.answered_at.append(time.monotonic())
        self.send_response(302)
        self.send_header("Location", "/admin/")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_the_harness_counts_a_save_when_it_is_answered():
    """A save sent before a fault and cut off by it is that fault's (the next window's), so it
    must be timed by its answer, not by when it was sent."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowSaveAdmin)
    server.answered_at = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    editor = Editor(server.server_address[1], article_pk=1, pause=0)
    editor._thread = threading.Thread(target=editor._run, daemon=True)
    editor._thread.start()
    try:
        deadline = time.monotonic() + 10
        while not editor.saves and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        editor.stop()
        server.shutdown()
    answered, _marker, outcome, status = editor.saves[0]
    assert (outcome, status) == ("committed?", 302)
    assert answered >= server.answered_at[0]
