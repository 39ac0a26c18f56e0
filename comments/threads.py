"""Reading comment threads for a page: top-level comments, their first replies (a long
thread's later ones a page at a time), the reader's thumbs and reports, and how long
their own comments stay editable."""

import math
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from comments.comments import edit_window_open
from comments.forms import ThreadForm
from comments.models import Comment, CommentSort, CommentVote, Report

THREADS_PER_PAGE = 20
# A thread shows its first few replies; the rest come a page at a time on request,
# so one long argument does not bury the threads below it.
REPLIES_SHOWN = 5
REPLIES_PER_PAGE = 12


def comment_location(comment: Comment, reader=None) -> str:
    """Where a comment shows to `reader`: newest-first page of its thread, with its anchor;
    a reply past the first REPLIES_SHOWN of its thread, on the page of replies from it."""
    if comment.parent_id:
        earlier = list(
            Comment.objects.shown_to(reader)
            .filter(parent_id=comment.parent_id)
            .filter(before(comment))
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[:REPLIES_SHOWN]
        )
        if len(earlier) == REPLIES_SHOWN:
            url = reverse("comments:comment_replies", args=[comment.parent_id])
            return f"{url}?after={earlier[0]}#comment-{comment.pk}"
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


def before(reply: Comment) -> Q:
    """Replies earlier in the thread than `reply`: threads read oldest first."""
    return Q(created_at__lt=reply.created_at) | Q(created_at=reply.created_at, pk__lt=reply.pk)


def after(reply: Comment) -> Q:
    """Replies later in the thread than `reply`."""
    return Q(created_at__gt=reply.created_at) | Q(created_at=reply.created_at, pk__gt=reply.pk)


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
    """One page of threads: top-level comments, each with its first replies and the
    reader's thumbs, in a fixed number of queries.

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
    if contender is not None:
        for root in roots:
            root.contender = contender
    replies = first_replies(request, roots)
    shown = roots + [reply for thread in replies.values() for reply in thread]
    for_reader(request, shown)
    for root in roots:
        thread = replies.get(root.pk, [])
        root.thread_replies = thread
        root.more_replies = MoreReplies.following(root, thread)
    page.object_list = roots
    return page


@dataclass(frozen=True)
class MoreReplies:
    """The link under a thread's replies to the next ones: from which, and how many."""

    root_id: int
    after_id: int
    waiting: int  # Replies after the last one shown.

    @property
    def next_count(self) -> int:
        return min(self.waiting, REPLIES_PER_PAGE)

    @classmethod
    def following(cls, root: Comment, shown: list[Comment]) -> "MoreReplies | None":
        """The link after `shown`, replies of one query that counted them all; None when
        none are left (or none were shown)."""
        if not shown:
            return None
        waiting = shown[-1].replies_from_here - len(shown)
        return cls(root.pk, shown[-1].pk, waiting) if waiting > 0 else None


def first_replies(request, roots: list[Comment]) -> dict[int, list[Comment]]:
    """Each root's first REPLIES_SHOWN replies the reader may read, oldest first, in one
    query; each reply carries `replies_from_here`, its thread's count of replies."""
    if not roots:
        return {}
    contender_of = {root.pk: root.contender for root in roots}
    oldest_first = [F("created_at").asc(), F("pk").asc()]
    replies = (
        with_your_report(
            Comment.objects.shown_to(request.user).filter(parent__in=roots), request.user
        )
        .select_related("author")
        .annotate(
            place=Window(RowNumber(), partition_by=F("parent"), order_by=oldest_first),
            replies_from_here=Window(Count("pk"), partition_by=F("parent")),
        )
        .filter(place__lte=REPLIES_SHOWN)
        .order_by(*oldest_first)
    )
    threads = {}
    for reply in replies:
        reply.contender = contender_of[reply.parent_id]  # The same contender as its root.
        threads.setdefault(reply.parent_id, []).append(reply)
    return threads


def replies_page(request, root: Comment, *, after_id: int | None):
    """The root's replies after `after_id` (from the first without it), REPLIES_PER_PAGE
    of them, for the reader, and the link to the next ones: three queries at most."""
    replies = Comment.objects.shown_to(request.user).filter(parent=root)
    if after_id is not None:
        cursor = Comment.objects.filter(pk=after_id, parent=root).first()
        if cursor is None:
            raise Http404("No such page of replies.")
        replies = replies.filter(after(cursor))
    page = list(
        with_your_report(replies, request.user)
        .select_related("author")
        .annotate(replies_from_here=Window(Count("pk")))
        .order_by("created_at", "pk")[:REPLIES_PER_PAGE]
    )
    for reply in page:
        reply.contender = root.contender
    for_reader(request, page)
    return page, MoreReplies.following(root, page)


def for_reader(request, comments: list[Comment]) -> None:
    """Lay on each comment what the reader sees of it: their thumb, whether it is theirs
    and how long they may still edit it; one query for the thumbs."""
    thumbs = {}
    if request.user.is_authenticated and comments:
        mine = CommentVote.objects.filter(user=request.user, comment__in=comments)
        thumbs = dict(mine.values_list("comment_id", "value"))
    now = timezone.now()
    for comment in comments:
        comment.your_thumb = thumbs.get(comment.pk, 0)
        comment.is_own = comment.author_id == request.user.pk
        comment.can_edit = (
            comment.is_own and comment.is_visible and edit_window_open(comment, now=now)
        )
        comment.edit_minutes_left = edit_minutes_left(comment, now=now) if comment.can_edit else 0
