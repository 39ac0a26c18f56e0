"""Ballots: a member's own top ten, saved, replaced, withdrawn and voided."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cities.models import Contender
from comments.ballots import save_ballot, withdraw_ballot
from comments.models import Ballot, BallotEntry
from comments.moderation import suspend_user, void_votes
from comments.services import ActionRefused
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import ranking, run_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(12)


@pytest.fixture
def ids(contender_list):
    """The list's contender ids, in their rank order."""
    return ranking(contender_list)


def stored(member, contender_list) -> list[int]:
    """The member's ballot for the list as stored: contender ids, best first."""
    return list(
        BallotEntry.objects.filter(ballot__user=member, ballot__contender_list=contender_list)
        .order_by("position")
        .values_list("contender_id", flat=True)
    )


def refused(**call) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        save_ballot(**call)
    return caught.value


# --- Saving -----------------------------------------------------------------------------


def test_a_member_saves_a_ballot_best_first(member, contender_list, ids):
    choice = [ids[4], ids[0], ids[7]]

    ballot = save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=choice)

    assert stored(member, contender_list) == choice
    positions = ballot.entries.order_by("position").values_list("position", flat=True)
    assert list(positions) == [1, 2, 3]


def test_saving_again_replaces_the_ballot_whole(member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:10])

    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=[ids[11], ids[3]])

    assert stored(member, contender_list) == [ids[11], ids[3]]
    assert Ballot.objects.filter(user=member).count() == 1


def test_two_members_ballots_are_their_own(member, contender_list, ids):
    other = UserFactory()
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])

    save_ballot(user=other, contender_list_id=contender_list.pk, contender_ids=ids[5:7])

    assert stored(member, contender_list) == ids[:3]
    assert stored(other, contender_list) == ids[5:7]


def test_one_member_keeps_one_ballot_per_list(member, make_ranked_list):
    first, second = make_ranked_list(3), make_ranked_list(3)

    save_ballot(user=member, contender_list_id=first.pk, contender_ids=ranking(first)[:2])
    save_ballot(user=member, contender_list_id=second.pk, contender_ids=ranking(second)[::-1])

    assert stored(member, first) == ranking(first)[:2]
    assert stored(member, second) == ranking(second)[::-1]


def test_withdrawing_removes_the_ballot(member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])

    assert withdraw_ballot(user=member, contender_list_id=contender_list.pk) is True

    assert not Ballot.objects.filter(user=member).exists()
    assert not BallotEntry.objects.exists()


def test_withdrawing_without_a_ballot_changes_nothing(member, contender_list, ids):
    other = UserFactory()
    save_ballot(user=other, contender_list_id=contender_list.pk, contender_ids=ids[:3])

    assert withdraw_ballot(user=member, contender_list_id=contender_list.pk) is False

    assert stored(other, contender_list) == ids[:3]


# --- Refusals: nothing written ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("choose", "words"),
    [
        (lambda ids: [], "from 1 to 10 cities; this one has 0"),
        (lambda ids: ids[:11], "from 1 to 10 cities; this one has 11"),
        (lambda ids: [ids[0], ids[1], ids[0]], "each city once"),
    ],
)
def test_a_malformed_ballot_is_refused(member, contender_list, ids, choose, words):
    refusal = refused(user=member, contender_list_id=contender_list.pk, contender_ids=choose(ids))

    assert refusal.status == 400
    assert words in refusal.message
    assert not Ballot.objects.exists()


def test_a_city_of_another_list_is_refused(member, contender_list, ids, make_ranked_list):
    elsewhere = ranking(make_ranked_list(2))[0]

    refusal = refused(
        user=member, contender_list_id=contender_list.pk, contender_ids=[ids[0], elsewhere]
    )

    assert (refusal.status, refusal.message) == (
        400,
        "A ballot can only rank cities of its own list.",
    )
    assert not Ballot.objects.exists()


@pytest.mark.parametrize("status", [Contender.Status.PENDING, Contender.Status.REJECTED])
def test_a_city_not_approved_is_refused(member, contender_list, ids, status):
    waiting = ContenderFactory(contender_list=contender_list, status=status)

    refusal = refused(
        user=member, contender_list_id=contender_list.pk, contender_ids=[ids[0], waiting.pk]
    )

    assert refusal.status == 409
    assert "waiting for a moderator" in refusal.message
    assert not Ballot.objects.exists()


def test_a_closed_list_takes_no_ballots(member, contender_list, ids):
    contender_list.is_open = False
    contender_list.save(update_fields=["is_open"])

    refusal = refused(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:2])

    assert (refusal.status, refusal.message) == (
        409,
        f"Voting on “{contender_list.title}” has closed.",
    )
    assert not Ballot.objects.exists()


def test_a_missing_list_is_refused(member, ids):
    refusal = refused(user=member, contender_list_id=0, contender_ids=ids[:2])

    assert (refusal.status, refusal.message) == (404, "That list does not exist.")


def test_an_unverified_member_cannot_save_a_ballot(contender_list, ids):
    unverified = UserFactory(verified=False)

    refusal = refused(user=unverified, contender_list_id=contender_list.pk, contender_ids=ids[:2])

    assert refusal.status == 403
    assert "Confirm your email address" in refusal.message
    assert not Ballot.objects.exists()


def test_a_suspended_member_cannot_save_or_withdraw(moderator, member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:2])
    suspend_user(moderator=moderator, member=member, reason="Ballot stuffing.")

    refusal = refused(user=member, contender_list_id=contender_list.pk, contender_ids=ids[5:7])
    with pytest.raises(ActionRefused) as withdrawal:
        withdraw_ballot(user=member, contender_list_id=contender_list.pk)

    for caught in (refusal, withdrawal.value):
        assert caught.status == 403
        assert "Ballot stuffing." in caught.message
    assert stored(member, contender_list) == ids[:2]


def test_ballots_are_rate_limited(member, contender_list, ids, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "ballot": {"established": {"minute": 2, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:1])
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:2])

    refusal = refused(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])

    assert refusal.status == 429
    assert "at most 2 ballot saves a minute" in refusal.message
    assert stored(member, contender_list) == ids[:2]


# --- The database holds the rules too --------------------------------------------------------


@pytest.mark.parametrize(
    "entries",
    [
        [(0, 1), (0, 2)],  # A contender twice.
        [(0, 1), (1, 1)],  # A position twice.
        [(0, 11)],  # Past the tenth place.
        [(0, 0)],  # Before the first.
    ],
)
def test_the_database_refuses_a_malformed_ballot(member, contender_list, ids, entries):
    ballot = Ballot.objects.create(user=member, contender_list=contender_list)

    with pytest.raises(IntegrityError), transaction.atomic():
        BallotEntry.objects.bulk_create(
            BallotEntry(ballot=ballot, contender_id=ids[index], position=position)
            for index, position in entries
        )


def test_the_database_keeps_one_ballot_per_member_and_list(member, contender_list):
    Ballot.objects.create(user=member, contender_list=contender_list)

    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(user=member, contender_list=contender_list)


# --- Moderators ------------------------------------------------------------------------------


def test_voiding_a_members_votes_voids_their_ballots(moderator, member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])
    other = UserFactory()
    save_ballot(user=other, contender_list_id=contender_list.pk, contender_ids=ids[:3])

    assert void_votes(moderator=moderator, member=member, reason="Sock puppet.") == 1

    assert list(Ballot.objects.counted().values_list("user", flat=True)) == [other.pk]
    assert stored(member, contender_list) == ids[:3]  # Kept, marked void.


def test_saving_again_replaces_a_voided_ballot(moderator, member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])
    void_votes(moderator=moderator, member=member, reason="Sock puppet.")

    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[4:6])

    ballot = Ballot.objects.get(user=member)
    assert ballot.voided_at is None
    assert stored(member, contender_list) == ids[4:6]


def test_voided_ballots_are_not_voided_twice(moderator, member, contender_list, ids):
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids[:3])
    void_votes(moderator=moderator, member=member, reason="Sock puppet.")
    first_void = Ballot.objects.get(user=member).voided_at

    assert void_votes(moderator=moderator, member=member, reason="Again.") == 0

    assert Ballot.objects.get(user=member).voided_at == first_void
    assert first_void <= timezone.now()


# --- At the same moment (PostgreSQL, real threads) ----------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_members_saving_at_once_each_keep_their_own_ballot(make_ranked_list):
    contender_list = make_ranked_list(12)
    ids = ranking(contender_list)
    members = UserFactory.create_batch(50)
    # Each member's top ten: the list rotated by their place in the batch.
    wanted = {member.pk: (ids[n % 12 :] + ids[: n % 12])[:10] for n, member in enumerate(members)}

    errors = run_at_once(
        [
            lambda m=member: save_ballot(
                user=m, contender_list_id=contender_list.pk, contender_ids=wanted[m.pk]
            )
            for member in members
        ]
    )

    assert errors == []
    assert Ballot.objects.count() == 50
    for member in members:
        assert stored(member, contender_list) == wanted[member.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_member_saving_from_two_windows_keeps_one_whole_ballot(
    make_ranked_list, member, relaxed_rate_limits
):
    contender_list = make_ranked_list(12)
    ids = ranking(contender_list)
    windows = [ids[:10], ids[2:12][::-1], ids[:3], ids[5:9]] * 3

    errors = run_at_once(
        [
            lambda choice=choice: save_ballot(
                user=member, contender_list_id=contender_list.pk, contender_ids=choice
            )
            for choice in windows
        ]
    )

    assert errors == []
    assert Ballot.objects.filter(user=member).count() == 1
    assert stored(member, contender_list) in windows  # One window's ballot, whole.
