"""Latency of a text search and of a suggestion at scale (PostgreSQL, e.g. the 100,000-
article benchmark copy): each query of the relevance set and a few common English words,
through the whole view (Django's test client), page and fragment caches off, so every
request is a cold search: no cached page, count or facets. Read only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hkai_bench_NAME DJANGO_SECRET_KEY=... \
        DJANGO_DEBUG=0 DJANGO_STATIC_ROOT=/tmp/static .venv/bin/python bench/search_latency.py

(collectstatic into DJANGO_STATIC_ROOT first.) Prints p50, p95 and max, with the load
average, as bench/RESULTS.md reports them.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hkai_site.settings")
os.environ["PAGE_CACHE"] = "0"
os.environ["FRAGMENT_CACHE"] = "0"
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SEARCH_SUGGEST_RATE_LIMIT", "0")

import django

django.setup()

from django.test import Client, override_settings

from search.tests.relevance import QUERIES

WORDS = ["privacy", "AI", "fintech regulation", "smart city", "quantum", "香港AI", "数码港", "人工智能"]
PREFIXES = ["f", "fin", "cyber", "香", "数码", "數碼港", "smart", "hong kong", "ai", "私"]


def timed(client, path, params):
    start = time.perf_counter()
    response = client.get(path, params, HTTP_HOST="127.0.0.1", secure=True)
    assert response.status_code == 200, (path, params, response.status_code)
    return (time.perf_counter() - start) * 1000


def report(name, times):
    times = sorted(times)
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"{name}: n={len(times)} p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, max {times[-1]:.0f} ms"
    )


def main():
    client = Client()
    timed(client, "/search/", {"q": "warm up"})  # the process's first request: imports, dictionary
    print("load average before:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    searches = []
    for q, language in [*((w, "en") for w in WORDS), *((query.q, query.language) for query in QUERIES)]:
        prefix = "/zh-hant" if language == "zh-hant" else ""
        searches.append(timed(client, f"{prefix}/search/", {"q": q}))
    report("search (cold: no page, count or facet cache)", searches)
    with override_settings(FRAGMENT_CACHE_ENABLED=True):
        suggestions = [timed(client, "/search/suggest/", {"q": p}) for p in PREFIXES for _ in range(3)]
    report("suggest (names cached per generation, as in production)", suggestions)
    print("load average after:", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
