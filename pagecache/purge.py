"""Purging the edge: the surrogate keys a save affects go to every cache in front of the
app servers, after the transaction commits, through a small pluggable backend
(PAGE_CACHE_PURGE_BACKEND):

- `NoPurge` (default): nothing in front of the app servers, or nothing to tell.
- `VarnishPurge`: `PURGE /` with an `xkey-softpurge` (or, for withdrawn content,
  `xkey-purge`) header to each of PAGE_CACHE_PURGE_URLS (deploy/varnish/hkai.vcl).
- `FastlyPurge`: Fastly's purge-by-surrogate-key API (PAGE_CACHE_FASTLY_SERVICE_ID,
  PAGE_CACHE_FASTLY_TOKEN).

A purge that fails is retried (PAGE_CACHE_PURGE_RETRIES times, in a background thread, with
growing pauses) and logged; it never fails the editor's save. A purge that still fails
leaves the page at the edge until its s-maxage runs out: the log says which keys.
"""

import json
import logging
import threading
import time
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# Keys per request: Fastly accepts 256 per call; Varnish's header stays well under its limit.
BATCH = 200


class PurgeBackend:
    def purge(self, keys, hard=False):
        """Purge every object carrying one of `keys`; raise on failure (retried)."""
        raise NotImplementedError


class NoPurge(PurgeBackend):
    def purge(self, keys, hard=False):
        return None


class VarnishPurge(PurgeBackend):
    """xkey purges over HTTP to every Varnish (deploy/varnish/hkai.vcl accepts them from
    the addresses in its `purgers` ACL). Soft purges keep the old object for grace: the
    next reader gets it while Varnish fetches the new one, so nobody waits for a render;
    withdrawn content is purged hard (never served again)."""

    def purge(self, keys, hard=False):
        header = "xkey-purge" if hard else "xkey-softpurge"
        failures = []
        for url in settings.PAGE_CACHE_PURGE_URLS:
            request = urllib.request.Request(url, method="PURGE", headers={header: " ".join(keys)})
            try:
                with urllib.request.urlopen(request, timeout=settings.PAGE_CACHE_PURGE_TIMEOUT) as response:
                    response.read()
            except Exception as exc:
                failures.append(f"{url}: {exc}")
        if failures:
            raise RuntimeError("; ".join(failures))


class FastlyPurge(PurgeBackend):
    """Fastly's batch purge by surrogate key (set PAGE_CACHE_SURROGATE_HEADER=Surrogate-Key)."""

    api = "https://api.fastly.com"

    def purge(self, keys, hard=False):
        service = settings.PAGE_CACHE_FASTLY_SERVICE_ID
        headers = {"Fastly-Key": settings.PAGE_CACHE_FASTLY_TOKEN, "Content-Type": "application/json"}
        if not hard:
            headers["Fastly-Soft-Purge"] = "1"
        request = urllib.request.Request(
            f"{self.api}/service/{service}/purge",
            data=json.dumps({"surrogate_keys": list(keys)}).encode(),
            method="POST",
            headers=headers,
        )
        with urllib.request.urlopen(request, timeout=settings.PAGE_CACHE_PURGE_TIMEOUT) as response:
            response.read()


def backend():
    return import_string(settings.PAGE_CACHE_PURGE_BACKEND)()


def _send(purger, keys, hard, attempt):
    try:
        purger.purge(keys, hard=hard)
        return True
    except Exception as exc:
        level = logging.ERROR if attempt >= settings.PAGE_CACHE_PURGE_RETRIES else logging.WARNING
        logger.log(level, "Edge purge of %s failed (attempt %d): %s", " ".join(keys), attempt + 1, exc)
        return False


def _retry(purger, keys, hard):
    for attempt in range(1, settings.PAGE_CACHE_PURGE_RETRIES + 1):
        time.sleep(settings.PAGE_CACHE_PURGE_RETRY_DELAY * 2 ** (attempt - 1))
        if _send(purger, keys, hard, attempt):
            return


def purge_keys(keys, hard=False):
    """Purge `keys` at the edge now; on failure, retry in the background. Never raises."""
    keys = sorted(set(keys))
    if not keys:
        return
    try:
        purger = backend()
    except Exception:
        logger.exception("No edge purge backend (PAGE_CACHE_PURGE_BACKEND)")
        return
    if isinstance(purger, NoPurge):
        return
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        if not _send(purger, batch, hard, 0) and settings.PAGE_CACHE_PURGE_RETRIES:
            threading.Thread(target=_retry, args=(purger, batch, hard), daemon=True).start()
