from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cities.models import Contender, ContenderList
from comments.forms import CommentForm, ReportForm, SuggestForm, VoteForm
from comments.models import Comment, ModerationLogEntry, Vote
from comments.services import (
    ActionRefused,
    cast_vote,
    delete_comment,
    edit_comment,
    ensure_author,
    ensure_within_edit_window,
    post_comment,
    report_comment,
    standing_of,
    suggest_contender,
    thumb_comment,
)
from comments.threads import comment_location, read_thread_form, thread_page
from techvote.middleware import cache_for_anonymous

VOTES_PER_PAGE = 50
LOG_ENTRIES_PER_PAGE = 50


# --- Helpers ------------------------------------------------------------------------------


def wants_json(request) -> bool:
    """The page's script asks for JSON; a plain form post gets a redirect or a page."""
    return request.headers.get("Accept", "").startswith("application/json")


def safe_next_url(request, fallback: str) -> str:
    """The `next` field if it points back into this site, else `fallback`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def refuse(request, refusal: ActionRefused, back_url: str):
    """Answer a refused action with its message and status, as JSON or as a page."""
    if wants_json(request):
        return JsonResponse({"error": refusal.message}, status=refusal.status)
    context = {"message": refusal.message, "back_url": back_url}
    return render(request, "comments/refused.html", context, status=refusal.status)


def posted_vote_value(request) -> int:
    """The 1, -1 or 0 a vote or thumb button posted; ActionRefused (400) otherwise."""
    form = VoteForm(request.POST)
    if not form.is_valid():
        raise ActionRefused(form.errors["value"][0], status=400)
    return form.cleaned_data["value"]


def login_first(request, back_url: str, anchor: str = ""):
    """Send an anonymous visitor to log in, then back to where they were."""
    if wants_json(request):
        return refuse(request, ActionRefused("Log in to take part.", status=401), back_url)
    return redirect_to_login(f"{back_url}{anchor}")


def _contender_or_404(list_slug: str, city_slug: str) -> Contender:
    return get_object_or_404(
        Contender.objects.with_city_and_list().with_rank(),
        contender_list__slug=list_slug,
        city__slug=city_slug,
        status=Contender.Status.APPROVED,
    )


def _comment_or_404(comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("author", "contender__city", "contender__contender_list"),
        pk=comment_id,
    )


def _member_standing(request):
    return standing_of(request.user) if request.user.is_authenticated else None


# --- Contender page: its comments ---------------------------------------------------------


def _render_contender(request, contender: Contender, form: CommentForm, *, status: int = 200):
    sort, number = read_thread_form(request)
    your_votes = Vote.objects.values_by_contender(request.user, [contender.pk])
    context = {
        "contender": contender,
        "your_vote": your_votes.get(contender.pk, 0),
        "contender_list": contender.contender_list,
        "threads": thread_page(
            request,
            Comment.objects.filter(contender=contender),
            sort=sort,
            number=number,
            contender=contender,
        ),
        "sort": sort,
        "form": form,
        "standing": _member_standing(request),
    }
    return render(request, "comments/contender_detail.html", context, status=status)


@require_safe
@cache_for_anonymous
def contender_comments(request, list_slug, city_slug):
    """A city in a list: its score, its vote buttons and everything said about it there."""
    return _render_contender(request, _contender_or_404(list_slug, city_slug), CommentForm())


@require_POST
def comment_create(request, list_slug, city_slug):
    """Post a comment on a contender. A refused comment keeps its text in the form."""
    contender = _contender_or_404(list_slug, city_slug)
    if not request.user.is_authenticated:
        return login_first(request, contender.get_comments_url(), "#comment-form")
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            comment = post_comment(
                user=request.user, contender_id=contender.pk, body=form.cleaned_data["body"]
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return _render_contender(request, contender, form, status=refusal.status)
        messages.success(request, "Your comment is posted.")
        return redirect(comment_location(comment))
    return _render_contender(request, contender, form, status=400)


def _comment_form_page(request, template, comment, form, *, status=200, **extra):
    context = {"comment": comment, "form": form, **extra}
    return render(request, template, context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_reply(request, comment_id):
    """Reply to a comment: the form on its own page, so it works without JavaScript."""
    parent = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply = post_comment(
                user=request.user,
                contender_id=parent.contender_id,
                parent_id=parent.pk,
                body=form.cleaned_data["body"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return _comment_form_page(
                request, "comments/reply.html", parent, form, status=refusal.status
            )
        messages.success(request, "Your reply is posted.")
        return redirect(comment_location(reply))
    status = 400 if form.errors else 200
    return _comment_form_page(request, "comments/reply.html", parent, form, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_edit(request, comment_id):
    """Edit one's own comment within the edit window."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    back = comment_location(comment)
    try:
        ensure_author(request.user, comment, "edit")
        if request.method != "POST":  # A late post keeps its text: the form says why.
            ensure_within_edit_window(comment)
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    if request.method == "POST":
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                edit_comment(
                    user=request.user, comment_id=comment.pk, body=form.cleaned_data["body"]
                )
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
                return _comment_form_page(
                    request, "comments/edit.html", comment, form, status=refusal.status
                )
            messages.success(request, "Your comment is updated.")
            return redirect(back)
        return _comment_form_page(request, "comments/edit.html", comment, form, status=400)
    form = CommentForm(initial={"body": comment.body})
    return _comment_form_page(request, "comments/edit.html", comment, form)


@require_http_methods(["GET", "HEAD", "POST"])
def comment_delete(request, comment_id):
    """Delete one's own comment, after a confirmation page."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    back = comment.contender.get_comments_url()
    if request.method == "POST":
        try:
            delete_comment(user=request.user, comment_id=comment.pk)
        except ActionRefused as refusal:
            return refuse(request, refusal, back)
        messages.success(request, "Your comment is deleted.")
        return redirect(back)
    try:
        ensure_author(request.user, comment, "delete")
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    return render(request, "comments/delete.html", {"comment": comment})


@require_POST
def comment_thumb(request, comment_id):
    """Thumb a comment up or down, or take the thumb back."""
    back_url = safe_next_url(request, fallback="/")
    if not request.user.is_authenticated:
        return login_first(request, back_url, f"#comment-{comment_id}")
    try:
        outcome = thumb_comment(
            user=request.user, comment_id=comment_id, value=posted_vote_value(request)
        )
    except ActionRefused as refusal:
        return refuse(request, refusal, back_url)
    if wants_json(request):
        comment = outcome.comment
        comment.your_thumb, comment.is_own = outcome.value, False
        html = render_to_string("comments/_thumbs.html", {"comment": comment}, request=request)
        return JsonResponse({"value": outcome.value, "score": comment.score, "html": html})
    if back_url == "/":
        return redirect(comment_location(_comment_or_404(comment_id)))
    return HttpResponseRedirect(f"{back_url}#comment-{comment_id}")


@require_http_methods(["GET", "HEAD", "POST"])
def comment_report(request, comment_id):
    """Report a comment to the moderators, with a reason."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_comment(user=request.user, comment_id=comment.pk, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
            return _comment_form_page(
                request, "comments/report.html", comment, form, status=refusal.status
            )
        messages.success(request, "Thank you: the moderators will look at this comment.")
        return redirect(comment_location(comment))
    status = 400 if form.errors else 200
    return _comment_form_page(request, "comments/report.html", comment, form, status=status)


@require_safe
def comment_permalink(request, comment_id):
    """A lasting address for a comment: redirects to where it shows now."""
    comment = _comment_or_404(comment_id)
    if comment.contender.status != Contender.Status.APPROVED:
        raise Http404("This comment's city is not in the list.")
    return redirect(comment_location(comment))


# --- Suggestions ---------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def suggest(request, slug):
    """Suggest a city for a list; it waits for a moderator."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    form = SuggestForm(request.POST or None, contender_list=contender_list)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                contender = suggest_contender(
                    user=request.user,
                    contender_list_id=contender_list.pk,
                    city_id=form.cleaned_data["city"].pk,
                )
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
                status = refusal.status
            else:
                messages.success(
                    request,
                    f"Thank you: {contender.city.name} waits for a moderator to join the list.",
                )
                return redirect(contender_list.get_absolute_url())
    context = {"contender_list": contender_list, "form": form}
    return render(request, "comments/suggest.html", context, status=status)


# --- Votes ---------------------------------------------------------------------------------------


@require_POST
def vote(request, contender_id):
    """Set the signed-in member's vote on a contender, then go back to where they were."""
    back_url = safe_next_url(request, fallback="/")
    if not request.user.is_authenticated:
        return login_first(request, back_url, f"#contender-{contender_id}")
    try:
        outcome = cast_vote(
            user=request.user, contender_id=contender_id, value=posted_vote_value(request)
        )
    except ActionRefused as refusal:
        return refuse(request, refusal, back_url)

    contender = outcome.contender
    if wants_json(request):
        controls = render_to_string(
            "comments/_vote_controls.html",
            {
                "contender": contender,
                "contender_list": outcome.contender_list,
                "your_vote": outcome.value,
            },
            request=request,
        )
        return JsonResponse(
            {
                "vote": outcome.value,
                "score": contender.score,
                "upvotes": contender.upvotes,
                "downvotes": contender.downvotes,
                "html": controls,
            }
        )
    if back_url == "/":
        back_url = outcome.contender_list.get_absolute_url()
    return HttpResponseRedirect(f"{back_url}#contender-{contender.pk}")


# --- Members and the moderation log ------------------------------------------------------------


@require_safe
@cache_for_anonymous
def user_profile(request, username):
    """A member's public page: what they voted for and what they said, newest first."""
    profile_user = get_object_or_404(get_user_model(), username=username, is_active=True)
    votes = (
        Vote.objects.counted()
        .filter(user=profile_user)
        .select_related("contender__city", "contender__contender_list")
        .order_by("-updated_at", "-pk")
    )
    try:
        page = Paginator(votes, VOTES_PER_PAGE).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page of votes.") from None
    comments = (
        Comment.objects.visible()
        .filter(author=profile_user, contender__status=Contender.Status.APPROVED)
        .select_related("contender__city", "contender__contender_list")
        .order_by("-created_at")[:20]
    )
    context = {"profile_user": profile_user, "votes": page, "comments": comments}
    return render(request, "comments/user_profile.html", context)


@require_safe
@cache_for_anonymous
def moderation_log(request):
    """Every moderator action, newest first, in public."""
    entries = ModerationLogEntry.objects.select_related("moderator")
    try:
        page = Paginator(entries, LOG_ENTRIES_PER_PAGE).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page of the log.") from None
    return render(request, "comments/moderation_log.html", {"entries": page})
