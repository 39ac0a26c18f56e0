"""Thumbs on comments: the only code that writes CommentVote rows and a comment's counts.

The same transitions and the same concurrency strategy as votes on
contenders (comments.transitions); written with the ORM, since thumbs are
far rarer than votes and their statements are not on a measured path.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F

from comments.exceptions import NO_SUCH_COMMENT, ActionRefused
from comments.models import Comment, CommentVote
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate
from comments.transitions import DELETE, INSERT, NONE, ensure_choice, transition


@dataclass
class ThumbOutcome:
    """The comment as the thumb left it, and the member's thumb on it now (1, -1 or 0)."""

    comment: Comment
    value: int


def _thumbed_meanwhile() -> ActionRefused:
    return ActionRefused(
        "Your thumb on this comment changed in another window at the same moment. "
        "Reload the page to see where it stands.",
        status=409,
    )


@transaction.atomic
def thumb_comment(*, user: AbstractBaseUser, comment_id: int, value: int) -> ThumbOutcome:
    """Set the member's thumb on a comment to up (1), down (-1) or none (0).

    The row is written only if it still holds what was read, and the counts
    move in the database; a double click or another window counts once: the
    latecomer that asked the same is a success, one that asked otherwise
    gets a 409.
    """
    value = ensure_choice(value)
    ensure_can_participate(user)
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused(NO_SUCH_COMMENT, status=404)
    if not comment.is_visible:
        raise ActionRefused("That comment is gone.", status=409)
    if comment.author_id == user.pk:
        raise ActionRefused("You cannot give your own comment a thumb.", status=409)
    thumb = CommentVote.objects.filter(user=user, comment=comment).first()
    old = thumb.value if thumb else NONE
    if old == value:
        return ThumbOutcome(comment=comment, value=value)
    check_rate_limit(user, "thumb")
    row_change, up, down = transition(old, value)
    written = True
    if row_change == INSERT:
        try:
            with transaction.atomic():
                CommentVote.objects.create(user=user, comment=comment, value=value)
        except IntegrityError:  # The unique constraint: another request inserted it.
            written = False
    else:
        as_read = CommentVote.objects.filter(pk=thumb.pk, value=old)
        written = bool(
            as_read.delete()[0] if row_change == DELETE else as_read.update(value=value)
        )
    if not written:
        # Changed meanwhile by the member's other request: a success if it asked the same.
        now = CommentVote.objects.filter(user=user, comment=comment).values_list("value")
        if (now.first() or (NONE,))[0] == value:
            comment.refresh_from_db(fields=["upvotes", "downvotes", "score"])
            return ThumbOutcome(comment=comment, value=value)
        raise _thumbed_meanwhile()
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=F("upvotes") + up, downvotes=F("downvotes") + down, score=F("score") + up - down
    )
    comment.upvotes += up
    comment.downvotes += down
    comment.score += up - down
    return ThumbOutcome(comment=comment, value=value)
