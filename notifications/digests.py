"""The daily email of a member's unread notifications, for those who asked for it.

Each notification is mailed at most once: the mail is sent inside the
transaction that marks its notifications mailed, so a mail that fails leaves
them to the next run, and two runs at once never mail the same ones (the
second skips the member whose notifications the first holds).
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from notifications.models import DigestSubscription, Notification

NOTIFICATIONS_PER_DIGEST = 50  # A longer list is read on the site, which the mail links to.


@dataclass(frozen=True)
class DigestRun:
    mailed: int  # Members mailed.
    notifications: int  # Notifications in those mails.


def _waiting(member_ref):
    return Notification.objects.unread().filter(recipient=member_ref, emailed_at__isnull=True)


def subscribers_waiting():
    """Subscribed members with a verified primary address and something not yet mailed."""
    verified = EmailAddress.objects.filter(user=OuterRef("member"), primary=True, verified=True)
    return (
        DigestSubscription.objects.filter(Exists(_waiting(OuterRef("member"))), Exists(verified))
        .select_related("member")
        .order_by("pk")
    )


@transaction.atomic
def mail_digest(member) -> int:
    """Mail the member their unread notifications not mailed before; how many it held."""
    held = _waiting(member).select_for_update(skip_locked=True).values_list("pk", flat=True)
    notifications = list(Notification.objects.in_inbox_of(member).filter(pk__in=list(held)))
    address = EmailAddress.objects.filter(user=member, primary=True, verified=True).first()
    if not notifications or address is None:
        return 0
    context = {
        "member": member,
        "notifications": notifications[:NOTIFICATIONS_PER_DIGEST],
        "more": max(0, len(notifications) - NOTIFICATIONS_PER_DIGEST),
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }
    subject = render_to_string("notifications/email/digest_subject.txt", context)
    body = render_to_string("notifications/email/digest_message.txt", context)
    send_mail(" ".join(subject.split()), body, None, [address.email])
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        emailed_at=timezone.now()
    )
    return len(notifications)


def send_digests(*, advance: Callable[[], None] = lambda: None) -> DigestRun:
    """Mail every subscriber with something new their digest; `advance` after each."""
    mailed = total = 0
    for subscription in subscribers_waiting():
        sent = mail_digest(subscription.member)
        mailed += sent > 0
        total += sent
        advance()
    return DigestRun(mailed=mailed, notifications=total)
