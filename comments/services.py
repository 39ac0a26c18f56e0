"""Every change members make: votes, comments, thumbs, reports, suggestions.

Views and commands call these; nothing else writes these rows. Each function
checks what it is asked, writes in one transaction, and raises ActionRefused,
with a message for the member and an HTTP status, when the request cannot be
done; then nothing has been written.
"""

from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
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
from comments.ranking import apply_vote_change, ensure_daily_snapshot, move_comment_count
from comments.ratelimits import check_rate_limit
from comments.tallies import queue_count
from comments.vote_races import vote_now_holds

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
_STANDING_COLUMNS = f"""
EXISTS (SELECT 1 FROM {EmailAddress._meta.db_table} e WHERE e.user_id = %s AND e.verified),
(SELECT s.reason FROM {Suspension._meta.db_table} s
 WHERE s.user_id = %s AND s.lifted_at IS NULL LIMIT 1)
"""
_STANDING_SQL = f"SELECT {_STANDING_COLUMNS}"


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
    with connection.cursor() as cursor:
        cursor.execute(_STANDING_SQL, [user.pk, user.pk])
        verified, suspension_reason = cursor.fetchone()
    standing = Standing(verified=bool(verified), suspension_reason=suspension_reason)
    if standing.can_participate:
        cache.set(_standing_key(user.pk), True, settings.STANDING_CACHE_SECONDS)
    return standing


def ensure_can_participate(user: AbstractBaseUser) -> None:
    """Refuse anyone who may read but not take part: anonymous, unverified or suspended."""
    if not user.is_authenticated:
        raise ActionRefused("Log in to take part.", status=401)
    refusal = standing_of(user).refusal
    if refusal is not None:
        raise refusal


# --- Votes on contenders -------------------------------------------------------------


def _vote_deltas(old: int, new: int) -> tuple[int, int]:
    """How the up and down counts move when a vote or thumb goes from `old` to `new`."""
    up = (new == VoteValue.UP) - (old == VoteValue.UP)
    down = (new == VoteValue.DOWN) - (old == VoteValue.DOWN)
    return up, down


@dataclass
class VoteOutcome:
    """The contender as the vote left it, its list, and the member's vote now (1, -1 or 0)."""

    contender: Contender
    contender_list: ContenderList
    value: int


# The vote is the busiest write of the site, and building its statements with
# the ORM took longer than the database took to run them (README, Performance).
# So they are written in SQL: one read that gathers everything the checks
# need, then the vote row and the counts (comments.ranking.apply_vote_change).
# The tests run them on SQLite and PostgreSQL.
_VOTE_READ_SQL = f"""
SELECT c.status, c.upvotes, c.downvotes, c.score, c.wilson_lower, c.comment_count,
       l.id, l.title, l.slug, l.is_open, l.ranking, CAST(l.ranks_snapshot_on AS TEXT),
       city.id, city.name, city.slug,
       v.id, v.value, v.voided_at IS NOT NULL, {_STANDING_COLUMNS}
FROM {Contender._meta.db_table} c
JOIN {ContenderList._meta.db_table} l ON l.id = c.contender_list_id
JOIN {City._meta.db_table} city ON city.id = c.city_id
LEFT JOIN {Vote._meta.db_table} v ON v.contender_id = c.id AND v.user_id = %s
WHERE c.id = %s
"""


@dataclass
class _VoteRead:
    """What cast_vote reads before it writes, in one statement."""

    contender: Contender
    vote_id: int | None
    old_value: int | None
    voided: bool
    standing: Standing


def _read_for_vote(user_id: int, contender_id: int) -> _VoteRead | None:
    with connection.cursor() as cursor:
        cursor.execute(_VOTE_READ_SQL, [user_id, user_id, user_id, contender_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (
        status,
        upvotes,
        downvotes,
        score,
        wilson,
        comments,
        list_id,
        title,
        list_slug,
        is_open,
        ranking,
        snapshot_on,
        city_id,
        city_name,
        city_slug,
        vote_id,
        old_value,
        voided,
        verified,
        suspension,
    ) = row
    # Partial instances, with every other field deferred: enough to check,
    # count and show the vote, never enough to save by mistake.
    contender = Contender.from_db(
        None,
        [
            "id",
            "contender_list_id",
            "city_id",
            "status",
            "upvotes",
            "downvotes",
            "score",
            "wilson_lower",
            "comment_count",
        ],
        [contender_id, list_id, city_id, status, upvotes, downvotes, score, wilson, comments],
    )
    contender.contender_list = ContenderList.from_db(
        None,
        ["id", "title", "slug", "is_open", "ranking", "ranks_snapshot_on"],
        [
            list_id,
            title,
            list_slug,
            bool(is_open),
            ranking,
            date.fromisoformat(snapshot_on) if snapshot_on else None,
        ],
    )
    contender.city = City.from_db(None, ["id", "name", "slug"], [city_id, city_name, city_slug])
    return _VoteRead(
        contender=contender,
        vote_id=vote_id,
        old_value=old_value,
        voided=bool(voided),
        standing=Standing(verified=bool(verified), suspension_reason=suspension),
    )


@transaction.atomic
def cast_vote(*, user: AbstractBaseUser, contender_id: int, value: int) -> VoteOutcome:
    """Set the member's vote on a contender to up (1), down (-1) or none (0).

    The only writer of Vote rows. It moves the contender's counts in the same
    transaction, in the database, so no count is ever lost. The vote row is
    written only if it still holds what was read (an insert meets the unique
    constraint, a change or a delete names the old value): when the same
    member's other window or double click got there first, nothing is
    written; a row already holding the asked value is a success, any other
    tells the member to reload (409). Every transition, as
    (old, new): the row, then up / down / score deltas.

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
    if not user.is_authenticated:
        raise ActionRefused("Log in to take part.", status=401)
    read = _read_for_vote(user.pk, contender_id)
    if read is None:
        raise ActionRefused("That contender does not exist.", status=404)
    if read.standing.refusal is not None:
        raise read.standing.refusal
    contender = read.contender
    contender_list = contender.contender_list
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused(
            "This city is waiting for a moderator and cannot take votes yet.", status=409
        )
    old = read.old_value if read.vote_id is not None and not read.voided else NO_VOTE
    if old == value:
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    check_rate_limit(user, "vote")
    ensure_daily_snapshot(contender_list)
    if not _write_vote(user.pk, contender_id, read, value):  # A double submit got there first.
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    up, down = _vote_deltas(old, value)
    apply_vote_change(contender, up=up, down=down)
    queue_count(contender_list.pk)
    return VoteOutcome(contender=contender, contender_list=contender_list, value=value)


def _voted_meanwhile() -> ActionRefused:
    return ActionRefused(
        "Your vote on this city changed in another window at the same moment. "
        "Reload the page to see where it stands.",
        status=409,
    )


def _write_vote(user_id: int, contender_id: int, read: _VoteRead, value: int) -> bool:
    """Insert, change or delete the vote row, only if it is still as it was read.

    False, with nothing written, when the row already holds `value`: another
    request of the member asked the same at the same moment.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Vote._meta.db_table
    as_read = "id = %s AND value = %s AND voided_at IS " + ("NOT NULL" if read.voided else "NULL")
    with connection.cursor() as cursor:
        if read.vote_id is None:
            try:
                with transaction.atomic():
                    cursor.execute(
                        f"INSERT INTO {table} (user_id, contender_id, value, created_at, "
                        "updated_at) VALUES (%s, %s, %s, %s, %s)",
                        [user_id, contender_id, value, now, now],
                    )
            except IntegrityError:  # The unique constraint: another request inserted it.
                if vote_now_holds(user_id, contender_id, value):
                    return False
                raise _voted_meanwhile() from None
            return True
        if value == NO_VOTE:
            cursor.execute(f"DELETE FROM {table} WHERE {as_read}", [read.vote_id, read.old_value])
        else:
            cursor.execute(
                f"UPDATE {table} SET value = %s, voided_at = NULL, updated_at = %s "
                f"WHERE {as_read}",
                [value, now, read.vote_id, read.old_value],
            )
        if cursor.rowcount == 0:
            if vote_now_holds(user_id, contender_id, value):
                return False
            raise _voted_meanwhile()
        return True


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
    move_comment_count(contender.pk, 1)
    return comment


def ensure_author(user: AbstractBaseUser, comment: Comment, verb: str) -> None:
    """Refuse anyone but the comment's author: only they may `verb` it."""
    if comment.author_id != user.pk:
        raise ActionRefused(f"You can only {verb} your own comments.", status=403)


def ensure_within_edit_window(comment: Comment) -> None:
    """Refuse once the comment is older than COMMENT_EDIT_WINDOW."""
    window = settings.COMMENT_EDIT_WINDOW
    if timezone.now() - comment.created_at > window:
        minutes = int(window.total_seconds() // 60)
        raise ActionRefused(
            f"Comments can be edited for {minutes} minutes after posting.", status=403
        )


def _authors_comment(user: AbstractBaseUser, comment_id: int, verb: str) -> Comment:
    """The comment, locked, if `user` wrote it; refuse otherwise."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused("That comment does not exist.", status=404)
    ensure_author(user, comment, verb)
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
    ensure_within_edit_window(comment)
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
    where it has replies, a "[deleted]" placeholder keeps the thread together.

    Deleting is taking part: a suspended member may not."""
    ensure_can_participate(user)
    comment = _authors_comment(user, comment_id, "delete")
    if comment.deleted_at is not None:
        return comment
    was_visible = comment.is_visible
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    if was_visible:
        move_comment_count(comment.contender_id, -1)
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
    up, down = _vote_deltas(old, value)
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
