"""Two real concurrent saves of one article on SQLite: one commits, the other gets the
edit-conflict form with its text kept (never a 500 "database is locked")."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="SQLite's locking; PostgreSQL's row lock is tested by test_forms.py",
)


def test_two_editors_saving_at_once_get_a_save_and_a_conflict(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "hkai_site.test_settings",
        "TEST_MEDIA_ROOT": str(tmp_path / "media"),
    }
    run = subprocess.run(
        [sys.executable, "-m", "newsroom.tests.concurrent_saves"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout.strip().splitlines()[-1])
    outcomes = sorted((results["first"], results["second"]), key=lambda r: r["status"])
    assert [o["status"] for o in outcomes] == [200, 302], results
    refused = outcomes[0]
    assert refused["conflict"] and refused["kept_text"], results
    assert results["version"] == 2
    assert results["saved_body"] in ("first's careful body.", "second's careful body.")
