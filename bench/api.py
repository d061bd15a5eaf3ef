"""The Content API benchmark: `.venv/bin/python bench/api.py` (--help), on the database that
bench/run.py loads (100,000 articles; this script loads nothing).

1. In-process: picks the API's heavy cases from the data (targets.py), counts each one's
   queries, and prints PostgreSQL's plan of each list's main query (--plans).
2. Starts gunicorn (bench.settings) with the page cache off (PAGE_CACHE=0) and drives each
   URL with wrk for --duration seconds, as bench/run.py does, with the rate limit raised out
   of the way but still counted (a Redis round trip per request, as in production).
3. Prints requests/s and p50/p95/p99, checks p95 < 30 ms, and writes the table into
   bench/RESULTS.md between its own markers (--no-write: print only).
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run  # after the path: run as a script

START, END = "<!-- bench-api:start -->", "<!-- bench-api:end -->"
TARGET_P95_MS = 30
# High enough never to answer 429 under wrk, low enough to be counted like a real limit.
RATE_LIMIT = "100000000/60"


def parse_args():
    parser = argparse.ArgumentParser(description="HKAI Content API benchmark (see bench/README.md)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hkai_bench"),
    )
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8152")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "3")))
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--only", nargs="*", help="bench only these target names")
    parser.add_argument("--plans", action="store_true", help="print EXPLAIN ANALYZE of each list query")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args()
    args.articles = None  # bench_env() and machine() of run.py do not need it
    return args


def env(args):
    return {**run.bench_env(args), "API_RATE_LIMIT": RATE_LIMIT}


def prepare(args):
    os.environ.update(env(args))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    from articles.models import Article
    from bench.targets import pick_api_targets

    call_command("migrate", interactive=False, verbosity=0)
    articles = Article.objects.count()
    targets = pick_api_targets()
    if args.only:
        targets = {name: url for name, url in targets.items() if name in args.only}
    client = Client()
    pages = {}
    with override_settings(PAGE_CACHE_ENABLED=False):
        for name, url in targets.items():
            client.get(url, headers={"host": "localhost"})  # what is cached per generation
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, headers={"host": "localhost"})
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            pages[name] = {"url": url, "bytes": len(response.content), "queries": len(queries)}
            print(f"  {name:18} {url[:80]:80} {len(response.content):>8,} bytes {len(queries):>2} queries")
            if args.plans:
                for query in queries.captured_queries:
                    if 'FROM "articles_article"' in query["sql"] and "LIMIT" in query["sql"]:
                        with connection.cursor() as cursor:
                            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                            print("\n".join("      " + row[0] for row in cursor.fetchall()))
    versions = {
        "postgresql": connection.cursor().connection.info.server_version,
        "django": django.get_version(),
    }
    return pages, versions, articles


def tree_cpu_seconds(pid):
    """CPU seconds (user and system) that process `pid` and its children (gunicorn's
    workers) have used: the app's own work per request, which the other processes on the
    machine do not inflate as they inflate wrk's times."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that just ended
        # After the command's ")": state, ppid, ... utime and stime are the 12th and 13th.
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def load(args, pages):
    """wrk at each URL against gunicorn with the page cache off (run.py's start_server)."""
    os.environ.update({"API_RATE_LIMIT": RATE_LIMIT})
    process = run.start_server(args, page_cache=False, log_path=run.OUT / "gunicorn-api.log")
    results = {}
    try:
        for name, page in pages.items():
            url = f"http://127.0.0.1:{args.port}{page['url']}"
            for _ in range(args.workers + 1):
                run.fetch(url)
            cpu_before = tree_cpu_seconds(process.pid)
            result = run.wrk(args, url)
            result["app_cpu_ms"] = (
                (tree_cpu_seconds(process.pid) - cpu_before) * 1000 / max(1, result["requests"])
            )
            time.sleep(min(10.0, 1.0 + 2 * result["p99"] / 1000))
            results[name] = result
            print(
                f"  {name:18} {result['rps']:8.1f} req/s  p50 {result['p50']:6.2f}  p95 {result['p95']:6.2f}  "
                f"p99 {result['p99']:6.2f} ms  errors {result['errors']}  app CPU {result['app_cpu_ms']:5.2f} ms/request"
            )
    finally:
        run.stop_server(process)
    return results


def render(args, pages, results, info, articles):
    out = [START, "", f"Generated by `bench/api.py` on {time.strftime('%Y-%m-%d %H:%M %Z')}.", ""]
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".")
    out.append(
        f"Load: wrk, 1 thread, {args.connections} connections, {args.duration} s per URL, from the same "
        f"machine; gunicorn {args.workers} sync workers; {articles:,} articles in PostgreSQL; page cache "
        "off; rate limit counted in Redis."
    )
    out += [
        "",
        "| request | bytes | queries | req/s | p50 | p95 | p99 | app CPU per request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in pages.items():
        r = results[name]
        out.append(
            f"| {name} `{page['url'][:90]}` | {page['bytes']:,} | {page['queries']} | {r['rps']:,.0f} | "
            f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['app_cpu_ms']:.1f} |"
        )
    out += [
        "",
        "Times in ms. App CPU: user and system CPU of gunicorn's processes during the wrk run,",
        "per request (what the other processes on the machine do not inflate). Target:",
        "",
    ]
    out += [
        f"- {'PASS' if r['p95'] < TARGET_P95_MS else 'FAIL'}: {name} p95 {r['p95']:.1f} ms < {TARGET_P95_MS} ms"
        for name, r in results.items()
    ]
    out += ["", END]
    return "\n".join(out)


def main():
    args = parse_args()
    run.OUT.mkdir(exist_ok=True)
    pages, versions, articles = prepare(args)
    load_before = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    print("Load with the page cache off:")
    results = load(args, pages)
    info = run.machine(versions, load_before)
    (run.OUT / "api.json").write_text(
        json.dumps({"pages": pages, "results": results, "machine": info}, indent=2, ensure_ascii=False)
    )
    report = render(args, pages, results, info, articles)
    print(report)
    if not args.no_write:
        run.write_between_markers(report, START, END, heading="## Content API (issue 14)\n\n")


if __name__ == "__main__":
    main()
