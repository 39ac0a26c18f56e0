"""Redis as the shared cache, with the database standing in while Redis is away.

With REDIS_URL, the default cache holds sessions (read before the
database), allauth's rate-limit counters and remembered standings. If Redis
stops answering, every call goes to the "database" cache (a table) instead,
so pages keep serving, sessions come from the database, and allauth's limits
keep counting rather than lapse. One log line says so; after
RETRY_SECONDS the next call tries Redis again, and another line says when
it is back. Rows kept in Redis (techvote.generations) are dropped then:
the writes made meanwhile could not mark them stale.
"""

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

from techvote import generations

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class ReusedRedisClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool.

    Django builds a new redis.Redis for every cache call, and each one
    registers some 170 response callbacks: a vote's three cache calls
    (session, rate limit, pending count) spent more time there than in
    Redis. A redis.Redis is safe to share between threads (each command
    takes a connection from the pool), and the pool itself starts afresh in
    a forked process.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(index)
            )
        return client


class RedisWithDatabaseFallback(RedisCache):
    _down_since: float | None = None

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisClient

    def _call(self, name, *args, **kwargs):
        return self._either(
            lambda: getattr(RedisCache, name)(self, *args, **kwargs),
            lambda: getattr(caches["database"], name)(*args, **kwargs),
        )

    def count_up(self, key, *, delete=()) -> None:
        """Add one to the counter `key` (from 0 if missing; it never expires) and delete the
        keys in `delete`, in one round trip.

        Django's add() then incr() take three round trips (incr() asks whether
        the key exists first), and every vote moves a counter on.
        """

        def on_redis():
            pipeline = self._cache.get_client(write=True).pipeline(transaction=False)
            pipeline.incr(self.make_and_validate_key(key))
            if delete:
                pipeline.delete(*(self.make_and_validate_key(doomed) for doomed in delete))
            pipeline.execute()

        def on_database():
            database = caches["database"]
            database.add(key, 0, timeout=None)
            database.incr(key)
            database.delete_many(delete)

        self._either(on_redis, on_database)

    def _either(self, on_redis, on_database):
        """`on_redis()`, or `on_database()` while Redis is away."""
        if self._down_since is not None and time.monotonic() - self._down_since < RETRY_SECONDS:
            return on_database()
        try:
            result = on_redis()
        except redis.RedisError as error:
            if self._down_since is None:
                logger.error(
                    "Redis is unavailable (%s): the cache, sessions and rate limits use the "
                    "database until it is back.",
                    error,
                )
            type(self)._down_since = time.monotonic()
            return on_database()
        if self._down_since is not None:
            try:
                dropped = generations.forget_everything(
                    self._cache.get_client(write=True), self.make_key
                )
            except redis.RedisError:  # Gone again: stay on the database, drop them next time.
                type(self)._down_since = time.monotonic()
                return result
            type(self)._down_since = None
            logger.warning(
                "Redis is back: the cache uses it again (%d kept rows dropped).", dropped
            )
        return result

    @property
    def is_down(self) -> bool:
        """Whether the last call found Redis away (and the database stands in)."""
        return self._down_since is not None


def _fall_back(name):
    def method(self, *args, **kwargs):
        return self._call(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
):
    setattr(RedisWithDatabaseFallback, _name, _fall_back(_name))


class FrozenMemoryCache(LocMemCache):
    """The process's own memory, handing back the very object it was given.

    Django's local-memory cache pickles every value it stores and unpickles
    it on every read, so that a caller can change what it got without
    changing what is kept. A signed-in member's list page is a kept page of
    some 130 KB (cities/member_pages.py), and unpickling it took 0.27 ms, a
    sixth of the page's time. Values kept here are never changed by anyone: frozen
    dataclasses of strings and tuples only, which is what makes handing the
    same object to every request safe.
    """

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if not self._has_expired(key):
                return False
            self._set(key, value, timeout)
            return True

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value
