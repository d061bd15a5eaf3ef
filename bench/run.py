"""The load benchmark: `make bench` (or .venv/bin/python bench/run.py --help).

1. Loads --articles synthetic articles into a PostgreSQL database (created if missing,
   reused if it already holds enough).
2. Counts each page's queries in-process, and sizes a static file like an article page.
3. Starts gunicorn (bench.settings: the site plus /bench/reference/) twice: with the page
   cache on, then off (PAGE_CACHE=0), and drives a bounded load at each page with wrk
   from this machine's loopback: every run lasts --duration seconds, then stops.
4. Prints requests/s and p50/p95/p99 per page, cached and uncached, beside the static
   file (the ceiling) and the reference view (one query, ~24 KB template), checks the
   targets, and writes the table into bench/RESULTS.md between the generated markers.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"

TARGET_P95_MS = 50
TARGET_SEARCH_P95_MS = 150


def parse_args():
    parser = argparse.ArgumentParser(description="HKAI load benchmark (see bench/README.md)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hkai_bench"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"))
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8151")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("BENCH_WORKERS", "3")),
        help="gunicorn sync workers (default 3: see RESULTS.md)",
    )
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per URL (default 8)")
    parser.add_argument("--only", nargs="*", help="bench only these page names")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="re-render RESULTS.md from bench/out/latest.json without running",
    )
    return parser.parse_args()


def ensure_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def bench_env(args):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "hkai-bench",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(OUT / "staticfiles"),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def prepare(args):
    """In-process Django: migrate, load, pick URLs, count queries, size the ceiling file."""
    os.environ.update(bench_env(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from bench.targets import pick_targets
    from pagecache.generation import invalidate_page_cache

    call_command("migrate", interactive=False, verbosity=0)
    have = Article.objects.count()
    if have < args.articles:
        print(f"Loading {args.articles - have:,} articles ({have:,} there already)...")
        call_command("generate_articles", count=args.articles - have, seed=have + 1)
    else:
        print(f"Reusing {have:,} articles in {settings.DATABASES['default']['NAME']}")
    invalidate_page_cache()

    targets = pick_targets()
    targets.pop("_objects")
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only}
    plain_static = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
    pages = {}
    with override_settings(PAGE_CACHE_ENABLED=False, STORAGES=plain_static):
        for name, url in {**targets, "reference": "/bench/reference/"}.items():
            # The first request after a content change computes what is cached per content
            # generation (cold); the later ones, as in the load below, read it (warm).
            with CaptureQueriesContext(connection) as cold:
                client.get(url, headers={"host": "localhost"})
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, headers={"host": "localhost"})
            pages[name] = {
                "url": url,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(queries),
                "cold_queries": len(cold),
            }
            print(
                f"  {name:20} {url[:70]:70} HTTP {response.status_code} "
                f"{len(response.content):>8,} bytes {len(cold):>3} queries cold, {len(queries):>3} warm"
            )

    # The ceiling: a static file as large as the article page, served by whitenoise.
    static_dir = OUT / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    size = pages.get("article", {"bytes": 24_000})["bytes"]
    (static_dir / "ceiling.html").write_text(("<p>" + "x" * 76 + "</p>\n") * (size // 84 + 1))
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((OUT / "staticfiles" / "staticfiles.json").read_text())
    pages["static_ceiling"] = {
        "url": settings.STATIC_URL + manifest["paths"]["bench/ceiling.html"],
        "bytes": (size // 84 + 1) * 84,
        "queries": 0,
        "status": 200,
    }
    versions = {
        "postgresql": connection.cursor().connection.info.server_version,
        "django": django.get_version(),
    }
    return pages, versions


def start_server(args, page_cache, log_path):
    env = {
        **bench_env(args),
        "PORT": str(args.port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "PAGE_CACHE": "1" if page_cache else "0",
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_MAX_REQUESTS": "0",
        # gunicorn 25+ gives every master one control socket path per user by default
        # ($HOME/.gunicorn/gunicorn.ctl): another gunicorn on the machine could then
        # control (or stop) this one mid-run. The benchmark needs none.
        "GUNICORN_CMD_ARGS": "--no-control-socket",
    }
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", args.port)) == 0:
            sys.exit(f"Port {args.port} is busy: pass --port")
    log = open(log_path, "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"gunicorn exited; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    sys.exit(f"gunicorn did not start; see {log_path}")


def stop_server(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.headers.get("X-Cache")


def wrk(args, url):
    command = [
        "wrk",
        "-t1",
        f"-c{args.connections}",
        f"-d{args.duration}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "report.lua"),
        url,
    ]
    output = subprocess.run(command, capture_output=True, text=True, timeout=args.duration + 60).stdout
    line = next((out for out in output.splitlines() if out.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report for {url}:\n{output}")
    return json.loads(line)


def run_load(args, pages, page_cache):
    mode = "cached" if page_cache else "uncached"
    process = start_server(args, page_cache, OUT / f"gunicorn-{mode}.log")
    results = {}
    try:
        for name, page in pages.items():
            url = f"http://127.0.0.1:{args.port}{page['url']}"
            states = [fetch(url) for _ in range(args.workers + 1)]  # warm every worker
            result = wrk(args, url)
            result["x_cache"] = states[-1]
            # Requests still in flight when wrk stopped must not slow the next page's run.
            time.sleep(min(10.0, 1.0 + 2 * result["p99"] / 1000))
            results[name] = result
            print(
                f"  {mode:8} {name:20} {result['rps']:8.1f} req/s  p50 {result['p50']:7.2f}  "
                f"p95 {result['p95']:7.2f}  p99 {result['p99']:7.2f} ms  "
                f"errors {result['errors']}  X-Cache {states[-1]}"
            )
    finally:
        stop_server(process)
    return results


def machine(versions, load_before):
    cpu = next(
        (
            row.split(":", 1)[1].strip()
            for row in Path("/proc/cpuinfo").read_text().splitlines()
            if row.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    redis_version = (
        subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
        if shutil.which("redis-server")
        else "?"
    )
    import gunicorn

    pg = versions["postgresql"]
    return {
        "load average before": load_before,
        "load average after": "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "django": versions["django"],
        "gunicorn": gunicorn.__version__,
        "postgresql": f"{pg // 10000}.{pg % 10000}",
        "redis": redis_version.split(" v=")[1].split()[0] if " v=" in redis_version else redis_version,
        "wrk": wrk_version.split(" [")[0],
    }


def checks(pages, cached, uncached):
    lines = []
    for name in pages:
        if name in ("static_ceiling", "reference") or name not in uncached:
            continue
        limit = TARGET_SEARCH_P95_MS if name == "search_text" else TARGET_P95_MS
        p95 = uncached[name]["p95"]
        lines.append((p95 < limit, f"uncached {name} p95 {p95:.1f} ms < {limit} ms"))
    if "article" in uncached and "reference" in uncached:
        ratio = uncached["article"]["rps"] / uncached["reference"]["rps"]
        lines.append((ratio >= 0.5, f"uncached article {ratio:.2f}x the reference view's req/s (>= 0.5)"))
    # The ceiling is the best the static file did in either run: on a shared machine the
    # higher number is the closer one to what the machine can do (conservative for pages).
    ceiling = max(
        (r["static_ceiling"]["rps"] for r in (cached, uncached) if "static_ceiling" in r), default=None
    )
    for name in pages:
        if name in ("static_ceiling", "reference") or name not in cached or not ceiling:
            continue
        ratio = cached[name]["rps"] / ceiling
        lines.append((ratio >= 0.5, f"cached {name} {ratio:.2f}x the static ceiling's req/s (>= 0.5)"))
    return lines


def render(args, pages, cached, uncached, info, verdicts):
    out = [START, "", f"Generated by `bench/run.py` on {time.strftime('%Y-%m-%d %H:%M %Z')}.", ""]
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".")
    out.append(
        f"Load: wrk, 1 thread, {args.connections} connections, {args.duration} s per URL, "
        f"from the same machine; gunicorn {args.workers} sync workers; "
        f"{args.articles:,} articles in PostgreSQL; Redis cache."
    )
    out += [
        "",
        "| page | bytes | queries cold / warm | cached req/s | p50 | p95 | p99 | uncached req/s | p50 | p95 | p99 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in pages.items():
        c, u = cached.get(name), uncached.get(name)
        queries = (
            f"{page['cold_queries']} / {page['queries']}" if "cold_queries" in page else str(page["queries"])
        )
        cells = [f"{name} `{page['url'][:60]}`", f"{page['bytes']:,}", queries]
        for r in (c, u):
            cells += (
                [f"{r['rps']:,.0f}", f"{r['p50']:.1f}", f"{r['p95']:.1f}", f"{r['p99']:.1f}"]
                if r
                else ["-"] * 4
            )
        out.append("| " + " | ".join(cells) + " |")
    out += [
        "",
        "Times in ms. Queries: the first request after a content change (cold: it computes "
        "what is cached per content generation) / every later one (warm, as under load). "
        "Uncached = page cache off; the per-generation (fragment) cache stays on, as in "
        "production on a page-cache miss. The static ceiling is an article-sized file. Targets:",
        "",
    ]
    out += [f"- {'PASS' if ok else 'FAIL'}: {text}" for ok, text in verdicts]
    out += ["", END]
    return "\n".join(out)


def main():
    args = parse_args()
    if args.report_only:
        saved = json.loads((OUT / "latest.json").read_text())
        for key in ("articles", "connections", "duration", "workers"):
            setattr(args, key, saved["args"][key])
        write_results(args, saved["pages"], saved["cached"], saved["uncached"], saved["machine"])
        return
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    OUT.mkdir(exist_ok=True)
    ensure_database(args.database_url)
    pages, versions = prepare(args)
    # The machine may be shared: say how busy it was (other work skews every number).
    load_before = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print("Load with the page cache on:")
    cached = run_load(args, pages, page_cache=True)
    print("Load with the page cache off:")
    uncached = run_load(args, pages, page_cache=False)
    info = machine(versions, load_before)
    (OUT / "latest.json").write_text(
        json.dumps(
            {"args": vars(args), "pages": pages, "cached": cached, "uncached": uncached, "machine": info},
            indent=2,
            ensure_ascii=False,
        )
    )
    write_results(args, pages, cached, uncached, info)


def write_results(args, pages, cached, uncached, info):
    verdicts = checks(pages, cached, uncached)
    for ok, text in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    report = render(args, pages, cached, uncached, info, verdicts)
    if not args.no_write:
        write_between_markers(report, START, END)


def write_between_markers(report, start, end, heading=""):
    """`report` (which begins with `start` and ends with `end`) in place of RESULTS.md's text
    between those markers; the notes around them are kept. New markers go at the end."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start not in text:
        text += f"\n{heading}{start}\n{end}\n"
    head, rest = text.split(start, 1)
    RESULTS.write_text(head + report + rest.split(end, 1)[1])
    print(f"Wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
