"""Django's Redis cache backend, minus a per-call cost, and failing soft.

Django 5.2's RedisCacheClient.get_client() builds a new redis.Redis object for every cache
operation; with redis-py 8 that constructor (a dict of ~170 response callbacks) cost
0.18 ms, more than the round trip itself, on every page-cache hit (bench/RESULTS.md).
A redis.Redis is safe to share between threads (its connection pool hands each command a
connection), so keep one per pool.

Everything this site keeps in Redis can be recomputed (pages, fragments, the generation),
so a cache that does not answer is a cache that misses: FailSoftRedisCache answers reads
with "not there" and drops writes when Redis is down, restarting, or out of memory, where
Django's RedisCache raises (a 500 from anything that forgot to catch it). After a connection
failure it does not try again for RETRY_AFTER seconds (per process), so a down Redis costs
a page nothing; settings.py also gives the connections short timeouts, so a Redis that hangs
costs a page at most that. incr() still raises: the caller must know a generation bump did
not happen (pagecache.generation.invalidate_page_cache logs it).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 1.0
# One warning per this many seconds while Redis is failing: no log flood under load.
WARN_EVERY = 10.0


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def count(self, key, timeout):
        """Add one to the counter at `key`, created with a lifetime of `timeout` seconds if
        missing; its new value. One round trip (Django's add() then incr() take three)."""
        with self.get_client(key, write=True).pipeline(transaction=False) as pipe:
            pipe.set(key, 0, ex=timeout, nx=True)
            pipe.incr(key)
            return pipe.execute()[1]

    def set_and_delete(self, key, value, timeout, delete_key):
        """set(key, value, timeout) and delete(delete_key) in one round trip: a computed
        value stored and its single-flight lock released (pagecache.fragments.store_and_release)."""
        value = self._serializer.dumps(value)
        with self.get_client(key, write=True).pipeline(transaction=False) as pipe:
            if timeout == 0:
                pipe.delete(key)
            else:
                pipe.set(key, value, ex=timeout)
            pipe.delete(delete_key)
            pipe.execute()


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def set_and_delete(self, key, value, timeout=DEFAULT_TIMEOUT, delete_key=None, version=None):
        """set() and delete() in one round trip (see the client's set_and_delete())."""
        self._cache.set_and_delete(
            self.make_and_validate_key(key, version=version),
            value,
            self.get_backend_timeout(timeout),
            self.make_and_validate_key(delete_key, version=version),
        )

    def count(self, key, timeout):
        """A request counter (core/ratelimit.py) in one round trip: see the client's count()."""
        return self._cache.count(self.make_and_validate_key(key), timeout)

    def validate_key(self, key):
        # Django warns of keys memcached would refuse (over 250 characters, spaces, control
        # characters) by walking every character of every key; Redis takes any key. A page
        # or API list checks the versions of a few hundred keys per request: that walk was
        # a third of the cost of reading them (bench/RESULTS.md "Content API").
        pass


class FailSoftRedisCacheClient(ReusingRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._down_until = 0.0
        self._warned_at = 0.0
        self._lock = threading.Lock()

    def _call(self, method, fallback, *args):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args)
        except (RedisConnectionError, RedisTimeoutError) as error:
            self._down_until = time.monotonic() + RETRY_AFTER
            self._warn(method, error)
        except RedisError as error:  # e.g. OOM when full with noeviction: reads still work
            self._warn(method, error)
        return fallback

    def _warn(self, method, error):
        with self._lock:
            now = time.monotonic()
            if now - self._warned_at < WARN_EVERY:
                return
            self._warned_at = now
        logger.warning("Redis cache unavailable (%s: %s): serving without it", method, error)

    def get(self, key, default):
        return self._call("get", default, key, default)

    def get_many(self, keys):
        return self._call("get_many", {}, keys)

    def has_key(self, key):
        return self._call("has_key", False, key)

    def add(self, key, value, timeout):
        return self._call("add", False, key, value, timeout)

    def set(self, key, value, timeout):
        return self._call("set", None, key, value, timeout)

    def set_many(self, data, timeout):
        return self._call("set_many", None, data, timeout)

    def touch(self, key, timeout):
        return self._call("touch", False, key, timeout)

    def delete(self, key):
        return self._call("delete", False, key)

    def delete_many(self, keys):
        return self._call("delete_many", None, keys)

    def clear(self):
        return self._call("clear", False)

    def count(self, key, timeout):
        return self._call("count", None, key, timeout)  # None: not counted

    def set_and_delete(self, key, value, timeout, delete_key):
        return self._call("set_and_delete", None, key, value, timeout, delete_key)

    def incr(self, key, delta):
        if time.monotonic() < self._down_until:
            raise RedisConnectionError("Redis is marked down; not trying again yet")
        try:
            return super().incr(key, delta)
        except (RedisConnectionError, RedisTimeoutError):
            self._down_until = time.monotonic() + RETRY_AFTER
            raise


class FailSoftRedisCache(ReusingRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSoftRedisCacheClient
