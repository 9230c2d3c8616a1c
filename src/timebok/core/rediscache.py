"""Django's Redis cache backend, keeping one ``redis.Redis`` per connection pool.

Django's client makes a new ``redis.Redis`` for every cache operation, and its constructor
builds a table of about 170 response callbacks: about a tenth of a millisecond of CPU per
operation, four times per booking (rate limit, outbox sweep marker, availability generation,
booking count). A ``redis.Redis`` only wraps its pool and is safe to share between threads,
so one per pool is enough. It holds no data: nothing cached here is about a clinic.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _Client(RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = _Client
