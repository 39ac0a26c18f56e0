"""Forget a member's remembered standing when their email addresses change.

A good standing (a verified address, no suspension) is remembered for
STANDING_CACHE_SECONDS; a suspension forgets it at once (comments.moderation).
An address removed, changed or no longer verified may end the standing too,
and those changes come from allauth's pages and from admin, so they are
heard here: allauth's signals, and the EmailAddress row itself for admin.
"""

from allauth.account import signals
from allauth.account.models import EmailAddress
from django.db.models.signals import post_delete, post_save

from comments.standing import forget_standing


def _forget(sender, user=None, **kwargs):
    if user is not None:
        forget_standing(user)


def _forget_unless_verified(sender, instance, **kwargs):
    if not instance.verified:
        forget_standing(instance.user)


def _forget_for_address(sender, instance, **kwargs):
    forget_standing(instance.user)


def connect() -> None:
    """Called once, from the app's ready()."""
    signals.email_removed.connect(_forget, dispatch_uid="standing-email-removed")
    signals.email_changed.connect(_forget, dispatch_uid="standing-email-changed")
    post_save.connect(
        _forget_unless_verified, sender=EmailAddress, dispatch_uid="standing-email-saved"
    )
    post_delete.connect(
        _forget_for_address, sender=EmailAddress, dispatch_uid="standing-email-deleted"
    )
