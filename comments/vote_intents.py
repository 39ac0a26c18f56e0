"""A vote a visitor asked for before logging in, cast once they are in.

A visitor's vote button is a link (their pages are shared, so they carry no
CSRF token): it leads to `comments:vote_login`, which keeps the vote they
meant in their session and sends them to log in, saying why. Logging in is
a POST under CSRF, and the account adapter (techvote.accounts) casts the
kept vote there, through cast_vote and all its rules (a verified address,
no suspension, an open list, the rate limit). The intent is taken out of
the session before it is cast, so it counts once; it is forgotten after
VOTE_INTENT_SECONDS, so a link followed long ago casts nothing. Nothing is
ever cast by a GET.
"""

import time

from django.contrib import messages

from comments.exceptions import ActionRefused
from comments.votes import VoteOutcome, cast_vote

SESSION_KEY = "vote_intent"
# Long enough to sign up and confirm the address from the mail, in the same browser.
VOTE_INTENT_SECONDS = 30 * 60

VOTE_WORDS = {1: "up vote", -1: "down vote"}


def vote_recorded(outcome: VoteOutcome) -> str:
    """What a member is told their vote did: "Your up vote on Tokyo is recorded..."."""
    city, score = outcome.contender.city.name, outcome.contender.score
    if outcome.value == 0:
        return f"Your vote on {city} is taken back; its score is now {score}."
    return f"Your {VOTE_WORDS[outcome.value]} on {city} is recorded; its score is now {score}."


def remember_vote_intent(request, *, contender_id: int, value: int, city: str) -> None:
    """Keep the vote a visitor asked for until they log in, and tell them why they must."""
    request.session[SESSION_KEY] = {
        "contender_id": contender_id,
        "value": value,
        "asked_at": time.time(),
    }
    meant = f" ({VOTE_WORDS[value]})" if value in VOTE_WORDS else ""
    messages.info(
        request, f"Log in to cast your vote on {city}{meant}: it counts as soon as you are in."
    )


def cast_vote_intent(request, user) -> None:
    """Cast the vote the member asked for before logging in, once, and say what came of it."""
    intent = request.session.pop(SESSION_KEY, None)
    if not intent or time.time() - intent["asked_at"] > VOTE_INTENT_SECONDS:
        return
    try:
        outcome = cast_vote(user=user, contender_id=intent["contender_id"], value=intent["value"])
    except ActionRefused as refusal:
        messages.error(request, f"Your vote was not cast: {refusal.message}")
        return
    messages.success(request, vote_recorded(outcome))
