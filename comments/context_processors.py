"""What the site's header shows a moderator: a link to the queues, with the open reports."""

from functools import cached_property

from comments.models import Report


class ModerationQueue:
    """Asked only where the header renders it, and only of staff members: a
    member who is not staff costs no query, so members' pages keep their counts."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def may_moderate(self) -> bool:
        return self.user.has_perm("comments.hide_comment") or self.user.has_perm(
            "comments.resolve_report"
        )

    @cached_property
    def open_reports(self) -> int:
        """Comments waiting for a moderator: those with at least one open report."""
        return Report.objects.open().values("comment").distinct().count()


def moderation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_staff:
        return {}
    return {"moderation": ModerationQueue(user)}
