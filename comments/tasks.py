"""The queue: counting lists by the ranked methods (comments/tallies.py), and asking for it.

The web processes import this module to queue counts; only the tasks
themselves import comments.tallies, so NumPy and SciPy load in the workers
(or, without Redis, on the first count in the process), not in every web
worker.
"""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from cities.models import ContenderList

PENDING_KEY = "techvote:count-pending:{list_id}"


@shared_task
def count_list_task(contender_list_id: int) -> None:
    """Count one list; a change made from now on queues the next count."""
    from comments.tallies import count_list

    cache.delete(PENDING_KEY.format(list_id=contender_list_id))
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    if contender_list is not None:
        count_list(contender_list)


@shared_task
def count_every_list() -> None:
    """Count every list again: the schedule's safety net behind the queued counts."""
    from comments.tallies import count_list

    for contender_list in ContenderList.objects.order_by("pk"):
        count_list(contender_list)


# When this process last queued each list's count (time.monotonic()): see
# _surely_pending.
_queued_at: dict[int, float] = {}


def _surely_pending(contender_list_id: int) -> bool:
    """Whether a count this process queued for the list certainly has not started yet.

    A queued count waits RANKED_COUNT_DELAY seconds before it runs, and
    clears the pending mark only as it starts; for the first half of that
    wait the mark certainly stands (half: a worker whose clock runs a few
    seconds ahead still never starts it sooner), so asking the cache would
    only hear "already pending". On a busy list that spares nearly every
    vote, duel and ballot save a round trip.
    """
    queued = _queued_at.get(contender_list_id)
    return queued is not None and time.monotonic() - queued < settings.RANKED_COUNT_DELAY / 2


def queue_count(contender_list_id: int) -> None:
    """Count the list soon, once the current transaction commits: at most one count waits.

    The pending mark lives in the cache (shared through Redis in production)
    and the job clears it as it starts, so a change made while a count runs
    queues the next one.
    """

    def enqueue():
        if _surely_pending(contender_list_id):
            return
        key = PENDING_KEY.format(list_id=contender_list_id)
        if cache.add(key, True, timeout=settings.RANKED_COUNT_DELAY + 60 * 60):
            count_list_task.apply_async(
                (contender_list_id,), countdown=settings.RANKED_COUNT_DELAY
            )
            # An eager task (no broker: make run, the tests) has run and cleared the mark.
            if not count_list_task.app.conf.task_always_eager:
                _queued_at[contender_list_id] = time.monotonic()

    # Robust: the change is committed and acknowledged whatever happens to
    # its count, which the schedule repeats anyway; a failure is logged.
    transaction.on_commit(enqueue, robust=True)


@shared_task
def export_every_list() -> None:
    """Each list's open-data export of the day (comments/exports.py); a day is exported once."""
    from comments.exports import export_list

    for contender_list in ContenderList.objects.order_by("pk"):
        export_list(contender_list=contender_list)
