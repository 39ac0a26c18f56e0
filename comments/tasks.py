"""The queue's tasks: counting lists by the ranked methods (comments/tallies.py)."""

from celery import shared_task
from django.core.cache import cache

from cities.models import ContenderList
from comments.tallies import PENDING_KEY, count_list


@shared_task
def count_list_task(contender_list_id: int) -> None:
    """Count one list; a change made from now on queues the next count."""
    cache.delete(PENDING_KEY.format(list_id=contender_list_id))
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    if contender_list is not None:
        count_list(contender_list)


@shared_task
def count_every_list() -> None:
    """Count every list again: the schedule's safety net behind the queued counts."""
    for contender_list in ContenderList.objects.order_by("pk"):
        count_list(contender_list)
