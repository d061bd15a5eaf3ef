"""Latency of a text search, a search by two topics and a suggestion at scale (PostgreSQL,
e.g. the 100,000-article benchmark copy): each query of the relevance set and a few common English words,
through the whole view (Django's test client), page and fragment caches off, so every
request is a cold search: no cached page, count or facets. Read only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hkai_bench_NAME DJANGO_SECRET_KEY=... \
        DJANGO_DEBUG=0 DJANGO_STATIC_ROOT=/tmp/static .venv/bin/python bench/search_latency.py \
        [--slowest N] [--queries] [--tag-pairs N]

(collectstatic into DJANGO_STATIC_ROOT first.) Then --tag-pairs searches by two topics
(default 40), each a pair that one published article carries, the articles drawn at random
(seeded): how the long tail of tag searches fares, beside the heaviest pair that
bench/edge.py measures. Prints p50, p95 and max of the wall-clock time, with the load
average, as bench/RESULTS.md reports them, and beside them the same of the Django
process's CPU time and of the database's time (each query's round trip), which a
busy machine moves less. `--slowest N` lists the N slowest requests with their query count
and database time; `--queries` adds each of their queries with its time.
"""

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.settings")
os.environ["PAGE_CACHE"] = "0"
os.environ["FRAGMENT_CACHE"] = "0"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SEARCH_SUGGEST_RATE_LIMIT", "0")

import django

django.setup()

from django.db import connection
from django.test import Client, override_settings
from django.utils.http import urlencode

from articles.models import Article
from search.tests.relevance import QUERIES

WORDS = ["privacy", "AI", "fintech regulation", "smart city", "quantum", "香港AI", "数码港", "人工智能"]
PREFIXES = ["f", "fin", "cyber", "香", "数码", "數碼港", "smart", "hong kong", "ai", "私"]


@dataclass
class Timing:
    label: str
    wall: float
    cpu: float
    queries: list = field(default_factory=list)  # (ms, sql)

    @property
    def sql(self):
        return sum(ms for ms, _sql in self.queries)


class QueryTimer:
    """Each query's round trip, through the connection's execute wrapper."""

    def __init__(self):
        self.queries = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - start) * 1000, sql))


def timed(client, path, params):
    timer = QueryTimer()
    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(timer):
        response = client.get(path, params, HTTP_HOST="127.0.0.1", secure=True)
    wall, cpu = (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000
    assert response.status_code == 200, (path, params, response.status_code)
    return Timing(f"{path}?{urlencode(params, doseq=True)}", wall, cpu, timer.queries)


def topic_pairs(count, seed=1):
    """`count` pairs of topic slugs, each two topics of one published article drawn at
    random: the combinations readers' searches by two topics can have results for."""
    rng = random.Random(seed)
    published = Article.objects.published().order_by("id")
    total = published.count()
    pairs = []
    while len(pairs) < count and total:
        slugs = sorted(published[rng.randrange(total)].topics.values_list("slug", flat=True))
        if len(slugs) >= 2:
            pairs.append(rng.sample(slugs, 2))
    return pairs


def percentiles(values):
    values = sorted(values)
    p95 = values[max(0, round(0.95 * len(values)) - 1)]
    return f"p50 {statistics.median(values):.0f} ms, p95 {p95:.0f} ms, max {values[-1]:.0f} ms"


def report(name, timings, slowest=0, queries=False):
    print(f"{name}: n={len(timings)} {percentiles([t.wall for t in timings])}")
    print(f"    process CPU {percentiles([t.cpu for t in timings])}")
    print(f"    database {percentiles([t.sql for t in timings])}")
    for timing in sorted(timings, key=lambda t: t.wall, reverse=True)[:slowest]:
        print(
            f"    {timing.wall:6.0f} ms (CPU {timing.cpu:.0f}, {len(timing.queries)} queries"
            f" {timing.sql:.0f} ms) {timing.label}"
        )
        if queries:
            for ms, sql in sorted(timing.queries, reverse=True):
                print(f"        {ms:6.1f} ms {sql[:160]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slowest", type=int, default=0, help="list the N slowest requests")
    parser.add_argument("--queries", action="store_true", help="with each of their queries")
    parser.add_argument("--tag-pairs", type=int, default=40, help="searches by two topics (0: none)")
    args = parser.parse_args()
    client = Client()
    # The process's first requests: imports, the segmenter's dictionary, which only a
    # query with Chinese loads, and the templates of a page of results, which only a search
    # that finds something compiles (each once per process, not per search). The words are
    # none of the measured ones.
    for q in ("warm up", "暖身", "Hong Kong"):
        timed(client, "/search/", {"q": q})
    print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    searches = []
    for q, language in [*((w, "en") for w in WORDS), *((query.q, query.language) for query in QUERIES)]:
        prefix = "/zh-hant" if language == "zh-hant" else ""
        searches.append(timed(client, f"{prefix}/search/", {"q": q}))
    report("search (cold: no page, count or facet cache)", searches, args.slowest, args.queries)
    if args.tag_pairs:
        pairs = [timed(client, "/search/", {"topic": pair}) for pair in topic_pairs(args.tag_pairs)]
        report("two topics (cold: no page, ids, count or facet cache)", pairs, args.slowest, args.queries)
    with override_settings(FRAGMENT_CACHE_ENABLED=True):
        suggestions = [timed(client, "/search/suggest/", {"q": p}) for p in PREFIXES for _ in range(3)]
    report("suggest (names cached per generation, as in production)", suggestions, args.slowest, args.queries)
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
