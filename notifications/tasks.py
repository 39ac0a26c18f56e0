from celery import shared_task


@shared_task
def send_digests_task() -> None:
    """The daily digest of unread notifications (notifications/digests.py)."""
    from notifications.digests import send_digests

    send_digests()
