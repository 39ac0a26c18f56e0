"""How often a member may vote, comment, reply, report or suggest.

The limits are settings (RATE_LIMITS), per minute and per day, tighter for
accounts younger than NEW_ACCOUNT_AGE. Counters are kept in fixed windows,
where every server process shares them: in Redis when REDIS_URL is set, one
round trip; otherwise in the database (RateLimitCounter), one upsert. When
Redis is configured but does not answer, the database counts instead: a
limit is never lifted by an outage.
"""

import functools
import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from comments.exceptions import ActionRefused
from comments.models import RateLimitCounter

logger = logging.getLogger(__name__)

WINDOWS = {"minute": 60, "day": 24 * 60 * 60}
NOUNS = {
    "vote": "votes",
    "thumb": "comment votes",
    "comment": "comments",
    "reply": "replies",
    "report": "reports",
    "suggest": "suggestions",
    "ballot": "ballot saves",
    "duel": "duel answers",
}
# About one count in this many also deletes the counters whose window is over.
SWEEP_ONE_IN = 1000
# After Redis failed, count in the database this long before asking Redis again.
REDIS_RETRY_SECONDS = 5


@functools.cache
def _redis(url: str):
    import redis

    # A Redis that went away must not hold a request for long.
    return redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)


_redis_down_since: list[float] = []


def _count_in_redis(counters: list[tuple[str, int]]) -> list[int]:
    """INCR each counter, and EXPIRE a new one, in one round trip."""
    pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
    for key, window in counters:
        pipeline.incr(key)
        pipeline.expire(key, window, nx=True)
    return pipeline.execute()[::2]


def _count_in_database(counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter in one atomic upsert, on SQLite and PostgreSQL alike."""
    now = timezone.now()
    table = RateLimitCounter._meta.db_table
    rows = [
        (key, 1, connection.ops.adapt_datetimefield_value(now + timedelta(seconds=window)))
        for key, window in counters
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(rows))
            + " ON CONFLICT (key) DO UPDATE SET count = "
            f"{table}.count + 1 RETURNING key, count",
            [value for row in rows for value in row],
        )
        counts = dict(cursor.fetchall())
        if random.randrange(SWEEP_ONE_IN) == 0:
            cursor.execute(
                f"DELETE FROM {table} WHERE expires_at < %s",
                [connection.ops.adapt_datetimefield_value(now)],
            )
    return [counts[key] for key, _ in counters]


def _count(counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, window) counter, which expires with its window; return them."""
    if not settings.REDIS_URL:
        return _count_in_database(counters)
    if _redis_down_since and time.monotonic() - _redis_down_since[0] < REDIS_RETRY_SECONDS:
        return _count_in_database(counters)
    import redis

    try:
        counts = _count_in_redis(counters)
    except redis.RedisError as error:
        if not _redis_down_since:
            logger.error(
                "Redis is unavailable (%s): rate limits count in the database until it is back.",
                error,
            )
        _redis_down_since[:] = [time.monotonic()]
        return _count_in_database(counters)
    if _redis_down_since:
        logger.warning("Redis is back: rate limits count in Redis again.")
        _redis_down_since.clear()
    return counts


def check_rate_limit(user, action: str) -> None:
    """Count one `action` by `user`, or refuse it (429) if that passes a limit.

    Call it before writing anything, or after a write inside the same
    transaction (duels, ballots), so that a refused request stores nothing.
    """
    is_new = timezone.now() - user.date_joined < settings.NEW_ACCOUNT_AGE
    limits = settings.RATE_LIMITS[action]["new" if is_new else "established"]
    for window, limit, count, left in _counted(f"{action}:{user.pk}", limits):
        if count > limit:
            who = "New accounts may post" if is_new else "You may post"
            now = int(time.time())
            raise ActionRefused(
                f"Slow down: {who} at most {limit} {NOUNS[action]} a {window}. "
                f"You can go on {when_you_can_go_on(now=now, resumes=now + left)}.",
                status=429,
            )


def when_you_can_go_on(*, now: int, resumes: int) -> str:
    """When a window that ends at `resumes` (Unix seconds) lets the member go on, in words."""
    wait = max(resumes - now, 1)
    if wait < 60:
        return f"in {wait} second{'s' if wait != 1 else ''}"
    if wait < 60 * 60:
        minutes = -(-wait // 60)  # Rounded up: never sooner than said.
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    return f"at {time.strftime('%H:%M', time.gmtime(resumes))} UTC"


def _counted(who: str, limits: dict[str, int]) -> list[tuple[str, int, int, int]]:
    """Count one more for `who` ("action:member") in each window: (window, limit, count, left).

    `left` is the seconds until the window ends.
    """
    now = int(time.time())
    counters = [
        (f"techvote:ratelimit:{who}:{window}:{now // WINDOWS[window]}", WINDOWS[window])
        for window in limits
    ]
    return [
        (window, limit, count, WINDOWS[window] - now % WINDOWS[window])
        for (window, limit), count in zip(limits.items(), _count(counters), strict=True)
    ]


def count_address(address: str, action: str) -> int | None:
    """Count one `action` (API_RATE_LIMITS) from a client address: None, or seconds to wait.

    The same counters as members' limits, keyed by the address instead, for
    requests without an account (the read API).
    """
    for _window, limit, count, left in _counted(f"{action}:{address}", settings.API_RATE_LIMITS):
        if count > limit:
            return left
    return None
