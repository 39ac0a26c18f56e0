"""Reports: a member flags a comment for the moderators, once per member and comment."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from comments.exceptions import NO_SUCH_COMMENT, ActionRefused
from comments.models import Comment, Report
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate

ALREADY_REPORTED = "You have already reported this comment."


def ensure_not_reported(*, user: AbstractBaseUser, comment_id: int) -> None:
    """Refuse (409) a second report of the same comment by the same member.

    Also asked before the report form is shown, so a member who has reported
    is told so at once instead of after filling the form in again.
    """
    if Report.objects.filter(comment_id=comment_id, reporter=user).exists():
        raise ActionRefused(ALREADY_REPORTED, status=409)


@transaction.atomic
def report_comment(
    *, user: AbstractBaseUser, comment_id: int, reason: str, details: str = ""
) -> Report:
    """Flag a comment for the moderators; once per member and comment."""
    ensure_can_participate(user)
    comment = Comment.objects.filter(pk=comment_id).first()
    if comment is None:
        raise ActionRefused(NO_SUCH_COMMENT, status=404)
    if not comment.is_visible:
        raise ActionRefused("That comment is already gone.", status=409)
    if comment.author_id == user.pk:
        raise ActionRefused("You cannot report your own comment; delete it instead.", status=409)
    ensure_not_reported(user=user, comment_id=comment.pk)
    check_rate_limit(user, "report")
    try:
        with transaction.atomic():
            return Report.objects.create(
                comment=comment, reporter=user, reason=reason, details=details.strip()
            )
    except IntegrityError:  # The same member, twice at once.
        raise ActionRefused(ALREADY_REPORTED, status=409) from None
