"""Every change members make: votes, comments, thumbs, reports, suggestions.

Views and commands call these; nothing else writes these rows. Each function
checks what it is asked, writes in one transaction, and raises ActionRefused,
with a message for the member and an HTTP status, when the request cannot be
done; then nothing has been written.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from cities.models import City, Contender, ContenderList
from comments.exceptions import ActionRefused
from comments.models import (
    COMMENT_MAX_LENGTH,
    COMMENT_MIN_LENGTH,
    Comment,
    CommentRevision,
    CommentVote,
    Report,
    Suspension,
    Vote,
    VoteValue,
)
from comments.ranking import apply_vote_change, ensure_daily_snapshot, lock_list
from comments.ratelimits import check_rate_limit

__all__ = ["ActionRefused"]

NO_VOTE = 0
VOTE_CHOICES = {VoteValue.UP: "up", VoteValue.DOWN: "down", NO_VOTE: "none"}


# --- Who may take part ------------------------------------------------------------


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
                "Your account is suspended, so you can read but not vote, comment or report. "
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


def standing_of(user: AbstractBaseUser) -> Standing:
    """A member's standing, in one query: a verified address, an active suspension."""
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            verified=Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)),
            suspension_reason=Subquery(
                Suspension.objects.filter(user=OuterRef("pk"), lifted_at__isnull=True).values(
                    "reason"
                )[:1]
            ),
        )
        .values("verified", "suspension_reason")
        .first()
    )
    if row is None:
        return Standing(verified=False, suspension_reason=None)
    return Standing(verified=row["verified"], suspension_reason=row["suspension_reason"])


def ensure_can_participate(user: AbstractBaseUser) -> None:
    """Refuse anyone who may read but not take part: anonymous, unverified or suspended."""
    if not user.is_authenticated:
        raise ActionRefused("Log in to take part.", status=401)
    refusal = standing_of(user).refusal
    if refusal is not None:
        raise refusal


# --- Votes on contenders -------------------------------------------------------------


@dataclass
class VoteOutcome:
    """The contender as the vote left it, its list, and the member's vote now (1, -1 or 0)."""

    contender: Contender
    contender_list: ContenderList
    value: int


@transaction.atomic
def cast_vote(*, user: AbstractBaseUser, contender_id: int, value: int) -> VoteOutcome:
    """Set the member's vote on a contender to up (1), down (-1) or none (0).

    The only writer of Vote rows, and it moves the contender's counts and the
    list's ranks in the same transaction, under the list's lock. Every
    transition, as (old, new): the row, then up / down / score deltas.

        (0, +1)  insert   +1  0  +1        (+1, 0)  delete  -1  0  -1
        (0, -1)  insert    0 +1  -1        (-1, 0)  delete   0 -1  +1
        (+1, -1) update   -1 +1  -2        (-1, +1) update  +1 -1  +2
        (v, v)   nothing: voting the same way twice changes nothing

    A vote a moderator voided counts as none: voting again replaces it.
    Raises ActionRefused, with nothing written, for a malformed value, a
    missing or unapproved contender, a closed list, a member who may not
    vote, or one over the rate limit.
    """
    if value not in VOTE_CHOICES:
        raise ActionRefused("A vote is up, down or none.", status=400)
    ensure_can_participate(user)
    contender_list = lock_list(contenders=contender_id)
    # Read after taking the lock: no other writer can change it from here on.
    contender = Contender.objects.filter(pk=contender_id).first()
    if contender_list is None or contender is None:
        raise ActionRefused("That contender does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused(
            "This city is waiting for a moderator and cannot take votes yet.", status=409
        )

    vote = Vote.objects.filter(user=user, contender=contender).first()
    old = vote.value if vote and vote.voided_at is None else NO_VOTE
    if old == value:
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    check_rate_limit(user, "vote")
    if value == NO_VOTE:
        vote.delete()
    elif vote is None:
        Vote.objects.create(user=user, contender=contender, value=value)
    else:
        vote.value, vote.voided_at = value, None
        vote.save(update_fields=["value", "voided_at", "updated_at"])

    ensure_daily_snapshot(contender_list)
    apply_vote_change(
        contender_list,
        contender,
        up=(value == VoteValue.UP) - (old == VoteValue.UP),
        down=(value == VoteValue.DOWN) - (old == VoteValue.DOWN),
    )
    return VoteOutcome(contender=contender, contender_list=contender_list, value=value)


# --- Comments ---------------------------------------------------------------------------


def clean_comment_body(body: str) -> str:
    """The text as stored: Unix line ends, no surrounding blank space, within the limits."""
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(body) < COMMENT_MIN_LENGTH:
        raise ActionRefused(
            f"A comment needs at least {COMMENT_MIN_LENGTH} characters.", status=400
        )
    if len(body) > COMMENT_MAX_LENGTH:
        raise ActionRefused(
            f"A comment can be at most {COMMENT_MAX_LENGTH} characters; this one has {len(body)}.",
            status=400,
        )
    return body


@transaction.atomic
def post_comment(
    *, user: AbstractBaseUser, contender_id: int, body: str, parent_id: int | None = None
) -> Comment:
    """A new comment on a contender, or a reply to one of its comments.

    Replies are one level deep: a reply to a reply joins the same thread.
    """
    body = clean_comment_body(body)
    ensure_can_participate(user)
    contender = Contender.objects.filter(pk=contender_id).first()
    if contender is None:
        raise ActionRefused("That contender does not exist.", status=404)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused("Comments open once a moderator approves this city.", status=409)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, contender=contender).first()
        if parent is None:
            raise ActionRefused("The comment you reply to does not exist.", status=404)
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if not parent.is_visible:
            raise ActionRefused("That comment is gone and takes no more replies.", status=409)
    check_rate_limit(user, "reply" if parent else "comment")
    comment = Comment.objects.create(contender=contender, author=user, parent=parent, body=body)
    Contender.objects.filter(pk=contender.pk).update(comment_count=F("comment_count") + 1)
    return comment


def _authors_comment(user: AbstractBaseUser, comment_id: int, verb: str) -> Comment:
    """The comment, locked, if `user` wrote it; refuse otherwise."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused("That comment does not exist.", status=404)
    if comment.author_id != user.pk:
        raise ActionRefused(f"You can only {verb} your own comments.", status=403)
    return comment


@transaction.atomic
def edit_comment(*, user: AbstractBaseUser, comment_id: int, body: str) -> Comment:
    """Change the text of the member's own comment, within the edit window.

    The earlier text is kept as a CommentRevision; the comment shows as edited.
    """
    body = clean_comment_body(body)
    ensure_can_participate(user)
    comment = _authors_comment(user, comment_id, "edit")
    if not comment.is_visible:
        raise ActionRefused("That comment is gone and can no longer be edited.", status=409)
    window = settings.COMMENT_EDIT_WINDOW
    if timezone.now() - comment.created_at > window:
        minutes = int(window.total_seconds() // 60)
        raise ActionRefused(
            f"Comments can be edited for {minutes} minutes after posting.", status=403
        )
    if body == comment.body:
        return comment
    CommentRevision.objects.create(
        comment=comment, body=comment.body, written_at=comment.edited_at or comment.created_at
    )
    comment.body, comment.edited_at = body, timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def delete_comment(*, user: AbstractBaseUser, comment_id: int) -> Comment:
    """The author withdraws their comment. It is kept, marked deleted, and no longer shown;
    where it has replies, a "[deleted]" placeholder keeps the thread together."""
    comment = _authors_comment(user, comment_id, "delete")
    if comment.deleted_at is not None:
        return comment
    was_visible = comment.is_visible
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    if was_visible:
        Contender.objects.filter(pk=comment.contender_id).update(
            comment_count=F("comment_count") - 1
        )
    return comment


@dataclass
class ThumbOutcome:
    """The comment as the thumb left it, and the member's thumb on it now (1, -1 or 0)."""

    comment: Comment
    value: int


@transaction.atomic
def thumb_comment(*, user: AbstractBaseUser, comment_id: int, value: int) -> ThumbOutcome:
    """Set the member's thumb on a comment to up (1), down (-1) or none (0).

    The same transitions as cast_vote, on the comment's counters; the
    comment's row lock makes one member's double click count once.
    """
    if value not in VOTE_CHOICES:
        raise ActionRefused("A thumb is up, down or none.", status=400)
    ensure_can_participate(user)
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused("That comment does not exist.", status=404)
    if not comment.is_visible:
        raise ActionRefused("That comment is gone.", status=409)
    if comment.author_id == user.pk:
        raise ActionRefused("You cannot give your own comment a thumb.", status=409)
    thumb = CommentVote.objects.filter(user=user, comment=comment).first()
    old = thumb.value if thumb else NO_VOTE
    if old == value:
        return ThumbOutcome(comment=comment, value=value)
    check_rate_limit(user, "thumb")
    if value == NO_VOTE:
        thumb.delete()
    elif thumb is None:
        CommentVote.objects.create(user=user, comment=comment, value=value)
    else:
        thumb.value = value
        thumb.save(update_fields=["value"])
    up = (value == VoteValue.UP) - (old == VoteValue.UP)
    down = (value == VoteValue.DOWN) - (old == VoteValue.DOWN)
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=F("upvotes") + up, downvotes=F("downvotes") + down, score=F("score") + up - down
    )
    comment.upvotes += up
    comment.downvotes += down
    comment.score += up - down
    return ThumbOutcome(comment=comment, value=value)


@transaction.atomic
def report_comment(
    *, user: AbstractBaseUser, comment_id: int, reason: str, details: str = ""
) -> Report:
    """Flag a comment for the moderators; once per member and comment."""
    ensure_can_participate(user)
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused("That comment does not exist.", status=404)
    if not comment.is_visible:
        raise ActionRefused("That comment is already gone.", status=409)
    if comment.author_id == user.pk:
        raise ActionRefused("You cannot report your own comment; delete it instead.", status=409)
    if Report.objects.filter(comment=comment, reporter=user).exists():
        raise ActionRefused("You have already reported this comment.", status=409)
    check_rate_limit(user, "report")
    try:
        with transaction.atomic():
            return Report.objects.create(
                comment=comment, reporter=user, reason=reason, details=details.strip()
            )
    except IntegrityError:  # The same member, twice at once.
        raise ActionRefused("You have already reported this comment.", status=409) from None


# --- Suggestions -------------------------------------------------------------------------


@transaction.atomic
def suggest_contender(
    *, user: AbstractBaseUser, contender_list_id: int, city_id: int
) -> Contender:
    """Propose a city for a list; it waits, unranked, for a moderator."""
    ensure_can_participate(user)
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    city = City.objects.filter(pk=city_id).first()
    if contender_list is None or city is None:
        raise ActionRefused("That list or city does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"“{contender_list.title}” has closed.", status=409)
    existing = Contender.objects.filter(contender_list=contender_list, city=city).first()
    if existing is not None:
        raise ActionRefused(_already_there[existing.status].format(city=city.name), status=409)
    check_rate_limit(user, "suggest")
    try:
        with transaction.atomic():
            return Contender.objects.create(
                contender_list=contender_list,
                city=city,
                status=Contender.Status.PENDING,
                suggested_by=user,
            )
    except IntegrityError:  # Someone suggested it at the same moment.
        raise ActionRefused(
            _already_there[Contender.Status.PENDING].format(city=city.name), status=409
        ) from None


_already_there = {
    Contender.Status.APPROVED: "{city} is already in this list.",
    Contender.Status.PENDING: "{city} has been suggested already and waits for a moderator.",
    Contender.Status.REJECTED: "{city} was suggested before and the moderators declined it.",
}
