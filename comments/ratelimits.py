"""How often a member may vote, comment, reply, report or suggest.

The limits are settings (RATE_LIMITS), per minute and per day, tighter for
accounts younger than NEW_ACCOUNT_AGE. Counters live in the cache in fixed
windows; with several server processes the cache must be shared (Redis, set
by REDIS_URL) for a limit to hold across them.
"""

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
}


def _count(key: str, window: int) -> int:
    """Add one to the counter at `key`, which expires with its window; return the new value."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # It expired between add() and incr().
        cache.set(key, 1, timeout=window)
        return 1


def check_rate_limit(user, action: str) -> None:
    """Count one `action` by `user`, or refuse it (429) if that passes a limit.

    Call it before writing anything, so a refused request stores nothing.
    """
    is_new = timezone.now() - user.date_joined < settings.NEW_ACCOUNT_AGE
    limits = settings.RATE_LIMITS[action]["new" if is_new else "established"]
    now = int(time.time())
    for window, limit in limits.items():
        seconds = WINDOWS[window]
        key = f"ratelimit:{action}:{user.pk}:{window}:{now // seconds}"
        if _count(key, seconds) > limit:
            who = "New accounts may post" if is_new else "You may post"
            raise ActionRefused(
                f"Slow down: {who} at most {limit} {NOUNS[action]} a {window}. "
                "Please try again later.",
                status=429,
            )
