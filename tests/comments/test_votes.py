import pytest
from django.urls import reverse

from cities.models import Contender
from comments.counts import find_drift
from comments.models import Vote
from comments.moderation import void_votes
from comments.services import ActionRefused, cast_vote
from comments.wilson import wilson_lower_bound
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import at_rank, fragment, pressed, rank_of, shown_score

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0


def counts(contender: Contender) -> tuple[int, int, int]:
    contender.refresh_from_db()
    return contender.upvotes, contender.downvotes, contender.score


# --- Every transition --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected_counts", "expected_row"),
    [
        (None, UP, (1, 0, 1), UP),
        (None, DOWN, (0, 1, -1), DOWN),
        (UP, NONE, (0, 0, 0), None),
        (DOWN, NONE, (0, 0, 0), None),
        (UP, DOWN, (0, 1, -1), DOWN),
        (DOWN, UP, (1, 0, 1), UP),
        (UP, UP, (1, 0, 1), UP),
        (DOWN, DOWN, (0, 1, -1), DOWN),
        (None, NONE, (0, 0, 0), None),
    ],
)
def test_every_vote_transition(
    member, make_ranked_list, first, second, expected_counts, expected_row
):
    contender = at_rank(make_ranked_list(3), 2)
    if first is not None:
        cast_vote(user=member, contender_id=contender.pk, value=first)

    outcome = cast_vote(user=member, contender_id=contender.pk, value=second)

    assert counts(contender) == expected_counts
    stored = Vote.objects.filter(user=member, contender=contender).values_list("value", flat=True)
    assert list(stored) == ([] if expected_row is None else [expected_row])
    assert outcome.value == second
    assert (outcome.contender.upvotes, outcome.contender.downvotes) == expected_counts[:2]
    assert find_drift(contender.contender_list) == []


def test_votes_from_many_members_add_up(make_ranked_list):
    contender = at_rank(make_ranked_list(2), 2)
    members = UserFactory.create_batch(5)

    for member, value in zip(members, [UP, UP, UP, DOWN, UP], strict=True):
        cast_vote(user=member, contender_id=contender.pk, value=value)

    assert counts(contender) == (4, 1, 3)
    assert rank_of(contender) == 1


# --- Refusals change nothing ---------------------------------------------------------


def assert_refused(status, message, **vote):
    before = (
        list(Vote.objects.values_list("user", "contender", "value")),
        list(Contender.objects.values_list("pk", "upvotes", "downvotes", "score", "status")),
    )
    with pytest.raises(ActionRefused) as refused:
        cast_vote(**vote)
    after = (
        list(Vote.objects.values_list("user", "contender", "value")),
        list(Contender.objects.values_list("pk", "upvotes", "downvotes", "score", "status")),
    )
    assert refused.value.status == status
    assert refused.value.message == message
    assert after == before
    return refused.value


@pytest.mark.parametrize("value", [2, -2, 10, None, "up"])
def test_a_malformed_value_is_refused(member, make_ranked_list, value):
    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        400, "A vote is up, down or none.", user=member, contender_id=contender.pk, value=value
    )


def test_a_closed_list_takes_no_votes(member, make_ranked_list):
    contender = Contender.objects.get(contender_list=make_ranked_list(1, is_open=False))

    assert_refused(
        409,
        f"Voting on “{contender.contender_list.title}” has closed.",
        user=member,
        contender_id=contender.pk,
        value=UP,
    )


@pytest.mark.parametrize("status", [Contender.Status.PENDING, Contender.Status.REJECTED])
def test_an_unapproved_contender_takes_no_votes(member, make_ranked_list, status):
    contender = ContenderFactory(contender_list=make_ranked_list(2), status=status)

    assert_refused(
        409,
        "This city is waiting for a moderator and cannot take votes yet.",
        user=member,
        contender_id=contender.pk,
        value=UP,
    )


def test_a_missing_contender_is_not_found(member, db):
    assert_refused(
        404, "That contender does not exist.", user=member, contender_id=987654, value=UP
    )


def test_an_unverified_member_cannot_vote(make_ranked_list):
    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        403,
        "Confirm your email address before taking part: follow the link we sent you, "
        "or ask for a new one from your account's email settings.",
        user=UserFactory(verified=False),
        contender_id=contender.pk,
        value=UP,
    )


def test_an_anonymous_visitor_cannot_vote(make_ranked_list):
    from django.contrib.auth.models import AnonymousUser

    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        401, "Log in to take part.", user=AnonymousUser(), contender_id=contender.pk, value=UP
    )


# --- Cost ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
def test_a_vote_costs_the_same_statements_whatever_the_list_size(
    member, make_ranked_list, assert_statements, size
):
    """

    from datetime import timedelta

    import pytest
    from django.utils import timezone

    from cities.models import RankingMethod
    from comments.counts import find_drift
    from comments.models import CommentVote, RankSnapshot, Report, ReportReason, Vote
    from comments.moderation import make_moderator, suspend_user, void_votes
    from comments.services import (
        ActionRefused,
        cast_vote,
        post_comment,
        report_comment,
        thumb_comment,
    )
    from tests.factories import UserFactory
    from tests.helpers import at_rank, rank_of
    One read (contender, list, city, the member's vote and standing), the vote, the counts,
        and, without Redis, the rate-limit counters' upsert."""
    contender_list = make_ranked_list(size)
    middle = at_rank(contender_list, size // 2 + 1)
    cast_vote(user=UserFactory(), contender_id=middle.pk, value=UP)  # Today's snapshot.

    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=UP)
    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=DOWN)
    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=NONE)


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
def test_the_vote_returns_the_contenders_counts_as_stored(
    member, contender, django_assert_num_queries, first, second
):
    """What the answer to a vote shows comes with it: reading it costs no further query."""
    if first is not None:
        cast_vote(user=member, contender_id=contender.pk, value=first)

    outcome = cast_vote(user=member, contender_id=contender.pk, value=second)

    returned = outcome.contender
    with django_assert_num_queries(0):
        shown = (returned.upvotes, returned.downvotes, returned.score, returned.wilson_lower)
        names = (returned.city.name, outcome.contender_list.title)
    up, down = 2 + (second == UP), 1 + (second == DOWN)
    assert shown == stored(contender)
    assert names == (contender.city.name, contender.contender_list.title)
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
