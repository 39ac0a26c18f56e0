"""Signing members in, with their user row kept in Redis between requests.

Every signed-in request reads the member's user row (Django's
AuthenticationMiddleware, through the backend that signed them in). The
backends here read it through techvote.generations: from Redis while it is
unchanged, from the database once it has changed. Any save or delete of a
user moves its generation on when the transaction commits, so a new
password, a deactivation or a new email address is seen by the next request
on every node; Django still checks the session's password hash on every
request, against the row as it is now.

A row is kept only as the primary database holds it: read from a replica
a moment behind (techvote/replicas.py), an old password would be kept under
the new generation. A write that bypasses save() (QuerySet.update) must call
forget_user().

The row comes with the member's count of unread notifications, which the
header shows on every page: a subquery of the same read, so it costs no
query of its own, and notifications.notify forgets the row whenever the
count changes.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_delete, post_save

from notifications.models import with_unread_notifications
from techvote import generations


def _keys(user_id) -> tuple[str, str]:
    return f"user:{user_id}", f"user:{user_id}:generation"


def forget_user(user_id) -> None:
    """The user row changed: no request reads the kept one again, once this commits."""
    key, generation = _keys(user_id)
    generations.move_on(generation, key)


class KeptUserMixin:
    def get_user(self, user_id):
        UserModel = get_user_model()

        def load():
            users = UserModel._default_manager.using(DEFAULT_DB_ALIAS).filter(pk=user_id)
            return with_unread_notifications(users).first()

        key, generation = _keys(user_id)
        user = generations.read_through(key, generation=generation, load=load)
        return user if user is not None and self.user_can_authenticate(user) else None


class KeptUserModelBackend(KeptUserMixin, ModelBackend):
    """Django's username and password backend, reading the user row through Redis."""


class KeptUserAuthenticationBackend(KeptUserMixin, AuthenticationBackend):
    """allauth's backend (log in by username or email), reading the user row through Redis."""


def _forget_saved(sender, instance, **kwargs):
    forget_user(instance.pk)


def connect() -> None:
    """Called once, from comments' ready(): every save or delete of a user forgets its row."""
    user_model = get_user_model()
    post_save.connect(_forget_saved, sender=user_model, dispatch_uid="kept-user-saved")
    post_delete.connect(_forget_saved, sender=user_model, dispatch_uid="kept-user-deleted")
