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
import subprocess
import sys
from pathlib import Path

import pytest

from bench.faults import missing_tools

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(missing_tools()), reason=f"faults under load: {missing_tools()}"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("faults")
    run = subprocess.run(
        [
            sys.executable,
            "bench/faults.py",
            "--down",
            "2",
            "--settle",
            "5",
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


def test_readers_never_get_a_500(report):
    assert {name: fault["errors_5xx_500"] for name, fault in report.items()} == dict.fromkeys(report, 0)


@pytest.mark.parametrize("fault", ["redis restart", "redis full (noeviction)"])
def test_every_page_renders_while_redis_is_down_or_full(report, fault):
    assert report[fault]["errors"] == 0, report[fault]
    assert report[fault]["requests"] > 0


@pytest.mark.parametrize("fault", ["postgresql restart", "redis restart"])
def test_normal_within_5_seconds_of_the_service_returning(report, fault):
    assert report[fault]["normal_after_seconds"] <= 5, report[fault]


# Seen once, in the PostgreSQL pass of a CI run after the edge cache merged (the SQLite pass
# of the same run kept every save): one editor's save during a Redis restart was neither
# committed nor refused with the form kept. Not yet explained; issue 15 stays open for it.
REDIS_RESTART_SAVE_LOST = pytest.mark.xfail(
    strict=False,
    reason="intermittent: a save lost during a Redis restart (issue 15, faults under load)",
)


@pytest.mark.parametrize(
    "fault",
    [
        "postgresql restart",
        pytest.param("redis restart", marks=REDIS_RESTART_SAVE_LOST),
        "redis full (noeviction)",
    ],
)
def test_no_save_is_lost(report, fault):
    assert report[fault]["saves_lost"] == 0, report[fault]
    assert report[fault]["saves"] > 0


def test_a_killed_worker_loses_at_most_its_own_request(report):
    fault = report["gunicorn worker killed"]
    assert fault["saves_lost"] <= 1 and fault["errors"] <= 1, fault
