"""Django's Redis cache backend, minus a per-call cost.

Django 5.2's RedisCacheClient.get_client() builds a new redis.Redis object for every cache
operation; with redis-py 8 that constructor (a dict of ~170 response callbacks) cost
0.18 ms, more than the round trip itself, on every page-cache hit (bench/RESULTS.md).
A redis.Redis is safe to share between threads (its connection pool hands each command a
connection), so keep one per pool.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


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


class ReusingRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
