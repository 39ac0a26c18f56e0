"""The only writer of notifications: each is made in the transaction of the event it
tells of, never for whoever caused it, and marked read only by its recipient.

A member's unread count travels with their user row (techvote.auth), so every
write here forgets that row once it commits.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cities.models import CitySuggestion, Contender
from comments.exceptions import ActionRefused
from comments.models import Comment
from notifications.models import DigestSubscription, Notification, NotificationKind
from techvote.auth import forget_user

NO_SUCH_NOTIFICATION = "You have no such notification."


def _notify(*, recipient_id: int | None, actor_id: int, kind: str, **subject) -> bool:
    """Tell `recipient_id` of `kind`, unless there is nobody to tell or they did it."""
    if recipient_id is None or recipient_id == actor_id:
        return False
    Notification.objects.create(recipient_id=recipient_id, kind=kind, **subject)
    forget_user(recipient_id)
    return True


def notify_reply(*, reply: Comment, replied_to: Comment) -> int:
    """Tell the author of the comment replied to, and the author of the thread it joins.

    `replied_to` is the comment the member answered; a reply to a reply
    joins its thread, whose first comment's author hears of it too. Each
    member is told once. How many were told.
    """
    recipients = dict.fromkeys([replied_to.author_id, reply.parent.author_id])
    return sum(
        _notify(
            recipient_id=recipient,
            actor_id=reply.author_id,
            kind=NotificationKind.REPLY,
            comment=reply,
        )
        for recipient in recipients
    )


def notify_comment_hidden(*, comment: Comment, moderator, reason: str) -> bool:
    """Tell the author that a moderator hid their comment, and why."""
    return _notify(
        recipient_id=comment.author_id,
        actor_id=moderator.pk,
        kind=NotificationKind.COMMENT_HIDDEN,
        comment=comment,
        reason=reason,
    )


def notify_suggestion_decided(*, contender: Contender, moderator, reason: str) -> bool:
    """Tell the member who suggested the city that a moderator approved or rejected it."""
    if contender.status == Contender.Status.APPROVED:
        kind = NotificationKind.SUGGESTION_APPROVED
    elif contender.status == Contender.Status.REJECTED:
        kind = NotificationKind.SUGGESTION_REJECTED
    else:
        return False
    return _notify(
        recipient_id=contender.suggested_by_id,
        actor_id=moderator.pk,
        kind=kind,
        contender=contender,
        reason=reason,
    )


def notify_city_suggestion_decided(
    *, suggestion: CitySuggestion, moderator, reason: str, contender: Contender | None = None
) -> bool:
    """Tell the member who suggested a city by name that it is approved (`contender`, the
    city in its list) or rejected, and why."""
    if contender is not None:
        return notify_suggestion_decided(contender=contender, moderator=moderator, reason=reason)
    return _notify(
        recipient_id=suggestion.suggested_by_id,
        actor_id=moderator.pk,
        kind=NotificationKind.SUGGESTION_REJECTED,
        city_suggestion=suggestion,
        reason=reason,
    )


@transaction.atomic
def mark_read(*, user: AbstractBaseUser, notification_id: int) -> bool:
    """Mark one of the member's notifications as read. False if it already was."""
    mine = Notification.objects.filter(recipient=user, pk=notification_id)
    if not mine.exists():
        raise ActionRefused(NO_SUCH_NOTIFICATION, status=404)
    marked = mine.unread().update(read_at=timezone.now())
    if marked:
        forget_user(user.pk)
    return bool(marked)


@transaction.atomic
def mark_all_read(*, user: AbstractBaseUser, up_to: int) -> int:
    """Mark the member's unread notifications as read, up to the newest they were shown.

    `up_to` is the id of the newest notification on the page they read, so
    one that arrived since stays unread. How many were marked.
    """
    marked = (
        Notification.objects.unread()
        .filter(recipient=user, pk__lte=up_to)
        .update(read_at=timezone.now())
    )
    if marked:
        forget_user(user.pk)
    return marked


@transaction.atomic
def set_digest(*, user: AbstractBaseUser, wanted: bool) -> bool:
    """Start or stop the member's daily email of unread notifications. Whether it changed."""
    if wanted:
        _, created = DigestSubscription.objects.get_or_create(member=user)
        return created
    deleted, _ = DigestSubscription.objects.filter(member=user).delete()
    return bool(deleted)
