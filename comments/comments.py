"""Comments: posting, replying, editing within the edit window, and deleting one's own.

The only writer of Comment and CommentRevision rows for members (moderators
hide and restore through comments.moderation). The edit window has one home
here: `edit_window_open`, which the pages ask too.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from cities.models import Contender
from comments.counts import move_comment_count
from comments.exceptions import NO_SUCH_COMMENT, NO_SUCH_CONTENDER, ActionRefused
from comments.models import COMMENT_MAX_LENGTH, COMMENT_MIN_LENGTH, Comment, CommentRevision
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate
from notifications.notify import notify_reply


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

    Replies are one level deep: a reply to a reply joins the same thread. Whoever
    wrote the comment replied to, and the thread's first comment, is told.
    """
    body = clean_comment_body(body)
    ensure_can_participate(user)
    contender = Contender.objects.filter(pk=contender_id).first()
    if contender is None:
        raise ActionRefused(NO_SUCH_CONTENDER, status=404)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused("Comments open once a moderator approves this city.", status=409)
    parent = replied_to = None
    if parent_id is not None:
        replied_to = Comment.objects.filter(pk=parent_id, contender=contender).first()
        if replied_to is None:
            raise ActionRefused("The comment you reply to does not exist.", status=404)
        parent = replied_to
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
        if not parent.is_visible:
            raise ActionRefused("That comment is gone and takes no more replies.", status=409)
    check_rate_limit(user, "reply" if parent else "comment")
    comment = Comment.objects.create(contender=contender, author=user, parent=parent, body=body)
    move_comment_count(contender.pk, 1)
    if replied_to is not None:
        notify_reply(reply=comment, replied_to=replied_to)
    return comment


def ensure_author(user: AbstractBaseUser, comment: Comment, verb: str) -> None:
    """Refuse anyone but the comment's author: only they may `verb` it."""
    if comment.author_id != user.pk:
        raise ActionRefused(f"You can only {verb} your own comments.", status=403)


def edit_window_open(comment: Comment, *, now: datetime | None = None) -> bool:
    """Whether the comment is young enough to edit: at most COMMENT_EDIT_WINDOW old.

    The one comparison of the rule; the pages show the Edit link by it and
    the edit is refused by it.
    """
    now = now or timezone.now()
    return now - comment.created_at <= settings.COMMENT_EDIT_WINDOW


def ensure_within_edit_window(comment: Comment) -> None:
    """Refuse once the comment is older than COMMENT_EDIT_WINDOW."""
    if not edit_window_open(comment):
        minutes = int(settings.COMMENT_EDIT_WINDOW.total_seconds() // 60)
        raise ActionRefused(
            f"Comments can be edited for {minutes} minutes after posting.", status=403
        )


def _authors_comment(user: AbstractBaseUser, comment_id: int, verb: str) -> Comment:
    """The comment, locked, if `user` wrote it; refuse otherwise."""
    comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused(NO_SUCH_COMMENT, status=404)
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
