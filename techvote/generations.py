"""Rows kept in the shared cache until they change: never a moment longer.

A signed-in page needs the member's user row and their votes on the list.
With Redis, both are kept there, so the common page runs no SQL at all;
each sits beside a generation number, and a write to the rows moves the
generation on once its transaction commits. A value is used only while it
was stored under the generation that is current now, so:

- a value read from the database before a write committed, but stored
  after the write moved the generation, is stored under the old generation
  and never used;
- every node sees a change at once: they share the generation in Redis.

One `get_many` reads the generation and the value in one round trip, and
one pipeline moves a generation on (techvote.cache's `count_up`).
Without Redis the default cache is a database table, where caching a row
would cost the query it saves, so every read goes to the database; while
Redis is away (techvote.cache) the same, and when it is back every kept
value is dropped, since the writes made meanwhile could not move it on.
"""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

# Every key of this module starts so: what forget_everything() drops.
PREFIX = "kept:"
# A generation outlives its values (which also expire, should Redis ever
# evict a generation under memory pressure and restart it from 0).
VALUE_SECONDS = 60 * 60


def kept() -> bool:
    """Whether values are kept: only in Redis, and only while it answers."""
    return bool(settings.REDIS_URL) and not getattr(caches["default"], "is_down", False)


def read_through(key: str, *, generation: str, load: Callable[[], Any]) -> Any:
    """The value under `key` if stored under the current generation, else `load()`, stored."""
    if not kept():
        return load()
    cache = caches["default"]
    key, generation = PREFIX + key, PREFIX + generation
    found = cache.get_many([generation, key])
    current = found.get(generation, 0)
    stored = found.get(key)
    if stored is not None and stored[0] == current:
        return stored[1]
    value = load()
    cache.set(key, (current, value), VALUE_SECONDS)
    return value


def move_on(generation: str, *keys: str) -> None:
    """Make every value stored under `generation` stale, once the transaction commits.

    The keys named are deleted as well, so that an old value cannot come
    back should the generation itself be lost.
    """
    if kept():
        transaction.on_commit(lambda: _move_on_now(generation, keys))


def _move_on_now(generation: str, keys: tuple[str, ...]) -> None:
    caches["default"].count_up(PREFIX + generation, delete=[PREFIX + key for key in keys])


def forget_everything(client, make_key: Callable[[str], str]) -> int:
    """Delete every kept value and generation from Redis (`client`); how many keys went."""
    doomed = list(client.scan_iter(match=make_key(PREFIX + "*"), count=1_000))
    for start in range(0, len(doomed), 1_000):
        client.delete(*doomed[start : start + 1_000])
    return len(doomed)
