"""How often a member may vote, comment, reply, report or suggest.

The limits are settings (RATE_LIMITS), per minute and per day, tighter for
accounts younger than NEW_ACCOUNT_AGE. Counters are kept in fixed windows: in
Redis when REDIS_URL is set, so that a limit holds across server processes,
otherwise in the process's cache.
"""

import functools
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from comments.exceptions import ActionRefused

WINDOWS = {"minute": 60, "day": 24 * 60 * 60}
NOUNS = {
    "vote": "votes",
    "thumb": "comment votes",
    "comment": "comments",
    "reply": "replies",
    "report": "reports",
    "suggest": "suggestions",
    "ballot": "ballot saves",
}


@functools.cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def _count(counters: list[tuple[str, int]]) -> list[int]:
    """Add one to each (key, window) counter, which expires with its window; return them.

    With Redis, one round trip for all counters (INCR, then EXPIRE on a new
    key); otherwise through the process's cache.
    """
    if settings.REDIS_URL:
        pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
        for key, window in counters:
            pipeline.incr(key)
            pipeline.expire(key, window, nx=True)
        return pipeline.execute()[::2]
    counts = []
    for key, window in counters:
        cache.add(key, 0, timeout=window)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # It expired between add() and incr().
            cache.set(key, 1, timeout=window)
            counts.append(1)
    return counts


def check_rate_limit(user, action: str) -> None:
    """Count one `action` by `user`, or refuse it (429) if that passes a limit.

    Call it before writing anything, so a refused request stores nothing.
    """
    is_new = timezone.now() - user.date_joined < settings.NEW_ACCOUNT_AGE
    limits = settings.RATE_LIMITS[action]["new" if is_new else "established"]
    now = int(time.time())
    counters = [
        (
            f"techvote:ratelimit:{action}:{user.pk}:{window}:{now // WINDOWS[window]}",
            WINDOWS[window],
        )
        for window in limits
    ]
    for (window, limit), count in zip(limits.items(), _count(counters), strict=True):
        if count > limit:
            who = "New accounts may post" if is_new else "You may post"
            raise ActionRefused(
                f"Slow down: {who} at most {limit} {NOUNS[action]} a {window}. "
                "Please try again later.",
                status=429,
            )
