"""gunicorn settings for HKAI, read from the environment: `gunicorn -c gunicorn.conf.py`.

Sync workers: a page is CPU-bound Python (templates, ORM) with a few fast database and
Redis round trips, so a worker per request is the simplest model that uses the cores;
threads or gevent add nothing but GIL contention here. Sync workers must sit behind a
buffering proxy or load balancer (nginx, a cloud LB) that absorbs slow clients.
bench/RESULTS.md has the numbers behind the default worker count.
"""

import logging
import multiprocessing
import os

wsgi_app = "hkai_site.wsgi:application"

# HOST=0.0.0.0 in a container or behind a load balancer; loopback by default (safe).
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"]

workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"
# A request taking longer than this is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy), finish in-flight requests for up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Workers are not recycled by default: under a cached load max_requests=2000 restarted a
# worker every second or two, and each restart (a new Django process warming up) showed in
# the p99 (bench/RESULTS.md, "Edge"). GUNICORN_MAX_REQUESTS=N turns recycling on should a
# leak ever show; the jitter then keeps workers from restarting together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

# Logs to stdout/stderr, where the platform collects them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None  # "" turns it off
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Trust X-Forwarded-* only from the load balancer's addresses (comma-separated).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# No SCRIPT_NAME or PATH_INFO from request headers, even from those addresses: a client
# (or a proxy passing its headers on) could otherwise move every link of a page under a
# prefix of its choosing. A site mounted under a prefix sets FORCE_SCRIPT_NAME instead.
forwarder_headers = ""
# Headers whose names differ from another's only by "_" vs "-" are dropped, not merged.
header_map = "drop"

# The local-memory cache is per process: with several workers each would cache pages on
# its own and never hear of the others' invalidations. Without Redis, no page cache.
if not os.environ.get("REDIS_URL") and workers > 1:
    os.environ["PAGE_CACHE"] = "0"
    os.environ["FRAGMENT_CACHE"] = "0"
    logging.getLogger("gunicorn.error").warning(
        "REDIS_URL is not set and %d workers run: page and fragment caches are off "
        "(set REDIS_URL to share them between workers and servers).",
        workers,
    )
