"""The queue: counting lists by the ranked methods (comments/tallies.py), and asking for it.

Two jobs per list: the count (a few seconds), then the bootstrap of its rank
intervals (comments/uncertainty.py, up to a minute on a big list), which
each count queues once it commits. The web processes import this module to
queue counts; only the tasks themselves import comments.tallies, so NumPy
and SciPy load in the workers (or, without Redis, on the first count in the
process), not in every web worker.
"""

import time

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from cities.models import ContenderList

PENDING_KEY = "techvote:count-pending:{list_id}"
BOOTSTRAP_PENDING_KEY = "techvote:bootstrap-pending:{list_id}"
# Longer than any wait in the queue: a mark whose job was lost expires.
PENDING_SECONDS = 60 * 60


def _run_pending(job, pending_key: str, contender_list_id: int) -> None:
    """Clear the list's pending mark, so that a change from now on queues the job again, and
    run it (unless the list is gone)."""
    cache.delete(pending_key)
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    if contender_list is not None:
        job(contender_list)


@shared_task
def count_list_task(contender_list_id: int) -> None:
    """Count one list; a change made from now on queues the next count."""
    from comments.tallies import count_list

    _run_pending(count_list, PENDING_KEY.format(list_id=contender_list_id), contender_list_id)


@shared_task
def bootstrap_list_task(contender_list_id: int) -> None:
    """Resample one list's rank intervals; a count from now on queues the next bootstrap."""
    from comments.uncertainty import bootstrap_list

    key = BOOTSTRAP_PENDING_KEY.format(list_id=contender_list_id)
    _run_pending(bootstrap_list, key, contender_list_id)


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


def _queue_once(task, key: str, contender_list_id: int, *, countdown: int) -> bool:
    """Queue `task` for the list unless its pending mark stands; whether it queued.

    The pending mark lives in the cache (shared through Redis in production)
    and the job clears it as it starts, so a change made while it runs
    queues the next one.
    """
    if not cache.add(key, True, timeout=countdown + PENDING_SECONDS):
        return False
    task.apply_async((contender_list_id,), countdown=countdown)
    return True


def queue_count(contender_list_id: int) -> None:
    """Count the list soon, once the current transaction commits: at most one count waits."""

    def enqueue():
        if _surely_pending(contender_list_id):
            return
        key = PENDING_KEY.format(list_id=contender_list_id)
        queued = _queue_once(
            count_list_task, key, contender_list_id, countdown=settings.RANKED_COUNT_DELAY
        )
        # An eager task (no broker: make run, the tests) has run and cleared the mark.
        if queued and not count_list_task.app.conf.task_always_eager:
            _queued_at[contender_list_id] = time.monotonic()

    # Robust: the change is committed and acknowledged whatever happens to
    # its count, which the schedule repeats anyway; a failure is logged.
    transaction.on_commit(enqueue, robust=True)


def queue_bootstrap(contender_list_id: int) -> None:
    """Resample the list's rank intervals once the count's transaction commits: at most one
    bootstrap waits, and it starts at once, since the count that queues it is done."""
    key = BOOTSTRAP_PENDING_KEY.format(list_id=contender_list_id)
    transaction.on_commit(
        lambda: _queue_once(bootstrap_list_task, key, contender_list_id, countdown=0),
        robust=True,
    )


@shared_task
def export_every_list() -> None:
    """Each list's open-data export of the day (comments/exports.py); a day is exported once."""
    from comments.exports import export_list

    for contender_list in ContenderList.objects.order_by("pk"):
        export_list(contender_list=contender_list)
