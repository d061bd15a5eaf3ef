"""Real app servers for the cross-cutting tests (test_scale_out.py, test_edge.py): gunicorn
processes on free ports, on the test's PostgreSQL database and a shared Redis, started and
stopped in one place so both tests run the servers the same way."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

from pagecache.tests.helpers import TEST_REDIS_URL, redis_unreachable

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, cookie=None):
    """(status, headers, body) of one plain HTTP request."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until_up(port, process, path="/healthz", deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            if fetch(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


def stop(processes):
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def skip_unless_shared_services():
    """Both app servers must see the test database (PostgreSQL) and share a Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL): the app servers must see the test database")
    if reason := redis_unreachable():
        pytest.skip(reason)


def app_server_env(cache_key_prefix, tmp_path, **extra):
    """The environment of an app server on the test database and the test Redis, under
    `cache_key_prefix`; `extra` adds or overrides variables."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hkai_site.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DATABASE_CONN_MAX_AGE": "0",  # the test database is flushed after the test
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": cache_key_prefix,
        "PAGE_CACHE": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "app-server-test-only-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "WEB_CONCURRENCY": "1",
        "HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_CMD_ARGS": "--no-control-socket",
        **extra,
    }


@contextlib.contextmanager
def app_servers(env, ports, tmp_path, more=()):
    """Run one gunicorn (gunicorn.conf.py) per port with `env` until the block ends; each
    logs to tmp_path/server-<port>.log. `more`: other processes' arguments (e.g. Varnish
    in front), started after them and stopped with them; the block gets the processes."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    processes = []
    try:
        for port in ports:
            log = open(tmp_path / f"server-{port}.log", "w")  # open while the server runs
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        for name, args in more:
            log = open(tmp_path / f"{name}.log", "w")  # open while the server runs
            processes.append(subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT))
        for port, process in zip(ports, processes, strict=False):
            wait_until_up(port, process)
        yield processes
    finally:
        stop(processes)
