"""Faults under load: two app servers (gunicorn) on a PRIVATE PostgreSQL and a PRIVATE Redis,
a bounded reader load and an editor saving through the admin, while Redis restarts,
PostgreSQL restarts, a gunicorn worker is killed and Redis fills to its memory limit.

Never touches the machine's shared services: it starts its own PostgreSQL cluster (initdb
into a temporary folder, run as the `postgres` user when this runs as root) on --pg-port and
its own redis-server on --redis-port (no persistence, `maxmemory` with `noeviction`, so that
"full" means writes are refused: the hardest case), and stops only those.

Prints one JSON report (and writes it to --out): per fault, the readers' requests and errors
(by status), how long after the service returned the last error was seen, and the editor's
saves: committed (302, and the revision is in the database), refused with the form kept (the
text is on the page that answered), or lost (anything else). tests/test_faults_under_load.py
runs it short and checks the targets; bench/RESULTS.md has a full run.

    .venv/bin/python bench/faults.py [--down 3] [--settle 6] [--out bench/out/faults.json]
"""

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
EDITOR_PASSWORD = "faults-under-load-" + uuid.uuid4().hex


def missing_tools():
    """What this machine lacks to run the faults (None when nothing)."""
    for tool in ("initdb", "pg_ctl", "createdb", "psql"):
        if not (PG_BIN / tool).is_file():
            return f"{PG_BIN / tool} not found (Debian: postgresql; PG_BIN names another folder)"
    if shutil.which("redis-server") is None:
        return "redis-server not found (Debian: redis-server)"
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        return "gunicorn not installed"
    return None


def as_postgres(command):
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


# --------------------------------------------------------------------------- services


class PrivatePostgres:
    def __init__(self, folder, port):
        self.data, self.port, self.log = folder / "pg", port, folder / "pg.log"
        self.socket_dir = folder / "pgsock"

    def init(self):
        self.socket_dir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        subprocess.run(
            as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync"]
            ),
            check=True,
            capture_output=True,
        )

    def start(self):
        options = f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(self.log),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode="fast"):
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            capture_output=True,
        )

    def sql(self, query):
        run = subprocess.run(
            [
                str(PG_BIN / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                "hkai",
                "-At",
                "-c",
                query,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        return run.stdout.strip()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/hkai"


class PrivateRedis:
    def __init__(self, folder, port, maxmemory):
        self.port, self.maxmemory, self.log = port, maxmemory, folder / "redis.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--maxmemory",
                self.maxmemory,
                "--maxmemory-policy",
                "noeviction",
            ],
            stdout=open(self.log, "a"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def ping(self):
        try:
            return self.client().ping()
        except Exception:
            return False

    def fill(self):
        """Write filler keys until Redis refuses writes (OOM). Returns how many."""
        import redis

        client, blob, n = self.client(), b"x" * 256 * 1024, 0
        while True:
            try:
                client.set(f"filler:{n}", blob)
            except redis.exceptions.ResponseError:
                return n
            n += 1

    def unfill(self, count):
        client = self.client()
        for start in range(0, count, 500):
            client.delete(*[f"filler:{n}" for n in range(start, min(count, start + 500))])


# --------------------------------------------------------------------------- app servers


def app_environment(pg, redis_port, static_root):
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
        "DJANGO_SETTINGS_MODULE": "hkai_site.settings",
        "DATABASE_URL": pg.url,
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "PAGE_CACHE": "1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "faults-test-only-" + uuid.uuid4().hex * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",
        "HOST": "127.0.0.1",
        "GUNICORN_ACCESS_LOG": "",
    }


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True)


def prepare_site(env):
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "load_demo_content")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_superuser('editor', 'editor@example.org', {EDITOR_PASSWORD!r})",
    )


class AppServer:
    def __init__(self, env, port, log):
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--no-control-socket"],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=open(log, "w"),
            stderr=subprocess.STDOUT,
        )

    def workers(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def wait_healthy(self, deadline=60):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn on {self.port} exited")
            try:
                if fetch(self.port, "/healthz")[0] == 200 and len(self.workers()) >= 2:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn on {self.port} did not become healthy")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port, path, timeout=10):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def fetch_with_state(port, path, timeout=10):
    """(status, body, X-Cache) of one request."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as response:
            return response.status, response.read(), response.headers.get("X-Cache")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("X-Cache")


# --------------------------------------------------------------------------- readers


CACHED_PATHS = [
    "/",
    "/articles/",
    "/topics/",
    "/organisations/",
    "/zh-hant/",
    "/zh-hant/articles/",
    "/feeds/latest/",
]


class Readers:
    """Bounded load: each thread one request at a time, a short pause between. Every 4th
    request is a search no one asked before (it needs the database: never in the cache)."""

    def __init__(self, ports, threads=3, pause=0.03):
        self.ports, self.threads, self.pause = ports, threads, pause
        self.records = []  # (time, kind "cached"/"uncached", status or error name)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = []

    def start(self, article_paths):
        paths = CACHED_PATHS + article_paths
        for index in range(self.threads):
            thread = threading.Thread(target=self._run, args=(index, paths), daemon=True)
            thread.start()
            self._workers.append(thread)

    def _run(self, index, paths):
        n = 0
        while not self._stop.is_set():
            n += 1
            port = self.ports[n % len(self.ports)]
            if n % 4 == 0:
                kind, path = "uncached", f"/search/?q=hong+kong+{index}x{n}"
            else:
                kind, path = "cached", paths[n % len(paths)]
            try:
                status, _body, x_cache = fetch_with_state(port, path)
            except Exception as error:  # connection refused/reset, timeout
                status, x_cache = type(error).__name__, None
            with self._lock:
                self.records.append((time.monotonic(), kind, status, x_cache, f"{port}{path}"))
            time.sleep(self.pause)

    def stop(self):
        self._stop.set()
        for thread in self._workers:
            thread.join(timeout=15)


# --------------------------------------------------------------------------- the editor


class FormFields(HTMLParser):
    """The fields a browser would post from the admin's article form."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.fields, self._in_form, self._textarea, self._select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "article_form":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((a["name"], a.get("value", "on")))
            elif kind not in ("file", "submit", "button", "image", "reset"):
                self.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


class Editor:
    """One editor saving one article through the admin, again and again."""

    def __init__(self, port, article_pk, pause=0.4):
        self.port, self.pk, self.pause = port, article_pk, pause
        # (when it was answered, marker, outcome: "committed?"/"kept"/"unknown", status)
        self.saves = []
        self._stop = threading.Event()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.opener.addheaders = [("Referer", f"http://127.0.0.1:{port}/admin/")]

    def _open(self, path, data=None):
        url = f"http://127.0.0.1:{self.port}{path}"
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(
            NoRedirect,
            *[h for h in self.opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor)],
        )
        opener.addheaders = self.opener.addheaders
        try:
            with opener.open(url, body, timeout=15) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self):
        status, page = self._open("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, _ = self._open(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": token,
                "username": "editor",
                "password": EDITOR_PASSWORD,
                "next": "/admin/",
            },
        )
        if status != 302:
            raise RuntimeError(f"editor login failed: {status}")

    def start(self):
        self.login()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        n = 0
        change = f"/admin/articles/article/{self.pk}/change/"
        while not self._stop.is_set():
            n += 1
            marker = f"faultsave{uuid.uuid4().hex[:10]}"
            try:
                status, page = self._open(change)
            except Exception:
                status, page = "error", ""
            if status != 200:
                # The form could not even be opened: nothing was typed, nothing to lose.
                time.sleep(self.pause)
                continue
            parser = FormFields()
            parser.feed(page)
            fields = [(k, v) for k, v in parser.fields if k != "body"]
            fields.append(("body", f"Edited under load. {marker}"))
            try:
                status, answer = self._open(change, fields)
            except Exception as error:
                status, answer = type(error).__name__, ""
            if status == 302:
                outcome = "committed?"
            elif marker in answer:
                outcome = "kept"  # refused, and the text is on the page to copy
            else:
                outcome = "unknown"
            # A save counts for the fault during which it was answered, as a reader's request
            # does: one sent just before a worker is killed, and cut off by the kill, is that
            # fault's loss, not the one before it's.
            self.saves.append((time.monotonic(), marker, outcome, status))
            time.sleep(self.pause)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=30)


# --------------------------------------------------------------------------- the run


def seen_before(readers, moment):
    return {r[4] for r in readers.records if r[0] < moment and r[2] == 200 and r[3] in ("HIT", "MISS")}


def summarise(readers, editor, pg, faults):
    def saved(marker):
        return (
            pg.sql(f"SELECT count(*) FROM reversion_version WHERE serialized_data LIKE '%{marker}%'") != "0"
        )

    save_results = []
    for answered, marker, outcome, status in editor.saves:
        if outcome in ("committed?", "unknown"):
            # A 302 must have committed; anything else that did not commit lost the text.
            outcome = "committed" if saved(marker) else "lost"
        save_results.append((answered, outcome, status))
    report = {"faults": []}
    for name, start, back, end in faults:
        window = [r for r in readers.records if start <= r[0] < end]
        errors = [r for r in window if r[2] != 200]
        after_back = [r for r in errors if r[0] >= back]
        statuses = {}
        for _t, kind, status, _state, _url in errors:
            statuses[f"{kind}:{status}"] = statuses.get(f"{kind}:{status}", 0) + 1
        saves = [s for s in save_results if start <= s[0] < end]
        report["faults"].append(
            {
                "fault": name,
                "seconds_down": round(back - start, 2),
                "requests": len(window),
                "cached_requests": sum(1 for r in window if r[1] == "cached"),
                "errors": len(errors),
                "errors_5xx_500": sum(1 for r in errors if r[2] == 500),
                "errors_by_kind": statuses,
                "cached_errors_while_down": sum(1 for r in errors if r[1] == "cached" and r[0] < back),
                # Pages that failed while down although the page cache had served them before.
                "cached_errors_of_pages_seen_before": sum(
                    1
                    for r in errors
                    if r[1] == "cached" and r[0] < back and r[4] in seen_before(readers, start)
                ),
                "stale_pages_served": sum(1 for r in window if r[3] == "STALE"),
                "normal_after_seconds": round(max(r[0] for r in after_back) - back, 2) if after_back else 0.0,
                "saves": len(saves),
                "saves_committed": sum(1 for s in saves if s[1] == "committed"),
                "saves_refused_form_kept": sum(1 for s in saves if s[1] == "kept"),
                "saves_lost": sum(1 for s in saves if s[1] == "lost"),
                "save_statuses": sorted({str(s[2]) for s in saves}),
                # What each lost save got back, and when (seconds after the fault began).
                "lost_saves": [
                    {"status": str(s[2]), "answered_after_seconds": round(s[0] - start, 2)}
                    for s in saves
                    if s[1] == "lost"
                ],
            }
        )
    report["total_saves"] = len(save_results)
    report["total_lost"] = sum(1 for s in save_results if s[1] == "lost")
    report["total_requests"] = len(readers.records)
    return report


def run(down=3.0, settle=6.0, pg_port=5544, redis_port=6390, maxmemory="48mb", log_dir=None, warm=None):
    folder = Path(tempfile.mkdtemp(prefix="hkai-faults-"))
    log_dir = Path(log_dir or folder)
    pg, redis_server = PrivatePostgres(folder, pg_port), PrivateRedis(folder, redis_port, maxmemory)
    servers, readers, editor = [], None, None
    try:
        pg.init()
        pg.start()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "-U", "postgres", "hkai"],
            check=True,
            capture_output=True,
        )
        redis_server.start()
        env = app_environment(pg, redis_port, folder / "static")
        prepare_site(env)
        article_pk = int(pg.sql("SELECT min(id) FROM articles_article"))
        article_paths = [
            f"/articles/{urllib.parse.quote(slug)}/"
            for slug in pg.sql("SELECT slug FROM articles_article WHERE status='published' LIMIT 4").split()
        ]
        servers = [AppServer(env, free_port(), log_dir / f"faults-gunicorn-{n}.log") for n in range(2)]
        for server in servers:
            server.wait_healthy()
        readers = Readers([s.port for s in servers])
        readers.start(article_paths)
        editor = Editor(servers[0].port, article_pk)
        editor.start()
        time.sleep(2 * settle if warm is None else warm)  # warm: pages enter the cache

        faults = []
        # PostgreSQL restarts (fast shutdown: open connections are cut).
        start = time.monotonic()
        pg.stop()
        time.sleep(down)
        pg.start()
        back = time.monotonic()
        time.sleep(settle)
        faults.append(("postgresql restart", start, back, time.monotonic()))

        # Redis restarts (everything in it is gone: no persistence).
        start = time.monotonic()
        redis_server.stop()
        time.sleep(down)
        redis_server.start()
        back = time.monotonic()
        time.sleep(settle)
        faults.append(("redis restart", start, back, time.monotonic()))

        # A gunicorn worker is killed (SIGKILL, mid-request maybe); the master starts another.
        start = time.monotonic()
        os.kill(servers[0].workers()[0], signal.SIGKILL)
        back = time.monotonic()
        time.sleep(settle)
        faults.append(("gunicorn worker killed", start, back, time.monotonic()))

        # Redis full: every write refused (noeviction) while reads go on.
        start = time.monotonic()
        filled = redis_server.fill()
        time.sleep(down)
        redis_server.unfill(filled)
        back = time.monotonic()
        time.sleep(settle)
        faults.append(("redis full (noeviction)", start, back, time.monotonic()))
    finally:
        if editor is not None:
            editor.stop()
        if readers is not None:
            readers.stop()
        for server in servers:
            server.stop()
    try:
        report = summarise(readers, editor, pg, faults)
        report["filler_keys"] = filled
    finally:
        redis_server.stop()
        pg.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--down", type=float, default=3.0, help="seconds each service stays down")
    parser.add_argument("--settle", type=float, default=6.0, help="seconds measured after each fault")
    parser.add_argument("--pg-port", type=int, default=5544)
    parser.add_argument("--redis-port", type=int, default=6390)
    parser.add_argument("--maxmemory", default="48mb")
    parser.add_argument(
        "--warm", type=float, default=None, help="seconds of load before the faults (2 x settle)"
    )
    parser.add_argument("--out", default=None, help="also write the JSON report here")
    parser.add_argument("--log-dir", default=str(ROOT / "bench/out"), help="where the gunicorn logs go")
    args = parser.parse_args()
    if reason := missing_tools():
        sys.exit(f"cannot run: {reason}")
    Path(args.log_dir).mkdir(parents=True, exist_ok=True)
    report = run(
        args.down, args.settle, args.pg_port, args.redis_port, args.maxmemory, args.log_dir, args.warm
    )
    text = json.dumps(report, indent=2)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
