from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import InvalidPage, Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from comments.forms import VoteForm
from comments.models import Vote
from comments.services import ActionRefused, cast_vote

VOTES_PER_PAGE = 50


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


@require_POST
def vote(request, contender_id):
    """Set the signed-in user's vote on a contender, then go back to where they were."""
    back_url = safe_next_url(request, fallback="/")
    if not request.user.is_authenticated:
        refusal = ActionRefused("Log in to vote.", status=401)
        if wants_json(request):
            return refuse(request, refusal, back_url)
        return redirect_to_login(f"{back_url}#contender-{contender_id}")
    form = VoteForm(request.POST)
    try:
        if not form.is_valid():
            raise ActionRefused(form.errors["value"][0], status=400)
        outcome = cast_vote(
            user=request.user, contender_id=contender_id, value=form.cleaned_data["value"]
        )
    except ActionRefused as refusal:
        return refuse(request, refusal, back_url)

    contender = outcome.contender
    if wants_json(request):
        contender.your_vote = outcome.value
        controls = render_to_string(
            "comments/_vote_controls.html",
            {"contender": contender, "contender_list": outcome.contender_list},
            request=request,
        )
        return JsonResponse(
            {
                "vote": outcome.value,
                "score": contender.score,
                "upvotes": contender.upvotes,
                "downvotes": contender.downvotes,
                "rank": contender.rank,
                "html": controls,
            }
        )
    if back_url == "/":
        back_url = outcome.contender_list.get_absolute_url()
    return HttpResponseRedirect(f"{back_url}#contender-{contender.pk}")


@require_safe
def user_profile(request, username):
    """A member's public page: what they voted for, newest first."""
    profile_user = get_object_or_404(get_user_model(), username=username, is_active=True)
    votes = (
        Vote.objects.filter(user=profile_user)
        .select_related("contender__city", "contender__contender_list")
        .order_by("-updated_at", "-pk")
    )
    try:
        page = Paginator(votes, VOTES_PER_PAGE).page(request.GET.get("page", 1))
    except InvalidPage:
        raise Http404("No such page of votes.") from None
    context = {"profile_user": profile_user, "votes": page}
    return render(request, "comments/user_profile.html", context)
