"""The comments app's pages: thin views that read the form, call one service, and answer.

A plain post is redirected, as a form post should be; an htmx request (a vote
or a thumb updated in place) gets the partial the page itself includes, and a
refusal gets its message with its status (techvote.htmx).
"""

from collections.abc import Callable
from pathlib import Path

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import reswap, retarget

from cities.forms import SearchForm
from cities.models import CitySuggestion, Contender, ContenderList
from cities.moves import moved_rows, rank_in_shown_list, shown_ranks
from comments import verify
from comments.ballots import save_ballot, withdraw_ballot
from comments.duel_page import duel_page, token_reader
from comments.duels import answer_duel
from comments.forms import (
    BallotForm,
    CommentForm,
    DeleteAccountForm,
    DuelAnswer,
    ProfileForm,
    RepliesForm,
    ReportForm,
    ShownRanksForm,
    SuggestForm,
    VoteForm,
)
from comments.members import delete_account, update_profile
from comments.models import (
    DELETED_MEMBER,
    BallotEntry,
    Comment,
    MemberProfile,
    ModerationLogEntry,
    OpenDataExport,
    Vote,
)
from comments.pages import ballot_page, contender_page
from comments.reports import ensure_not_reported
from comments.services import (
    ActionRefused,
    cast_vote,
    delete_comment,
    edit_comment,
    ensure_author,
    ensure_within_edit_window,
    post_comment,
    report_comment,
    suggest_city,
    thumb_comment,
)
from comments.standing import LOG_IN_FIRST
from comments.threads import comment_location, for_reader, replies_page
from comments.vote_intents import remember_vote_intent, vote_recorded
from techvote.htmx import refusal_partial
from techvote.middleware import cache_for_anonymous
from techvote.site import placed_tag

VOTES_PER_PAGE = 50
LOG_ENTRIES_PER_PAGE = 50
EXPORTS_PER_PAGE = 60  # Ten days of six lists.
COMMENTS_ON_PROFILE = 20
TOO_MANY_TRIES = "Too many tries at your password: wait a minute. Nothing was deleted."

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])


# --- Helpers ------------------------------------------------------------------------------


def safe_next_url(request, fallback: str) -> str:
    """The `next` field if it points back into this site, else `fallback`."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback


def refuse(request, refusal: ActionRefused, back_url: str):
    """Answer a refused action with its message and status: in place for htmx, or a page."""
    if request.htmx:
        return refusal_partial(request, refusal.message, status=refusal.status)
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
    if request.htmx:
        return refuse(request, ActionRefused(LOG_IN_FIRST, status=401), back_url)
    return redirect_to_login(f"{back_url}{anchor}")


def submit(request, form, act: Callable, *, page: Callable, done: Callable):
    """The flow of every form page: show it; on a valid post call the service.

    `page(form, status)` renders the form page, `act(data)` calls the service,
    `done(result)` gives the success message and where to go (the message
    shows beside the element the address's #anchor names). A refusal
    comes back in the form with its status, so nothing typed is lost.
    """
    if request.method != "POST":
        return page(form, 200)
    if not form.is_valid():
        return page(form, 400)
    try:
        result = act(form.cleaned_data)
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        form.refusal = refusal  # For the page it points at, if any (refusal.link).
        return page(form, refusal.status)
    message, url = done(result)
    # Beside the comment the page scrolls to, where the member looks, not at the top.
    messages.success(request, message, extra_tags=placed_tag(url))
    return redirect(url)


def page_of(items, per_page: int, number, missing: str):
    """One page of `items`; a missing or malformed page number is a 404."""
    try:
        return Paginator(items, per_page).page(number)
    except InvalidPage:
        raise Http404(missing) from None


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


def _form_page(request, template: str, **context):
    """A form page renderer for `submit`: the template with the form and the status."""
    return lambda form, status: render(request, template, {**context, "form": form}, status=status)


# --- Contender page: its comments ---------------------------------------------------------


def _render_contender(request, contender: Contender, form: CommentForm, status: int = 200):
    context = contender_page(request, contender=contender, form=form)
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
    return submit(
        request,
        CommentForm(request.POST),
        lambda data: post_comment(user=request.user, contender_id=contender.pk, **data),
        page=lambda form, status: _render_contender(request, contender, form, status),
        done=lambda comment: ("Your comment is posted.", comment_location(comment)),
    )


@GET_OR_POST
def comment_reply(request, comment_id):
    """Reply to a comment: the form on its own page, so it works without JavaScript;
    with it, under the comment, and the reply put into the thread (`_reply_in_place`)."""
    parent = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    if request.htmx:
        return _reply_in_place(request, parent)
    return submit(
        request,
        CommentForm(request.POST or None),
        lambda data: post_comment(
            user=request.user, contender_id=parent.contender_id, parent_id=parent.pk, **data
        ),
        page=_form_page(request, "comments/reply.html", comment=parent),
        done=lambda reply: ("Your reply is posted.", comment_location(reply)),
    )


def _reply_in_place(request, replied_to: Comment):
    """The htmx reply: the form for the slot under the comment, then the posted reply
    for the end of its thread; a refused one comes back in the form with its message.

    The answer names where it goes (HX-Retarget), so the form need not know its thread.
    """
    form = CommentForm(request.POST or None, auto_id=f"reply-{replied_to.pk}-%s")
    form.fields["body"].widget.attrs["autofocus"] = True  # Opened to be typed in.

    def form_again(status: int):
        context = {"form": form, "comment": replied_to}
        response = render(request, "comments/_reply_form.html", context, status=status)
        return reswap(retarget(response, f"#reply-slot-{replied_to.pk}"), "innerHTML")

    if request.method != "POST":
        return form_again(200)
    if not form.is_valid():
        return form_again(400)
    try:
        reply = post_comment(
            user=request.user,
            contender_id=replied_to.contender_id,
            parent_id=replied_to.pk,
            **form.cleaned_data,
        )
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
        return form_again(refusal.status)
    anchor = f"#comment-{reply.pk}"
    messages.success(request, "Your reply is posted.", extra_tags=placed_tag(anchor))
    reply.contender = replied_to.contender
    for_reader(request, [reply])
    context = {"comment": reply, "replied_to": replied_to}
    response = render(request, "comments/_new_reply.html", context)
    return reswap(retarget(response, f"#replies-{reply.parent_id}"), "beforeend")


@require_safe
@cache_for_anonymous
def comment_replies(request, comment_id):
    """A thread's replies after those shown, a page at a time: a page of its own without
    JavaScript; for htmx, the replies alone, which take the place of the link."""
    root = _comment_or_404(comment_id)
    if root.parent_id is not None or root.contender.status != Contender.Status.APPROVED:
        raise Http404("No such thread.")
    form = RepliesForm(request.GET)
    if not form.is_valid():
        raise Http404("No such page of replies.")
    replies, more = replies_page(request, root, after_id=form.cleaned_data["after"])
    context = {"root": root, "replies": replies, "more": more}
    template = "comments/_reply_items.html" if request.htmx else "comments/replies.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@GET_OR_POST
def comment_edit(request, comment_id):
    """Edit one's own comment within the edit window; a late post keeps its text."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    back = comment_location(comment)
    try:
        ensure_author(request.user, comment, "edit")
        if request.method != "POST":
            ensure_within_edit_window(comment)
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    return submit(
        request,
        CommentForm(request.POST or None, initial={"body": comment.body}),
        lambda data: edit_comment(user=request.user, comment_id=comment.pk, **data),
        page=_form_page(request, "comments/edit.html", comment=comment),
        done=lambda _: ("Your comment is updated.", back),
    )


@GET_OR_POST
def comment_delete(request, comment_id):
    """Delete one's own comment, after a confirmation page."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    back = comment.contender.get_comments_url()
    try:
        if request.method != "POST":
            ensure_author(request.user, comment, "delete")
            return render(request, "comments/delete.html", {"comment": comment})
        delete_comment(user=request.user, comment_id=comment.pk)
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    messages.success(request, "Your comment is deleted.")
    return redirect(back)


@require_POST
def comment_thumb(request, comment_id):
    """Thumb a comment up or down, or take the thumb back."""
    back_url = safe_next_url(request, fallback="/")
    if not request.user.is_authenticated:
        return login_first(request, back_url, f"#comment-{comment_id}")
    try:
        value = posted_vote_value(request)
        outcome = thumb_comment(user=request.user, comment_id=comment_id, value=value)
    except ActionRefused as refusal:
        return refuse(request, refusal, back_url)
    if request.htmx:
        comment = outcome.comment  # The service's own fresh read, shown once.
        comment.your_thumb, comment.is_own = outcome.value, False
        return render(request, "comments/_thumbs.html", {"comment": comment})
    if back_url == "/":
        return redirect(comment_location(_comment_or_404(comment_id)))
    return HttpResponseRedirect(f"{back_url}#comment-{comment_id}")


@GET_OR_POST
def comment_report(request, comment_id):
    """Report a comment to the moderators, with a reason."""
    comment = _comment_or_404(comment_id)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    if request.method != "POST":
        try:  # Said before the form, not after it is filled in again.
            ensure_not_reported(user=request.user, comment_id=comment.pk)
        except ActionRefused as refusal:
            return refuse(request, refusal, comment_location(comment))
    return submit(
        request,
        ReportForm(request.POST or None),
        lambda data: report_comment(user=request.user, comment_id=comment.pk, **data),
        page=_form_page(request, "comments/report.html", comment=comment),
        done=lambda _: (
            "Thank you: the moderators will look at this comment.",
            comment_location(comment),
        ),
    )


@require_safe
def comment_permalink(request, comment_id):
    """A lasting address for a comment: redirects to where it shows now."""
    comment = _comment_or_404(comment_id)
    if comment.contender.status != Contender.Status.APPROVED:
        raise Http404("This comment's city is not in the list.")
    return redirect(comment_location(comment, request.user))


# --- Suggestions ---------------------------------------------------------------------------------


@GET_OR_POST
def suggest(request, slug):
    """Suggest any city for a list, by name and country, with a reason; it waits for a
    moderator, and the member follows it on their own page."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    return submit(
        request,
        SuggestForm(request.POST or None),
        lambda data: suggest_city(user=request.user, contender_list_id=contender_list.pk, **data),
        page=_form_page(request, "comments/suggest.html", contender_list=contender_list),
        done=lambda suggestion: (
            f"Thank you: {suggestion.name} waits for a moderator. Your page shows how it goes.",
            contender_list.get_absolute_url(),
        ),
    )


# --- Votes ---------------------------------------------------------------------------------------


def _shown_ranks(request):
    """The list page an htmx vote came from, and the ranks it shows, if its rows can move.

    None for a plain post: its answer is a redirect, which moves no rows.
    """
    if not request.htmx:
        return None
    form = ShownRanksForm(request.POST)
    if not form.is_valid():  # Our script's hint, not the vote: without it, rows stay put.
        return None
    return shown_ranks(request, form.cleaned_data["shown_from"], form.cleaned_data["shown_to"])


def _vote_answer(request, outcome, shown, rank_before):
    """An htmx vote's answer: the vote controls, and the rows the vote moved on the page."""
    move = None
    if shown is not None and rank_before is not None:
        move = moved_rows(
            request,
            shown,
            city=outcome.contender.city.name,
            before=rank_before,
            after=rank_in_shown_list(shown, outcome.contender.pk),
        )
    context = {
        "contender": outcome.contender,
        "contender_list": outcome.contender_list,
        "your_vote": outcome.value,
        "move": move,
    }
    return render(request, "comments/_vote_answer.html", context)


@require_POST
def vote(request, contender_id):
    """Set the signed-in member's vote on a contender, then go back to where they were.

    A visitor is sent to log in first, with the vote kept for when they are in.
    """
    back_url = safe_next_url(request, fallback="/")
    if not request.user.is_authenticated:
        return _log_in_to_vote(request, contender_id, back_url)
    shown = _shown_ranks(request)
    rank_before = rank_in_shown_list(shown, contender_id) if shown else None
    try:
        value = posted_vote_value(request)
        outcome = cast_vote(user=request.user, contender_id=contender_id, value=value)
    except ActionRefused as refusal:
        return refuse(request, refusal, back_url)
    if request.htmx:
        return _vote_answer(request, outcome, shown, rank_before)
    messages.success(request, vote_recorded(outcome))
    if back_url == "/":
        back_url = outcome.contender_list.get_absolute_url()
    return HttpResponseRedirect(f"{back_url}#contender-{contender_id}")


def _log_in_to_vote(request, contender_id: int, back_url: str):
    """A visitor's vote: the login page, saying why, with the vote kept for after."""
    if request.htmx:
        return login_first(request, back_url)
    return _keep_vote_and_log_in(request, contender_id, VoteForm(request.POST), back_url)


@require_safe
def vote_login(request, contender_id):
    """Where a visitor's vote button leads: the login page, with the vote kept for after.

    A GET casts nothing: a member already in goes back to the row, to press
    the button there.
    """
    back_url = safe_next_url(request, fallback="/")
    if request.user.is_authenticated:
        return HttpResponseRedirect(f"{back_url}#contender-{contender_id}")
    return _keep_vote_and_log_in(request, contender_id, VoteForm(request.GET), back_url)


def _keep_vote_and_log_in(request, contender_id: int, form: VoteForm, back_url: str):
    """Keep the vote a visitor asked for (comments.vote_intents) and send them to log in."""
    if not form.is_valid():
        return refuse(request, ActionRefused(form.errors["value"][0], status=400), back_url)
    contender = get_object_or_404(Contender.objects.select_related("city"), pk=contender_id)
    remember_vote_intent(
        request,
        contender_id=contender.pk,
        value=form.cleaned_data["value"],
        city=contender.city.name,
    )
    return login_first(request, back_url, f"#contender-{contender.pk}")


# --- Ballots ------------------------------------------------------------------------------------


def _log_in_to_rank(request, contender_list: ContenderList):
    """The login page, with a word on why: a ballot is a member's own."""
    messages.info(
        request,
        f"Log in to rank your own top ten of “{contender_list.title}”; "
        "your ballot then counts in the list's rankings.",
    )
    return login_first(request, reverse("comments:ballot", args=[contender_list.slug]))


def _list_posted_to(request, slug: str) -> ContenderList:
    """The list a page is about, or 404: for a post only its header
    (ContenderList.objects.header), which is all a post that succeeds reads of it
    before it redirects; a page that is shown reads the whole list (_read_whole)."""
    if request.method != "POST":
        return get_object_or_404(ContenderList, slug=slug)
    contender_list = ContenderList.objects.header(slug)
    if contender_list is None:
        raise Http404("No such list.")
    return contender_list


def _read_whole(contender_list: ContenderList) -> None:
    """Read the fields a header left deferred, in one query; nothing for a whole list."""
    contender_list.refresh_from_db(fields=contender_list.get_deferred_fields())


@GET_OR_POST
def ballot(request, slug):
    """A member's own top ten of a list: shown, and saved whole on each post.

    The search (?q=) offers cities to add; the post goes back to the same
    address, so the member lands on the same search after saving.
    """
    contender_list = _list_posted_to(request, slug)
    if not request.user.is_authenticated:
        return _log_in_to_rank(request, contender_list)
    search = SearchForm(request.GET)
    terms = search.cleaned_data.get("q", "") if search.is_valid() else ""

    def page(form: BallotForm, status: int):
        _read_whole(contender_list)
        context = {
            "contender_list": contender_list,
            "page": ballot_page(
                user=request.user, contender_list=contender_list, form=form, terms=terms
            ),
            "form": form,
            "search": search,
        }
        status = 400 if status == 200 and search.errors else status
        return render(request, "comments/ballot.html", context, status=status)

    return submit(
        request,
        BallotForm(
            request.POST if request.method == "POST" else None, contender_list=contender_list
        ),
        lambda data: save_ballot(
            user=request.user,
            contender_list_id=contender_list.pk,
            contender_ids=data["contender_ids"],
        ),
        page=page,
        done=lambda _: (
            f"Your top ten of “{contender_list.title}” is saved.",
            request.get_full_path(),
        ),
    )


@require_POST
def ballot_withdraw(request, slug):
    """Take the member's ballot for a list back; their votes still count for them."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    back = reverse("comments:ballot", args=[contender_list.slug])
    if not request.user.is_authenticated:
        return _log_in_to_rank(request, contender_list)
    try:
        withdrawn = withdraw_ballot(user=request.user, contender_list_id=contender_list.pk)
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    if withdrawn:
        messages.success(request, f"Your ballot for “{contender_list.title}” is withdrawn.")
    else:
        messages.info(request, f"You had no ballot for “{contender_list.title}”.")
    return redirect(back)


# --- Duels ---------------------------------------------------------------------------------------

NOT_COUNTED = (
    "Thank you for trying a duel. It was not counted: sign up, or log in, "
    "and every duel you answer counts."
)


@GET_OR_POST
def duel(request, slug):
    """Two contenders side by side: pick one, or can't decide; a post goes to the next duel.

    Anonymous visitors may try one: nothing of it is stored, and they are
    asked to sign up to be counted.
    """
    contender_list = _list_posted_to(request, slug)
    here = reverse("comments:duel", args=[contender_list.slug])
    form = None
    if request.method == "POST":
        form = DuelAnswer(
            request.POST,
            read_token=token_reader(user=request.user, contender_list=contender_list),
        )
        if form.is_valid():
            if not request.user.is_authenticated:
                messages.info(request, NOT_COUNTED)
                return redirect(f"{reverse('account_signup')}?next={here}")
            pair = form.cleaned_data["duel"]
            try:
                answer_duel(
                    user=request.user,
                    contender_list_id=contender_list.pk,
                    number=pair.number,
                    left_id=pair.left_id,
                    right_id=pair.right_id,
                    winner_id=form.winner_id(),
                    reason=form.cleaned_data["reason"],
                )
            except ActionRefused as refusal:
                return refuse(request, refusal, here)
            messages.success(request, "Counted. Here is the next duel.")
            return redirect(here)
    _read_whole(contender_list)
    try:
        context = duel_page(request, contender_list=contender_list, form=form)
    except ActionRefused as refusal:
        return refuse(request, refusal, contender_list.get_absolute_url())
    status = 400 if form is not None else 200
    return render(request, "comments/duel.html", context, status=status)


# --- Members and the moderation log ------------------------------------------------------------


def profile_of(user) -> MemberProfile:
    """The member's profile, read with the user (select_related), or the defaults."""
    try:
        return user.profile
    except MemberProfile.DoesNotExist:
        return MemberProfile(user=user)


@require_safe
@cache_for_anonymous
def user_profile(request, username):
    """A member's public page: who they are, their top tens, what they said, and what
    they voted for if they show it. Their own page also shows their suggestions."""
    profile_user = get_object_or_404(
        get_user_model().objects.select_related("profile__home_city"),
        username=username,
        is_active=True,
    )
    profile = profile_of(profile_user)
    is_own = request.user == profile_user
    context = {
        "profile_user": profile_user,
        "profile": profile,
        "is_own": is_own,
        "comments": Comment.objects.shown_on_profile_of(profile_user)[:COMMENTS_ON_PROFILE],
        "ballot_entries": BallotEntry.objects.shown_on_profile_of(profile_user),
    }
    if profile.votes_public or is_own:
        votes = Vote.objects.shown_on_profile_of(profile_user)
        number = request.GET.get("page", 1)
        context["votes"] = page_of(votes, VOTES_PER_PAGE, number, "No such page of votes.")
    if is_own:  # Their own suggestions, for them alone.
        context["suggestions"] = CitySuggestion.objects.shown_to_their_author(profile_user)
    return render(request, "comments/user_profile.html", context)


@GET_OR_POST
def profile_edit(request):
    """A member's own profile: display name, bio, home city, and whether votes show."""
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    profile = profile_of(request.user)
    initial = {
        "display_name": profile.display_name,
        "bio": profile.bio,
        "home_city": profile.home_city_id,
        "votes_public": profile.votes_public,
    }
    own_page = reverse("comments:user_profile", args=[request.user.username])
    return submit(
        request,
        ProfileForm(request.POST if request.method == "POST" else None, initial=initial),
        lambda data: update_profile(user=request.user, **data),
        page=_form_page(request, "comments/profile_edit.html"),
        done=lambda _: ("Your profile is saved.", own_page),
    )


@GET_OR_POST
def account_delete(request):
    """Delete one's own account after one confirmation; the member is signed out."""
    if not request.user.is_authenticated:
        return login_first(request, request.path)
    if request.method == "POST" and not ratelimit.consume(
        request, action="reauthenticate", user=request.user
    ):  # The password typed again, limited as allauth limits it, so no one guesses it here.
        return refuse(request, ActionRefused(TOO_MANY_TRIES, status=429), request.path)
    form = DeleteAccountForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "comments/account_delete.html", {"form": form}, status=status)
    try:
        delete_account(user=request.user)
    except ActionRefused as refusal:
        return refuse(request, refusal, "/")
    logout(request)
    messages.success(
        request, f"Your account is deleted. Your comments stay, signed “{DELETED_MEMBER}”."
    )
    return redirect("cities:home")


@require_safe
@cache_for_anonymous
def moderation_log(request):
    """Every moderator action, newest first, in public."""
    # What each entry is about comes with it, for its link.
    entries = ModerationLogEntry.objects.select_related(
        "moderator", "member", "contender__city", "contender__contender_list"
    )
    number = request.GET.get("page", 1)
    page = page_of(entries, LOG_ENTRIES_PER_PAGE, number, "No such page of the log.")
    return render(request, "comments/moderation_log.html", {"entries": page})


@require_safe
@cache_for_anonymous
def open_data(request):
    """Every list's daily exports, newest day first, with their hashes and sizes."""
    number = request.GET.get("page", 1)
    page = page_of(
        OpenDataExport.objects.listed(), EXPORTS_PER_PAGE, number, "No such page of exports."
    )
    return render(request, "comments/open_data.html", {"exports": page})


@require_safe
@cache_for_anonymous
def open_data_verifier(request):
    """The verifier every export carries, as text to read (it is inside each zip to run)."""
    return HttpResponse(
        Path(verify.__file__).read_bytes(), content_type="text/plain; charset=utf-8"
    )


@require_safe
def open_data_download(request, slug: str, day):
    """One export's zip, as stored: its exact length, a zip's type, a file to keep."""
    export = get_object_or_404(
        OpenDataExport.objects.select_related("contender_list"),
        contender_list__slug=slug,
        day=day,
    )
    response = HttpResponse(bytes(export.content), content_type="application/zip")
    response["Content-Length"] = str(export.size)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "public, max-age=86400, immutable"
    response["ETag"] = f'"{export.manifest_sha256}"'
    return response
