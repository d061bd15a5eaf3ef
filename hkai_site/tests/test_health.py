"""hkai_site/health.py: GET /healthz for load balancers."""

import json
import os
import sqlite3
import subprocess
import sys
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.db.utils import OperationalError

from articles.models import Article


@pytest.mark.django_db
def test_healthy_whatever_the_host_header(client):
    # Load balancers probe each server by its address: not an allowed host.
    response = client.get("/healthz", headers={"host": "10.1.2.3:8000"})
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_unhealthy_when_the_database_does_not_answer(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


@pytest.mark.django_db
def test_other_paths_still_check_the_host(client):
    assert client.get("/", headers={"host": "10.1.2.3:8000"}).status_code == 400


def health_in_a_fresh_process(database, before=()):
    """The status and body of /healthz in a process whose database is the SQLite file
    `database`, after running the manage.py commands in `before`."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "hkai_site.test_settings",
    }
    for command in before:
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
        )
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.content.decode()]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    return tuple(json.loads(run.stdout.strip().splitlines()[-1]))


def test_a_missing_sqlite_file_is_unhealthy_and_is_not_created(tmp_path):
    database = tmp_path / "missing.sqlite3"
    assert health_in_a_fresh_process(database) == (503, "database file missing\n")
    assert not database.exists()


def test_an_empty_sqlite_database_is_unhealthy(tmp_path):
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE unrelated (x)").connection.close()
    assert health_in_a_fresh_process(database) == (503, "migrations not applied\n")


def test_a_database_missing_a_migration_is_unhealthy(tmp_path):
    database = tmp_path / "behind.sqlite3"
    status, _body = health_in_a_fresh_process(database, before=[["migrate"], ["migrate", "articles", "0007"]])
    assert status == 503


def test_a_migrated_database_is_healthy(tmp_path):
    database = tmp_path / "ready.sqlite3"
    assert health_in_a_fresh_process(database, before=[["migrate"]]) == (200, "ok\n")


@pytest.mark.django_db
def test_a_content_table_gone_is_unhealthy(client):
    with mock.patch.object(Article.objects, "only", side_effect=OperationalError("no such table")):
        assert client.get("/healthz").status_code == 503


@pytest.mark.django_db
def test_a_probe_costs_one_query_once_migrations_are_known(client, django_assert_num_queries):
    client.get("/healthz")
    with django_assert_num_queries(1):
        assert client.get("/healthz").status_code == 200
