"""Votes: what the page gets back after each transition, and votes after a moderator's void."""

import pytest
from django.urls import reverse

from cities.models import Contender
from comments.models import Vote
from comments.moderation import void_votes
from comments.ranking import find_drift, wilson_lower_bound
from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import at_rank, fragment, pressed, shown_score

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0
SCRIPT = {"HTTP_ACCEPT": "application/json", "HTTP_HX_REQUEST": "true"}
TRANSITIONS = [
    (None, UP),
    (None, DOWN),
    (UP, NONE),
    (DOWN, NONE),
    (UP, DOWN),
    (DOWN, UP),
    (UP, UP),
    (None, NONE),
]


@pytest.fixture
def contender(make_ranked_list):
    """A contender others voted on: 2 up, 1 down."""
    contender = at_rank(make_ranked_list(3), 2)
    for value in [UP, UP, DOWN]:
        cast_vote(user=UserFactory(), contender_id=contender.pk, value=value)
    return contender


def stored(contender):
    contender.refresh_from_db()
    return contender.upvotes, contender.downvotes, contender.score, contender.wilson_lower


@pytest.mark.parametrize(("first", "second"), TRANSITIONS)
def test_the_vote_returns_the_contenders_counts_as_stored(member, contender, first, second):
    if first is not None:
        cast_vote(user=member, contender_id=contender.pk, value=first)

    outcome = cast_vote(user=member, contender_id=contender.pk, value=second)

    returned = outcome.contender
    up, down = 2 + (second == UP), 1 + (second == DOWN)
    assert (returned.upvotes, returned.downvotes, returned.score, returned.wilson_lower) == (
        stored(contender)
    )
    assert stored(contender) == (up, down, up - down, wilson_lower_bound(up, down))
    assert outcome.value == second


@pytest.mark.parametrize(("first", "second"), TRANSITIONS)
def test_a_vote_by_script_shows_the_new_score_and_pressed_buttons(
    member_client, member, contender, first, second
):
    if first is not None:
        cast_vote(user=member, contender_id=contender.pk, value=first)

    response = member_client.post(
        reverse("comments:vote", args=[contender.pk]), {"value": second}, **SCRIPT
    )

    assert response.status_code == 200
    html = fragment(response)
    assert shown_score(html, "vote__score") == 1 + second == stored(contender)[2]
    assert (pressed(html, "up"), pressed(html, "down")) == (second == UP, second == DOWN)


@pytest.mark.parametrize("again", [UP, DOWN])
def test_voting_again_after_a_moderators_void_replaces_the_void(
    member, contender, moderator, again
):
    cast_vote(user=member, contender_id=contender.pk, value=UP)
    void_votes(moderator=moderator, member=member, reason="Sock puppet.")
    assert stored(contender)[:3] == (2, 1, 1)

    outcome = cast_vote(user=member, contender_id=contender.pk, value=again)

    vote = Vote.objects.get(user=member, contender=contender)
    assert (vote.value, vote.voided_at) == (again, None)
    up, down = 2 + (again == UP), 1 + (again == DOWN)
    assert stored(contender)[:3] == (up, down, up - down)
    assert outcome.contender.score == up - down
    assert find_drift(contender.contender_list) == []


def test_taking_back_a_voided_vote_changes_nothing(member, contender, moderator):
    cast_vote(user=member, contender_id=contender.pk, value=DOWN)
    void_votes(moderator=moderator, member=member, reason="Sock puppet.")

    cast_vote(user=member, contender_id=contender.pk, value=NONE)

    vote = Vote.objects.get(user=member, contender=contender)
    assert (vote.value, vote.voided_at is not None) == (DOWN, True)
    assert stored(contender)[:3] == (2, 1, 1)


def test_the_voided_vote_stays_void_for_other_contenders(member, contender, moderator):
    other = Contender.objects.exclude(pk=contender.pk).filter(
        contender_list=contender.contender_list
    )[0]
    cast_vote(user=member, contender_id=contender.pk, value=UP)
    cast_vote(user=member, contender_id=other.pk, value=UP)
    void_votes(moderator=moderator, member=member, reason="Sock puppet.")

    cast_vote(user=member, contender_id=other.pk, value=DOWN)

    assert Vote.objects.get(user=member, contender=contender).voided_at is not None
    assert stored(contender)[:3] == (2, 1, 1)
    assert find_drift(contender.contender_list) == []
