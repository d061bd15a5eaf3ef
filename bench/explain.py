"""EXPLAIN ANALYZE every query of every benchmarked page, on the benchmark database.

    DATABASE_URL=postgres://.../hkai_bench .venv/bin/python bench/explain.py [--plans]

For each page, twice: cold (the first request after a content change, which computes
what is cached per content generation: tag counts, totals, rows, related articles) and
warm (every later request until the next change, as in the benchmark's "uncached" run,
where only the page cache is off): status, size, number of queries and their database
time, and the slowest query's plan. Also related articles and the two-tag filter written
out. Run it after loading data (bench/run.py does) and read it beside bench/RESULTS.md.
"""

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ["PAGE_CACHE"] = "0"  # measure the queries, not the cache
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
OUT = Path(__file__).resolve().parent / "out"
os.environ.setdefault("DJANGO_STATIC_ROOT", str(OUT / "staticfiles"))
(OUT / "static").mkdir(parents=True, exist_ok=True)  # bench.settings lists it in STATICFILES_DIRS

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from bench.targets import pick_targets
from pagecache.generation import invalidate_page_cache
from reader.related import related_articles

_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")


def explain(sql):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    ms = float(_EXECUTION.search(lines[-1]).group(1)) if _EXECUTION.search(lines[-1]) else 0.0
    return ms, lines


def report(name, sqls, show_plans, extra=""):
    # Reads only: a request may also write (the counts' clock catching up, articles/counts.py,
    # in its own transaction), and EXPLAIN ANALYZE would run the write again.
    timed = [(explain(sql), sql) for sql in sqls if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
    total = sum(ms for (ms, _), _ in timed)
    print(f"\n== {name}: {len(sqls)} queries, {total:.1f} ms in the database{extra}")
    for (ms, lines), sql in sorted(timed, key=lambda t: -t[0][0])[: 3 if show_plans else 1]:
        print(f"  {ms:7.1f} ms  {sql[:160]}{'...' if len(sql) > 160 else ''}")
        if show_plans or ms > 10:
            for line in lines:
                print("      " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", action="store_true", help="print the three slowest plans per page")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("explain.py needs DATABASE_URL pointing at PostgreSQL")

    if not (Path(os.environ["DJANGO_STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    targets = pick_targets()
    objects = targets.pop("_objects")
    client = Client()
    invalidate_page_cache()  # start cold: a new content generation
    for name, url in targets.items():
        for state in ("cold", "warm"):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True, headers={"host": "localhost"})
            sqls = [q["sql"] for q in queries.captured_queries]
            report(
                f"{name} ({state}) {url}",
                sqls,
                args.plans,
                f"; HTTP {response.status_code}, {len(response.content):,} bytes",
            )

    article, topic, partner = objects["article"], objects["topic"], objects["partner"]
    # The article page's related articles, as the view ranks them (bounded candidates).
    fetched = Article.objects.for_listing().get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        related_articles(fetched)
    related = queries.captured_queries[-1]["sql"]
    two_tags = Article.objects.published().filter(topics=topic).filter(topics=partner)
    checks = {
        "related articles (among the 2,000 nearest in time)": related,
        "two-topic filter, page 1": str(two_tags.order_by("-published_at", "-id")[:12].query),
        "two-topic filter, count": str(two_tags.values("pk").order_by().query).replace(
            "SELECT", "SELECT COUNT(*) FROM (SELECT", 1
        )
        + ") AS sub",
    }
    for name in checks:
        # str(query) does not quote parameters; use the cursor's own rendering instead.
        report(name, [mogrify(sql_for(name, related, two_tags))], args.plans)


def sql_for(name, related, two_tags):
    if name.startswith("related"):
        return related, None
    if "count" in name:
        sql, params = two_tags.values("pk").order_by().query.sql_with_params()
        return f"SELECT COUNT(*) FROM ({sql}) AS sub", params
    return two_tags.order_by("-published_at", "-id")[:12].query.sql_with_params()


def mogrify(sql_params):
    sql, params = sql_params
    if params is None:  # already rendered by the database driver
        return sql
    with connection.cursor() as cursor:
        return cursor.cursor.mogrify(sql, params) if hasattr(cursor.cursor, "mogrify") else sql % params


if __name__ == "__main__":
    main()
