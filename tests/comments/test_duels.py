"""Duels: answered, refused with nothing written, numbered once, voided by moderators."""

import pytest
from django.db import IntegrityError, transaction

from cities.models import Contender
from comments.duels import answer_duel, next_duel
from comments.models import Duel, ModerationLogEntry
from comments.moderation import suspend_user, void_votes
from comments.services import ActionRefused
from comments.tallies import count_list
from tests.factories import ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import ranking, run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(6)


@pytest.fixture
def ids(contender_list):
    return ranking(contender_list)


def answer(member, contender_list, *, winner="left", reason="", pair=None):
    """Answer the member's next duel as the page would post it; the stored Duel."""
    duel = next_duel(user=member, contender_list=contender_list)
    left, right = pair or (duel.left_id, duel.right_id)
    assert answer_duel(
        user=member,
        contender_list_id=contender_list.pk,
        number=duel.number,
        left_id=left,
        right_id=right,
        winner_id={"left": left, "right": right, None: None}[winner],
        reason=reason,
    )
    return Duel.objects.get(user=member, contender_list=contender_list, number=duel.number)


def post_of(member, contender_list) -> dict:
    """The member's next duel as answer_duel takes it, without the answer."""
    duel = next_duel(user=member, contender_list=contender_list)
    return {
        "user": member,
        "contender_list_id": contender_list.pk,
        "number": duel.number,
        "left_id": duel.left_id,
        "right_id": duel.right_id,
    }


def refused(**call) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        answer_duel(**call)
    return caught.value


# --- Answering -----------------------------------------------------------------------------


def test_a_member_answers_a_duel_and_it_is_numbered(member, contender_list):
    first = answer(member, contender_list, winner="right")
    second = answer(member, contender_list, winner=None, reason="I know neither")

    assert (first.number, first.winner_id) == (1, first.right_id)
    assert (second.number, second.winner_id, second.reason) == (2, None, "I know neither")
    assert Duel.objects.filter(user=member).count() == 2


def test_the_same_post_twice_stores_one_duel(member, contender_list):
    post = post_of(member, contender_list)
    post["winner_id"] = post["left_id"]

    assert answer_duel(**post) is True
    assert answer_duel(**post) is False  # Stored already: nothing written.

    assert Duel.objects.count() == 1


def test_the_same_duel_answered_otherwise_in_another_window_is_refused(member, contender_list):
    post = post_of(member, contender_list)
    answer_duel(**post, winner_id=post["left_id"])

    refusal = refused(**post, winner_id=post["right_id"])

    assert refusal.status == 409
    assert list(Duel.objects.values_list("winner_id", flat=True)) == [post["left_id"]]


def test_the_next_pair_is_reproducible_and_never_the_previous_one(member, relaxed_rate_limits):
    contender_list = ContenderListFactory()
    for _ in range(3):
        ContenderFactory(contender_list=contender_list)
    previous = None
    for _ in range(12):
        duel = next_duel(user=member, contender_list=contender_list)
        assert next_duel(user=member, contender_list=contender_list) == duel
        assert {duel.left_id, duel.right_id} != previous
        stored = answer(member, contender_list)
        previous = {stored.left_id, stored.right_id}


def test_a_list_of_two_has_no_duels(member, make_ranked_list):
    refusal_list = make_ranked_list(2)

    with pytest.raises(ActionRefused) as caught:
        next_duel(user=member, contender_list=refusal_list)

    assert caught.value.status == 409
    assert "at least three" in caught.value.message


# --- Refusals: nothing written -------------------------------------------------------------


def test_bad_answers_are_refused_and_change_nothing(member, contender_list, ids):
    other_list = ContenderFactory()
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)
    base = {"user": member, "contender_list_id": contender_list.pk, "number": 1}
    cases = [
        ({"left_id": ids[0], "right_id": ids[0], "winner_id": ids[0]}, 400, "two different"),
        ({"left_id": ids[0], "right_id": ids[1], "winner_id": ids[2]}, 400, "one of its two"),
        ({"left_id": ids[0], "right_id": other_list.pk, "winner_id": None}, 400, "own list"),
        ({"left_id": ids[0], "right_id": pending.pk, "winner_id": ids[0]}, 409, "moderator"),
        (
            {"left_id": ids[0], "right_id": ids[1], "winner_id": ids[0], "reason": "why"},
            400,
            "can't decide",
        ),
        (
            {"left_id": ids[0], "right_id": ids[1], "winner_id": None, "reason": "x" * 201},
            400,
            "at most 200",
        ),
    ]
    for call, status, words in cases:
        refusal = refused(**base, **call)
        assert (refusal.status, words in refusal.message) == (status, True), refusal.message
    assert not Duel.objects.exists()


def test_standing_rules_are_those_of_votes(contender_list, ids, moderator):
    unverified = UserFactory(verified=False)
    suspended = UserFactory()
    suspend_user(moderator=moderator, member=suspended, reason="Spam")
    post = {"contender_list_id": contender_list.pk, "number": 1}
    post |= {"left_id": ids[0], "right_id": ids[1], "winner_id": ids[0]}

    assert refused(user=unverified, **post).status == 403
    assert refused(user=suspended, **post).status == 403
    assert not Duel.objects.exists()


def test_a_closed_list_refuses_duels(member, make_ranked_list):
    closed = make_ranked_list(3, is_open=False)
    ids = ranking(closed)

    refusal = refused(
        user=member,
        contender_list_id=closed.pk,
        number=1,
        left_id=ids[0],
        right_id=ids[1],
        winner_id=None,
    )

    assert refusal.status == 409
    assert not Duel.objects.exists()


def test_duels_are_rate_limited_like_votes(member, contender_list, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "duel": {"established": {"minute": 2, "day": 10}, "new": {"minute": 1, "day": 3}},
    }
    answer(member, contender_list)
    answer(member, contender_list)

    with pytest.raises(ActionRefused) as caught:
        answer(member, contender_list)

    assert caught.value.status == 429
    assert "2 duel answers a minute" in caught.value.message
    assert Duel.objects.count() == 2


# --- The database's own rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"number": 0},
        {"right": "left"},
        {"winner": "third"},
        {"reason": "both are great"},
    ],
    ids=["number-0", "same-contender", "winner-outside", "reason-with-winner"],
)
def test_the_database_refuses_a_malformed_duel(member, contender_list, ids, fields):
    contenders = {"left": ids[0], "right": ids[1], "third": ids[2]}
    row = {"number": 1, "left_id": ids[0], "right_id": ids[1], "winner_id": ids[0]}
    for name, value in fields.items():
        if name in ("right", "winner"):
            row[f"{name}_id"] = contenders[value]
        else:
            row[name] = value

    with pytest.raises(IntegrityError), transaction.atomic():
        Duel.objects.create(user=member, contender_list=contender_list, **row)


# --- Moderation ------------------------------------------------------------------------------


def test_void_votes_voids_duels_too_and_logs_them(member, contender_list, moderator):
    answer(member, contender_list)
    answer(member, contender_list, winner=None)

    voided = void_votes(moderator=moderator, member=member, reason="A sock puppet")

    assert voided == 2
    assert Duel.objects.count() == 2
    assert not Duel.objects.counted().exists()
    entry = ModerationLogEntry.objects.get()
    assert entry.subject == f"0 votes and 2 duels by {member.username}"


def test_voided_duels_stop_counting(member, contender_list, moderator, relaxed_rate_limits):
    for _ in range(4):
        answer(member, contender_list, winner="left")
    counted = count_list(contender_list)
    assert counted.duels == 4

    void_votes(moderator=moderator, member=member, reason="A sock puppet")

    assert count_list(contender_list).duels == 0


# --- At the same moment (PostgreSQL, real threads) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_duel_posted_from_many_windows_at_once_is_stored_once(
    make_ranked_list, member, relaxed_rate_limits
):
    contender_list = make_ranked_list(6)
    post = post_of(member, contender_list)
    # Eight windows: six give the same answer, two another one.
    winners = [post["left_id"]] * 6 + [post["right_id"]] * 2

    errors = run_at_once([lambda w=w: answer_duel(**post, winner_id=w) for w in winners])

    stored = Duel.objects.get(user=member)
    refused_ones = [error for error in errors if isinstance(error, ActionRefused)]
    assert len(refused_ones) == len(errors)
    # Whichever answer won the race, every window that gave another one was refused.
    assert len(errors) == winners.count(
        post["right_id"] if stored.winner_id == post["left_id"] else post["left_id"]
    )
    assert {error.status for error in refused_ones} <= {409}
