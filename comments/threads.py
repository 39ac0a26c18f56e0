"""Reading comment threads for a page: top-level comments, their replies, the reader's
thumbs and reports, and how long their own comments stay editable."""

import math

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone

from comments.comments import edit_window_open
from comments.forms import ThreadForm
from comments.models import Comment, CommentSort, CommentVote, Report

THREADS_PER_PAGE = 20


def comment_location(comment: Comment, reader=None) -> str:
    """Where a comment shows to `reader`: newest-first page of its thread, with its anchor."""
    root = comment.parent if comment.parent_id else comment
    newer = (
        Comment.objects.filter(contender_id=comment.contender_id)
        .threads(reader)
        .filter(created_at__gt=root.created_at)
        .count()
    )
    page = newer // THREADS_PER_PAGE + 1
    query = f"?sort={CommentSort.NEWEST}" + (f"&page={page}" if page > 1 else "")
    return f"{comment.contender.get_comments_url()}{query}#comment-{comment.pk}"


def read_thread_form(request) -> tuple[str, int]:
    """The sort and page asked for in ?sort=&page=; anything malformed is a missing page."""
    form = ThreadForm(request.GET)
    if not form.is_valid():
        raise Http404("No such page of comments.")
    return form.cleaned_data["sort"] or CommentSort.TOP, form.cleaned_data["page"] or 1


def with_your_report(comments, user):
    """Annotate `reported_by_you`: whether `user` has reported the comment (False if anonymous).

    A subquery of the comments' own query, so pages show "Reported" for no
    query more.
    """
    if not user.is_authenticated:
        return comments
    return comments.annotate(
        reported_by_you=Exists(Report.objects.filter(comment=OuterRef("pk"), reporter=user))
    )


def edit_minutes_left(comment: Comment, *, now) -> int:
    """Whole minutes, rounded up, before the edit window closes (0 once it has)."""
    left = comment.created_at + settings.COMMENT_EDIT_WINDOW - now
    return max(0, math.ceil(left.total_seconds() / 60))


def thread_page(request, threads, *, sort: str, number: int, contender=None):
    """One page of threads: top-level comments, each with its replies and the reader's
    thumbs, in a fixed number of queries.

    `contender` is the page's contender when all threads are about it; without
    one, each thread's contender, list and city come with it.
    """
    if contender is None:
        threads = threads.select_related("contender__city", "contender__contender_list")
    threads = with_your_report(threads.threads(request.user).sorted_by(sort), request.user)
    threads = threads.select_related("author")
    try:
        page = Paginator(threads, THREADS_PER_PAGE).page(number)
    except InvalidPage:
        raise Http404("No such page of comments.") from None
    roots = list(page.object_list)
    replies = {}
    if roots:
        if contender is not None:
            for root in roots:
                root.contender = contender
        contender_of = {root.pk: root.contender for root in roots}
        visible_replies = with_your_report(
            Comment.objects.shown_to(request.user).filter(parent__in=roots), request.user
        )
        for reply in visible_replies.select_related("author").order_by("created_at", "pk"):
            reply.contender = contender_of[reply.parent_id]  # The same contender as its root.
            replies.setdefault(reply.parent_id, []).append(reply)
    shown = roots + [reply for thread in replies.values() for reply in thread]
    thumbs = {}
    if request.user.is_authenticated and shown:
        mine = CommentVote.objects.filter(user=request.user, comment__in=shown)
        thumbs = dict(mine.values_list("comment_id", "value"))
    now = timezone.now()
    for comment in shown:
        comment.thread_replies = replies.get(comment.pk, [])
        comment.your_thumb = thumbs.get(comment.pk, 0)
        comment.is_own = comment.author_id == request.user.pk
        comment.can_edit = (
            comment.is_own and comment.is_visible and edit_window_open(comment, now=now)
        )
        comment.edit_minutes_left = edit_minutes_left(comment, now=now) if comment.can_edit else 0
    page.object_list = roots
    return page
