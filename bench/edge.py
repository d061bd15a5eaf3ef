"""The edge benchmark: `.venv/bin/python bench/edge.py` (bench/README.md).

On the benchmark database (bench/run.py loads it), with Redis and Varnish on this machine:

1. cold cost per page type, in-process: the first request after a content change (page
   cache and every per-generation value missing), the next with the page cache off
   (values cached: the render alone), each the median of COLD_REPEATS, and a page-cache hit;
2. pages through Varnish (deploy/varnish/hkai.vcl) in front of gunicorn, beside the static
   file through the same Varnish and through gunicorn (the ceilings);
3. after a typo fix in the newest article, every page type's first request, in-process,
   every page warm before: per-key invalidation keeps warm the pages not showing it;
4. a newsroom under load: readers at --connections across every page type while one
   article is published or edited every --every seconds (purging Varnish by xkey), with
   the readers' p50/p99, errors and Varnish's hit ratio.

Writes the tables into bench/RESULTS.md between the edge markers. Everything on 127.0.0.1,
every run bounded. Articles published by (3) stay in the database (titles "Newsroom bench").
"""

import argparse
import json
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
RESULTS = BENCH / "RESULTS.md"
START, END = "<!-- edge:start -->", "<!-- edge:end -->"
# Cold requests per page type (each after its own invalidation), reported by their median.
COLD_REPEATS = 5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hkai_bench")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument("--port", type=int, default=8161, help="gunicorn")
    parser.add_argument("--varnish-port", type=int, default=8162)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--newsroom-duration", type=int, default=60)
    parser.add_argument("--every", type=float, default=5.0, help="seconds between newsroom saves")
    parser.add_argument("--max-requests", type=int, default=0, help="gunicorn max_requests")
    parser.add_argument(
        "--skip", nargs="*", default=[], choices=["cold", "after-edit", "edge", "newsroom", "recycling"]
    )
    parser.add_argument("--recycling-duration", type=int, default=20)
    parser.add_argument(
        "--recycle-at",
        type=int,
        default=2000,
        help="max_requests to compare with 0 (lower it on a slow machine so that restarts happen "
        "as often as 2000 does at 2,000 req/s)",
    )
    parser.add_argument("--no-write", action="store_true")
    return parser.parse_args()


def environment(args):
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "CACHE_KEY_PREFIX": "hkai-edge-bench",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(OUT / "staticfiles"),
        "DJANGO_LOG_LEVEL": "ERROR",
        "PAGE_CACHE": "1",
        "PAGE_CACHE_PURGE_BACKEND": "pagecache.purge.VarnishPurge",
        "PAGE_CACHE_PURGE_URLS": f"http://127.0.0.1:{args.varnish_port}/",
    }


def setup_django(args):
    os.environ.update(environment(args))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def cold_costs(targets):
    """ms of the first request after a change, of a render with every value cached, and of a hit."""
    from django.test import Client, override_settings

    from pagecache.generation import invalidate_page_cache

    client = Client()
    # One request of each page first: "cold" is every cache empty as after a publish, not a
    # fresh process (URL resolver, translations, compiled templates, the search dictionary).
    for url in targets.values():
        client.get(url, headers={"host": "localhost"})
    rows = {}
    for name, url in targets.items():
        # The median of COLD_REPEATS first requests, each after its own invalidation: one
        # alone moves by tens of percent with whatever else the machine does.
        colds, warms = [], []
        for _ in range(COLD_REPEATS):
            invalidate_page_cache()
            colds.append(timed(client, url))
            with override_settings(PAGE_CACHE_ENABLED=False):
                warms.append(timed(client, url))
        client.get(url, headers={"host": "localhost"})
        hit = timed(client, url)
        cold, status, _cpu = statistics.median_low(colds)
        cold_cpu = statistics.median(cpu for _ms, _status, cpu in colds)
        warm = statistics.median(ms for ms, _status, _cpu in warms)
        rows[name] = {
            "url": url,
            "status": status,
            "cold": cold,
            "cold_cpu": cold_cpu,
            "warm": warm,
            "hit": hit[0],
        }
        print(
            f"  {name:20} {status} cold {cold:8.1f} ms (cpu {cold_cpu:6.1f})  warm {warm:7.1f} ms  hit {hit[0]:6.2f} ms"
        )
    return rows


def timed(client, url):
    """(wall ms, status, this process's CPU ms) of one request."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, headers={"host": "localhost"})
    return (time.perf_counter() - started) * 1000, response.status_code, (time.process_time() - cpu) * 1000


def after_an_edit(targets):
    """ms and X-Cache of each page type's first request after a typo fix in the newest
    article, every page warm before (in-process, one request at a time)."""
    from django.test import Client

    from articles.models import Article

    client = Client()
    for url in targets.values():
        for _ in range(2):
            client.get(url, headers={"host": "localhost"})
    article = Article.objects.published().order_by("-published_at").first()
    article.title += " (typo fixed)"
    article.save()  # autocommit: its keys are bumped at once
    rows = {}
    for name, url in targets.items():
        started = time.perf_counter()
        response = client.get(url, headers={"host": "localhost"})
        ms = (time.perf_counter() - started) * 1000
        rows[name] = {"url": url, "ms": ms, "cache": response.get("X-Cache"), "status": response.status_code}
        print(f"  {name:20} {rows[name]['cache']:5} {ms:8.1f} ms")
    return rows


def start_gunicorn(args, log):
    env = {
        **os.environ,
        **environment(args),
        "PORT": str(args.port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "GUNICORN_ACCESS_LOG": "",
        "GUNICORN_MAX_REQUESTS": str(args.max_requests),
        "GUNICORN_CMD_ARGS": "--no-control-socket",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    wait_up(args.port, process)
    return process


def start_varnish(args, workdir, log):
    (workdir / "backends.vcl").write_text(
        f'import directors;\nbackend app1 {{ .host = "127.0.0.1"; .port = "{args.port}"; }}\n'
        "sub vcl_init {\n    new app = directors.round_robin();\n    app.add_backend(app1);\n}\n"
    )
    command = [
        shutil.which("varnishd") or "/usr/sbin/varnishd",
        "-F",
        "-n",
        str(workdir / "n"),
        "-a",
        f"127.0.0.1:{args.varnish_port}",
        "-T",
        "127.0.0.1:0",
        "-f",
        str(ROOT / "deploy" / "varnish" / "hkai.vcl"),
        "-p",
        f"vcl_path={workdir}:{ROOT / 'deploy' / 'varnish'}",
        "-s",
        "malloc,256m",
        *(["-j", "none"] if os.geteuid() == 0 else []),
    ]
    process = subprocess.Popen(command, stdout=log, stderr=log)
    wait_up(args.varnish_port, process)
    return process


def wait_up(port, process, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            sys.exit(f"a server exited ({process.args[0]}); see bench/out/edge-*.log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"port {port} did not come up")


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wrk(args, url, script="report.lua", duration=None, env=None):
    duration = duration or args.duration
    command = ["wrk", "-t1", f"-c{args.connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(BENCH / script), url]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, env={**os.environ, **(env or {})}
    ).stdout
    line = next((out for out in output.splitlines() if out.startswith("{")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no report for {url}:\n{output}")
    return json.loads(line)


def varnish_counters(workdir):
    output = subprocess.run(
        ["varnishstat", "-n", str(workdir / "n"), "-1", "-j"], capture_output=True, text=True
    ).stdout
    data = json.loads(output)
    counters = data.get("counters", data)
    # Besides lookups: grace hits (stale served while refreshed), requests parked on the
    # waiting list for an object being fetched (busy_sleep), background and failed fetches.
    return {
        name: counters[f"MAIN.{name}"]["value"]
        for name in (
            "cache_hit",
            "cache_miss",
            "cache_hitpass",
            "cache_hitmiss",
            "cache_hit_grace",
            "busy_sleep",
            "bgfetch",
            "fetch_failed",
            "backend_fail",
        )
        if f"MAIN.{name}" in counters
    }


def through_edge(args, targets, static_url):
    rows = {}
    for name, url in {**targets, "static_ceiling": static_url}.items():
        for _ in range(3):
            urllib.request.urlopen(f"http://127.0.0.1:{args.varnish_port}{url}", timeout=30).read()
        rows[name] = wrk(args, f"http://127.0.0.1:{args.varnish_port}{url}")
        print(
            f"  varnish {name:20} {rows[name]['rps']:8.0f} req/s  p50 {rows[name]['p50']:6.2f}  p99 {rows[name]['p99']:6.2f} ms"
        )
    direct = wrk(args, f"http://127.0.0.1:{args.port}{static_url}")
    print(f"  gunicorn static_ceiling {direct['rps']:8.0f} req/s  p99 {direct['p99']:6.2f} ms")
    rows["static_ceiling_gunicorn"] = direct
    return rows


def newsroom_paths(targets):
    from django.urls import reverse

    from articles.models import Article, Section, Topic

    paths = list(targets.values())
    published = Article.objects.published().order_by("-published_at")
    paths += [a.get_absolute_url() for a in published[:60]]
    paths += [t.get_absolute_url() for t in Topic.objects.in_use().order_by("-num_articles")[:20]]
    paths += [s.get_absolute_url() for s in Section.objects.all()]
    paths += [reverse("reader:article_list") + f"?page={n}" for n in range(2, 12)]
    return paths


def newsroom_writer(stop_event, every, log):
    """Publish a new article or edit a recent one's title every `every` seconds, alternately."""
    from django.db import close_old_connections, transaction

    from articles.models import Article, Section, Topic

    sections = list(Section.objects.all())
    topics = list(Topic.objects.in_use().order_by("-num_articles")[:50])
    n = 0
    while not stop_event.wait(every):
        n += 1
        started = time.perf_counter()
        # Each save in one transaction, as the admin's: its purges go out after the commit.
        if n % 2:
            with transaction.atomic():
                article = Article.objects.create(
                    title=f"Newsroom bench {time.time():.0f}-{n}",
                    body="A newsroom benchmark article.",
                    section=random.choice(sections),
                    status=Article.Status.PUBLISHED,
                )
                article.topics.add(*random.sample(topics, 3))
            log.append(("publish", article.pk, (time.perf_counter() - started) * 1000))
        else:
            with transaction.atomic():
                article = Article.objects.published().order_by("-published_at").first()
                article.title = article.title + " (updated)"
                article.save()
            log.append(("edit", article.pk, (time.perf_counter() - started) * 1000))
        close_old_connections()


def newsroom(args, targets, workdir):
    paths = newsroom_paths(targets)
    paths_file = OUT / "newsroom-paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    for path in paths:  # warm Varnish: the steady state of a site
        urllib.request.urlopen(f"http://127.0.0.1:{args.varnish_port}{path}", timeout=60).read()
    before = varnish_counters(workdir)
    stop_event, log = threading.Event(), []
    writer = threading.Thread(target=newsroom_writer, args=(stop_event, args.every, log), daemon=True)
    writer.start()
    result = wrk(
        args,
        f"http://127.0.0.1:{args.varnish_port}/",
        script="newsroom.lua",
        duration=args.newsroom_duration,
        env={"WRK_PATHS": str(paths_file)},
    )
    stop_event.set()
    writer.join()
    after = varnish_counters(workdir)
    delta = {k: after[k] - before[k] for k in after}
    lookups = delta["cache_hit"] + delta["cache_miss"] + delta["cache_hitpass"] + delta["cache_hitmiss"]
    result["hit_ratio"] = delta["cache_hit"] / lookups if lookups else 0.0
    result["varnish"] = delta
    result["saves"] = log
    result["distinct_paths"] = len(paths)
    print(
        f"  newsroom: {result['rps']:.0f} req/s p50 {result['p50']:.2f} p99 {result['p99']:.2f} ms, "
        f"errors {result['errors']}, hit ratio {result['hit_ratio']:.3f}, {len(log)} saves"
    )
    print("  varnish: " + ", ".join(f"{name} {value}" for name, value in delta.items()))
    print("  saves (ms): " + ", ".join(f"{kind} {ms:.0f}" for kind, _pk, ms in log))
    return result


def recycling(args, targets):
    """p99 of page-cache hits straight from gunicorn, workers recycled (--recycle-at, 2000 the
    former default) or not (0): what a restart under load costs."""
    rows = {}
    for max_requests in (args.recycle_at, 0):
        log = open(OUT / f"edge-recycling-{max_requests}.log", "w")
        app = start_gunicorn(argparse.Namespace(**{**vars(args), "max_requests": max_requests}), log)
        try:
            url = f"http://127.0.0.1:{args.port}{targets['article']}"
            for _ in range(args.workers + 1):
                urllib.request.urlopen(url, timeout=30).read()
            rows[max_requests] = wrk(args, url, duration=args.recycling_duration)
        finally:
            stop(app)
        # Booted at start: --workers; every further boot is a restart.
        restarts = (OUT / f"edge-recycling-{max_requests}.log").read_text().count(
            "Booting worker"
        ) - args.workers
        rows[max_requests]["worker_boots"] = restarts
        r = rows[max_requests]
        print(
            f"  max_requests {max_requests:5}: {r['rps']:.0f} req/s p50 {r['p50']:.2f} p99 {r['p99']:.2f} ms, {restarts} worker restarts"
        )
    return rows


def render(args, info, cold, edge, room, recycled=None, edited=None):
    out = [START, "", f"Generated by `bench/edge.py` on {time.strftime('%Y-%m-%d %H:%M %Z')}.", ""]
    out.append("Machine: " + ", ".join(f"{k} {v}" for k, v in info.items()) + ".")
    if float(info.get("load average before", "0").split()[0]) > 1.5:
        out.append(
            "**The machine was busy before this run (load average above): every number moves by tens "
            "of percent between runs.**"
        )
    if cold:
        out += [
            "",
            "Cold cost per page type, in-process (ms; one request at a time; 100,000 articles, PostgreSQL, Redis):",
            "",
            f"| page | first request after a change (median of {COLD_REPEATS}) | its CPU time (this process) | page cache off, values cached | page-cache hit |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, row in cold.items():
            out.append(
                f"| {name} `{row['url'][:50]}` | {row['cold']:.1f} | {row['cold_cpu']:.1f} | {row['warm']:.1f} | "
                f"{row['hit']:.2f} |"
            )
    if edited:
        out += [
            "",
            "After a typo fix in the newest article, each page type's first request, in-process (ms; every "
            "page warm before; X-Cache: the app's page cache):",
            "",
            "| page | X-Cache | ms |",
            "|---|---|---:|",
        ]
        for name, row in edited.items():
            out.append(f"| {name} `{row['url'][:50]}` | {row['cache']} | {row['ms']:.1f} |")
    if edge:
        out += [
            "",
            f"Through Varnish (wrk 1 thread, {args.connections} connections, {args.duration} s; gunicorn "
            f"{args.workers} workers behind it):",
            "",
            "| page | req/s | p50 | p99 | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for name, row in edge.items():
            out.append(
                f"| {name} | {row['rps']:,.0f} | {row['p50']:.2f} | {row['p99']:.2f} | {row['errors']} |"
            )
    if room:
        saves = room["saves"]
        out += [
            "",
            f"Newsroom: readers at {args.connections} connections over {room['distinct_paths']} addresses of every "
            f"page type, through Varnish, for {args.newsroom_duration} s, while an article was published or "
            f"edited every {args.every:g} s ({len(saves)} saves, each purging its keys):",
            "",
            f"- readers: {room['rps']:,.0f} req/s, p50 {room['p50']:.2f} ms, p95 {room['p95']:.2f} ms, "
            f"p99 {room['p99']:.2f} ms, errors {room['errors']}",
            "- the editor's saves (ms, in this process, recounts and purges included): "
            + ", ".join(f"{kind} {ms:,.0f}" for kind, _pk, ms in saves),
            f"- Varnish hit ratio {room['hit_ratio']:.1%} ("
            + ", ".join(f"{name} {value:,}" for name, value in room.get("varnish", {}).items())
            + ")",
            f"- targets: p99 < 50 ms {'PASS' if room['p99'] < 50 else 'FAIL'}; zero errors "
            f"{'PASS' if room['errors'] == 0 else 'FAIL'}; hit ratio > 90% "
            f"{'PASS' if room['hit_ratio'] > 0.9 else 'FAIL'}",
        ]
    if recycled:
        out += [
            "",
            f"gunicorn worker recycling: page-cache hits of the article page straight from gunicorn "
            f"({args.workers} workers, {args.connections} connections, {args.recycling_duration} s):",
            "",
            "| max_requests | req/s | p50 | p99 | worker restarts |",
            "|---:|---:|---:|---:|---:|",
        ]
        for max_requests, r in recycled.items():
            out.append(
                f"| {max_requests} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['worker_boots']} |"
            )
    out += ["", END]
    return "\n".join(out)


def write(report):
    text = RESULTS.read_text()
    if START not in text:
        text += f"\n## Edge (issue 12)\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    RESULTS.write_text(head + report + rest.split(END, 1)[1])


def main():
    args = parse_args()
    OUT.mkdir(exist_ok=True)
    setup_django(args)
    from django.core.management import call_command

    from bench.run import machine
    from bench.targets import pick_targets

    load_before = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    targets = pick_targets()
    targets.pop("_objects")
    static_dir = OUT / "static" / "bench"
    static_dir.mkdir(parents=True, exist_ok=True)
    (static_dir / "ceiling.html").write_text(("<p>" + "x" * 76 + "</p>\n") * 240)
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.conf import settings

    manifest = json.loads((OUT / "staticfiles" / "staticfiles.json").read_text())
    static_url = settings.STATIC_URL + manifest["paths"]["bench/ceiling.html"]
    cold = None if "cold" in args.skip else cold_costs(targets)
    edited = None if "after-edit" in args.skip else after_an_edit(targets)
    edge = room = None
    if not {"edge", "newsroom"} <= set(args.skip):
        workdir = Path(tempfile.mkdtemp(prefix="hkai-edge-bench-"))
        log = open(OUT / "edge-servers.log", "w")
        app = start_gunicorn(args, log)
        varnish = start_varnish(args, workdir, log)
        try:
            if "edge" not in args.skip:
                edge = through_edge(args, targets, static_url)
            if "newsroom" not in args.skip:
                room = newsroom(args, targets, workdir)
        finally:
            stop(varnish)
            stop(app)
            shutil.rmtree(workdir, ignore_errors=True)
    recycled = None if "recycling" in args.skip else recycling(args, targets)
    from django.db import connection

    versions = {
        "postgresql": connection.cursor().connection.info.server_version,
        "django": __import__("django").get_version(),
    }
    info = machine(versions, load_before)
    (OUT / "edge.json").write_text(
        json.dumps(
            {
                "cold": cold,
                "after_edit": edited,
                "edge": edge,
                "newsroom": room,
                "recycling": recycled,
                "machine": info,
            },
            indent=2,
        )
    )
    report = render(args, info, cold, edge, room, recycled, edited)
    print(report)
    if not args.no_write:
        write(report)


if __name__ == "__main__":
    main()
