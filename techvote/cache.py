"""Redis as the shared cache, with the database standing in while Redis is away.

With REDIS_URL, the default cache holds sessions (read before the
database), allauth's rate-limit counters and remembered standings. If Redis
stops answering, every call goes to the "database" cache (a table) instead,
so pages keep serving, sessions come from the database, and allauth's limits
keep counting rather than lapse. One log line says so; after
RETRY_SECONDS the next call tries Redis again, and another line says when
it is back.
"""

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


class RedisWithDatabaseFallback(RedisCache):
    _down_since: float | None = None

    def _call(self, name, *args, **kwargs):
        if self._down_since is not None and time.monotonic() - self._down_since < RETRY_SECONDS:
            return getattr(caches["database"], name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except redis.RedisError as error:
            if self._down_since is None:
                logger.error(
                    "Redis is unavailable (%s): the cache, sessions and rate limits use the "
                    "database until it is back.",
                    error,
                )
            type(self)._down_since = time.monotonic()
            return getattr(caches["database"], name)(*args, **kwargs)
        if self._down_since is not None:
            logger.warning("Redis is back: the cache uses it again.")
            type(self)._down_since = None
        return result


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
