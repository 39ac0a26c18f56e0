"""Who may take part: a member's standing (a verified address, no active suspension).

Comments, thumbs, reports and suggestions ask `ensure_can_participate`, which
remembers a good standing for STANDING_CACHE_SECONDS; a vote reads the same
two columns fresh, inside its one read (comments.votes).
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction

from comments.exceptions import ActionRefused
from comments.models import Suspension
from techvote.prepared import prepared_cursor

LOG_IN_FIRST = "Log in to take part."


@dataclass(frozen=True)
class Standing:
    """What a member may do: read always; vote, comment and report if `can_participate`."""

    verified: bool
    suspension_reason: str | None

    @property
    def can_participate(self) -> bool:
        return self.verified and self.suspension_reason is None

    @property
    def refusal(self) -> ActionRefused | None:
        """Why the member may not take part, or None."""
        if self.suspension_reason is not None:
            return ActionRefused(
                "Your account is suspended, so you can read but not vote, comment, delete "
                "or report. "
                f"The moderators' reason: {self.suspension_reason}",
                status=403,
            )
        if not self.verified:
            return ActionRefused(
                "Confirm your email address before taking part: follow the link we sent you, "
                "or ask for a new one from your account's email settings.",
                status=403,
            )
        return None


def _standing_key(user_id: int) -> str:
    return f"standing:{user_id}"


def forget_standing(user: AbstractBaseUser) -> None:
    """Make the next action of the member ask the database again (after a suspension)."""
    cache.delete(_standing_key(user.pk))
    transaction.on_commit(lambda: cache.delete(_standing_key(user.pk)))


# A member's standing as two columns: has a verified address, the reason of
# an active suspension (or NULL). Its two parameters are the member's id.
STANDING_COLUMNS = f"""
EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e WHERE e.user_id = %s AND e.verified),
(SELECT s.reason FROM {Suspension._meta.db_table} s
 WHERE s.user_id = %s AND s.lifted_at IS NULL LIMIT 1)
"""
_STANDING_SQL = f"SELECT {STANDING_COLUMNS}"


def standing_of(user: AbstractBaseUser) -> Standing:
    """A member's standing: a verified address, an active suspension.

    One query, or none while a good standing is remembered (see
    STANDING_CACHE_SECONDS); a member who may not take part is asked again
    each time, so confirming an address takes effect at once.
    """
    if cache.get(_standing_key(user.pk)):
        return Standing(verified=True, suspension_reason=None)
    # Written in SQL: it runs before every vote of a member not remembered,
    # and building it with the ORM took ten times longer than answering it.
    with prepared_cursor() as cursor:
        cursor.execute(_STANDING_SQL, [user.pk, user.pk])
        verified, suspension_reason = cursor.fetchone()
    standing = Standing(verified=bool(verified), suspension_reason=suspension_reason)
    if standing.can_participate:
        cache.set(_standing_key(user.pk), True, settings.STANDING_CACHE_SECONDS)
    return standing


def ensure_signed_in(user: AbstractBaseUser) -> None:
    """Refuse an anonymous visitor (401)."""
    if not user.is_authenticated:
        raise ActionRefused(LOG_IN_FIRST, status=401)


def ensure_can_participate(user: AbstractBaseUser) -> None:
    """Refuse anyone who may read but not take part: anonymous, unverified or suspended."""
    ensure_signed_in(user)
    refusal = standing_of(user).refusal
    if refusal is not None:
        raise refusal
