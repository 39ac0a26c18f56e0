"""Counting lists by Schulze, Borda and Duels from the stored rows, resampling their rank
intervals in the job each count queues, and checking both."""

import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings, strategies
from scipy import linalg
from threadpoolctl import threadpool_info, threadpool_limits

from cities.models import Contender
from comments.ballots import save_ballot, withdraw_ballot
from comments.duels import answer_duel
from comments.models import CountedMethod, ListCount, MethodStanding
from comments.moderation import make_moderator, reject_contender, void_votes
from comments.services import cast_vote
from comments.tallies import count_list, find_count_drift
from comments.tasks import BOOTSTRAP_PENDING_KEY, PENDING_KEY
from comments.uncertainty import bootstrap_list, find_bootstrap_drift
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import WIKIPEDIA_BALLOTS, cast_ballots

pytestmark = pytest.mark.django_db

SCHULZE, BORDA = CountedMethod.SCHULZE, CountedMethod.BORDA


def lettered_list(letters: str):
    """A list of contenders named by `letters`, and their contender ids by letter."""
    contender_list = ContenderListFactory()
    return contender_list, {
        letter: ContenderFactory(contender_list=contender_list, city=CityFactory(name=letter)).pk
        for letter in letters
    }


@pytest.fixture
def letters(db):
    """A list of five contenders named A to E, by contender id."""
    return lettered_list("ABCDE")


def standings(contender_list, ids, method) -> dict[str, tuple[int, float]]:
    letter_of = {pk: letter for letter, pk in ids.items()}
    rows = MethodStanding.objects.filter(contender_list=contender_list, method=method)
    return {letter_of[row.contender_id]: (row.rank, row.score) for row in rows}


def test_wikipedias_example_counts_as_published(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)

    count_list(contender_list)

    schulze = standings(contender_list, ids, SCHULZE)
    assert sorted(schulze, key=lambda letter: schulze[letter][0]) == list("EACBD")
    borda = standings(contender_list, ids, BORDA)
    assert {letter: score for letter, (_, score) in borda.items()} == {
        "E": 102,
        "A": 98,
        "B": 92,
        "C": 89,
        "D": 69,
    }
    assert sorted(borda, key=lambda letter: borda[letter][0]) == list("EABCD")
    found = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)
    assert (found.ballots, found.voters, found.contenders) == (45, 0, 5)
    assert found.condorcet_winner is None  # E wins by Schulze but loses to C head to head.


# Wikipedia, "Bradley-Terry model": wins of A over B, C, D; of B; of C; of D.
WIKIPEDIA_DUELS = {"A": (2, 0, 1), "B": (3, 5, 0), "C": (0, 3, 1), "D": (4, 0, 3)}


def answer_duels(contender_list, ids, wins: dict[str, tuple[int, ...]]) -> None:
    """Each win as a duel of its own member, through the service the duel page posts to."""
    for winner, counts in wins.items():
        losers = [letter for letter in "ABCD" if letter != winner]
        for loser, times in zip(losers, counts, strict=True):
            for user in UserFactory.create_batch(times):
                answer_duel(
                    user=user,
                    contender_list_id=contender_list.pk,
                    number=1,
                    left_id=ids[loser],
                    right_id=ids[winner],
                    winner_id=ids[winner],
                )


@pytest.fixture
def four_teams(db):
    """A list of four contenders named A to D, by contender id."""
    return lettered_list("ABCD")


def test_wikipedias_bradley_terry_example_counts_as_published(four_teams, settings):
    settings.DUEL_PRIOR_DUELS = 0  # The plain maximum likelihood, as Wikipedia fits it.
    contender_list, ids = four_teams
    answer_duels(contender_list, ids, WIKIPEDIA_DUELS)

    count_list(contender_list)

    rows = {
        row.contender_id: row
        for row in MethodStanding.objects.filter(method=CountedMethod.BRADLEY_TERRY)
    }
    strengths = [round(rows[ids[letter]].strength, 3) for letter in "ABCD"]
    assert strengths == [0.640, 1.043, 0.660, 2.270]
    assert sorted("ABCD", key=lambda letter: rows[ids[letter]].rank) == list("DBCA")
    # The score: the chance of beating a random other, here D against A, B and C.
    p = dict(zip("ABCD", strengths, strict=True))
    d_score = 100 * sum(p["D"] / (p["D"] + p[other]) for other in "ABC") / 3
    assert rows[ids["D"]].score == pytest.approx(d_score, abs=0.05)
    # Games played: wins plus losses, A 3 + 7, B 8 + 5, C 4 + 8, D 7 + 2.
    assert [rows[ids[letter]].comparisons for letter in "ABCD"] == [10, 13, 12, 9]
    found = ListCount.objects.get(
        contender_list=contender_list, method=CountedMethod.BRADLEY_TERRY
    )
    assert (found.voters, found.contenders) == (22, 4)


def test_duels_with_the_prior_keep_the_order_and_stay_finite(four_teams):
    contender_list, ids = four_teams
    answer_duels(contender_list, ids, WIKIPEDIA_DUELS)
    undecided = UserFactory()
    answer_duel(
        user=undecided,
        contender_list_id=contender_list.pk,
        number=1,
        left_id=ids["A"],
        right_id=ids["B"],
        winner_id=None,
        reason="Never been to either",
    )

    result = count_list(contender_list)

    by_letter = {letter: result.strengths[pk] for letter, pk in ids.items()}
    assert sorted(by_letter, key=by_letter.get, reverse=True) == list("DBCA")
    assert result.duels == 22  # "Can't decide" is a comparison, not a duel won.
    assert result.comparisons[ids["A"]] == 11
    assert find_count_drift(contender_list) == []


def test_members_without_a_ballot_count_through_their_votes(letters):
    contender_list, ids = letters
    # Up above unvoted above down, for three members.
    for _ in range(3):
        member = UserFactory()
        cast_vote(user=member, contender_id=ids["D"], value=1)
        cast_vote(user=member, contender_id=ids["A"], value=-1)
    cast_ballots(contender_list, ids, {"AB": 1})

    count_list(contender_list)

    schulze = standings(contender_list, ids, SCHULZE)
    assert schulze["D"][0] == 1
    assert schulze["A"][0] == 5  # Below everyone for three members, first for one.
    found = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)
    assert (found.ballots, found.voters) == (1, 3)
    assert found.condorcet_winner_id == ids["D"]


def test_a_member_with_a_ballot_counts_by_the_ballot_not_the_votes(letters):
    contender_list, ids = letters
    member = UserFactory()
    cast_vote(user=member, contender_id=ids["E"], value=1)
    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=[ids["B"]])

    count_list(contender_list)

    assert standings(contender_list, ids, BORDA)["B"] == (1, 4)
    assert standings(contender_list, ids, BORDA)["E"] == (5, 0)


def test_a_rejected_contender_drops_out_and_the_places_behind_it_close_up(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, {"CAB": 2, "ABC": 1})
    moderator = UserFactory()
    make_moderator(moderator)
    moderator = type(moderator).objects.get(pk=moderator.pk)

    reject_contender(
        moderator=moderator, contender=Contender.objects.get(pk=ids["C"]), reason="Duplicate."
    )
    count_list(contender_list)

    borda = standings(contender_list, ids, BORDA)
    assert "C" not in borda
    # A is above B on every ballot once C is gone: 3 members x 3 others beaten.
    assert borda["A"] == (1, 9)
    assert borda["B"] == (2, 6)


def test_voided_ballots_stop_counting(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, {"EDCBA": 2})
    sock = UserFactory()
    save_ballot(
        user=sock, contender_list_id=contender_list.pk, contender_ids=[ids[x] for x in "ABCDE"]
    )
    moderator = UserFactory()
    make_moderator(moderator)
    moderator = type(moderator).objects.get(pk=moderator.pk)

    void_votes(moderator=moderator, member=sock, reason="Sock puppet.")
    count_list(contender_list)

    assert standings(contender_list, ids, BORDA)["E"] == (1, 8)
    assert ListCount.objects.get(contender_list=contender_list, method=BORDA).ballots == 2


def test_a_count_replaces_the_last_one(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, {"ABCDE": 1})
    count_list(contender_list)
    first = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)

    cast_ballots(contender_list, ids, {"EDCBA": 2})
    count_list(contender_list)

    again = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)
    assert again.inputs_digest != first.inputs_digest
    # Five contenders, each once by every method.
    assert MethodStanding.objects.filter(contender_list=contender_list).count() == 5 * len(
        CountedMethod
    )
    assert standings(contender_list, ids, SCHULZE)["E"][0] == 1


def test_the_same_rows_give_the_same_digest_and_results(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_list(contender_list)
    first = ListCount.objects.get(contender_list=contender_list, method=SCHULZE).inputs_digest
    before = standings(contender_list, ids, SCHULZE)

    count_list(contender_list)

    assert ListCount.objects.get(contender_list=contender_list, method=SCHULZE).inputs_digest == (
        first
    )
    assert standings(contender_list, ids, SCHULZE) == before


# --- rank_lists and its --check ---------------------------------------------------------------


def rank_lists(*args) -> str:
    out = io.StringIO()
    call_command("rank_lists", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_rank_lists_counts_and_check_finds_what_changed_since(
    letters, django_capture_on_commit_callbacks
):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, {"ABCDE": 2})

    with django_capture_on_commit_callbacks(execute=True):  # The bootstrap each count queues.
        assert "1 lists counted" in rank_lists("--list", contender_list.slug)
    assert "every stored result and rank interval matches" in rank_lists("--check")

    cast_ballots(contender_list, ids, {"EDCBA": 3})
    with pytest.raises(CommandError, match="stored results differ from a recount"):
        rank_lists("--check")
    assert find_count_drift(contender_list)  # What the command listed.


def test_check_reports_rank_intervals_of_other_rows_as_stale(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, {"ABCDE": 12})
    count_list(contender_list)
    bootstrap_list(contender_list)
    cast_ballots(contender_list, ids, {"EDCBA": 3})
    count_list(contender_list)  # Its bootstrap not run yet.

    assert find_count_drift(contender_list) == []
    stale = find_bootstrap_drift(contender_list)
    assert len(stale) == len(CountedMethod)
    assert all("are stale: resampled at" in line for line in stale)
    with pytest.raises(CommandError, match="3 stored rank intervals are stale or differ"):
        rank_lists("--check")


def test_check_finds_a_rank_interval_that_differs_from_a_bootstrap(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_list(contender_list)
    bootstrap_list(contender_list)
    assert find_bootstrap_drift(contender_list) == []
    resampled = intervals(contender_list, BORDA)[ids["A"]]
    lower, upper, *rest = resampled

    MethodStanding.objects.filter(contender_id=ids["A"], method=BORDA).update(rank_upper=upper + 1)

    assert find_bootstrap_drift(contender_list) == [
        f"rank interval of contender {ids['A']} by borda: "
        f"stored {(lower, upper + 1, *rest)}, resampled {resampled}"
    ]


def test_rank_lists_refuses_an_unknown_list(db):
    with pytest.raises(CommandError, match="No list has the slug 'nowhere'"):
        rank_lists("--list", "nowhere")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=strategies.lists(
        strategies.tuples(
            strategies.integers(0, 3),  # Which member.
            strategies.sampled_from(["ballot", "withdraw", "up", "down", "none"]),
            strategies.permutations(range(5)).flatmap(
                lambda order: strategies.integers(1, 5).map(lambda size: order[:size])
            ),
        ),
        max_size=12,
    )
)
def test_the_check_is_clean_after_any_ballots_and_votes(letters, relaxed_rate_limits, actions):
    contender_list, ids = letters
    pks = list(ids.values())
    with transaction.atomic():
        members = UserFactory.create_batch(4)
        for who, action, order in actions:
            member, chosen = members[who], [pks[i] for i in order]
            if action == "ballot":
                save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=chosen)
            elif action == "withdraw":
                withdraw_ballot(user=member, contender_list_id=contender_list.pk)
            else:
                value = {"up": 1, "down": -1, "none": 0}[action]
                cast_vote(user=member, contender_id=chosen[0], value=value)
        count_list(contender_list)
        assert find_count_drift(contender_list) == []
        transaction.set_rollback(True)


# --- The queue ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_saved_ballot_queues_a_count_that_runs_after_commit(letters):
    contender_list, ids = letters
    member = UserFactory()

    save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=[ids["C"]])

    assert standings(contender_list, ids, SCHULZE)["C"] == (1, 4)
    assert cache.get(PENDING_KEY.format(list_id=contender_list.pk)) is None


@pytest.mark.django_db(transaction=True)
def test_a_count_already_waiting_takes_no_second_one(letters):
    contender_list, ids = letters
    cache.set(PENDING_KEY.format(list_id=contender_list.pk), True)

    cast_vote(user=UserFactory(), contender_id=ids["B"], value=1)

    assert not MethodStanding.objects.filter(contender_list=contender_list).exists()


@pytest.mark.django_db(transaction=True)
def test_a_vote_queues_a_count(letters):
    contender_list, ids = letters

    cast_vote(user=UserFactory(), contender_id=ids["B"], value=1)

    assert standings(contender_list, ids, BORDA)["B"] == (1, 4)


def test_a_count_queues_its_bootstrap_to_run_once_it_commits(
    letters, django_capture_on_commit_callbacks
):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)

    with django_capture_on_commit_callbacks(execute=True):
        count_list(contender_list)
        assert set(intervals(contender_list, BORDA).values()) == {(None,) * 5}

    assert None not in set(intervals(contender_list, BORDA).values())
    found = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert found.bootstrap_digest == found.inputs_digest
    assert cache.get(BOOTSTRAP_PENDING_KEY.format(list_id=contender_list.pk)) is None


@pytest.mark.django_db(transaction=True)
def test_a_vote_brings_the_count_and_then_the_bootstrap(letters):
    contender_list, ids = letters

    cast_vote(user=UserFactory(), contender_id=ids["B"], value=1)

    found = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert found.bootstrapped_at is not None
    assert found.bootstrap_digest == found.inputs_digest


@pytest.mark.django_db(transaction=True)
def test_a_bootstrap_already_waiting_takes_no_second_one(letters):
    contender_list, ids = letters
    cache.set(BOOTSTRAP_PENDING_KEY.format(list_id=contender_list.pk), True)

    cast_vote(user=UserFactory(), contender_id=ids["B"], value=1)

    found = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert found.bootstrapped_at is None  # Counted, but the waiting bootstrap has not run.


# --- How sure the ranks are: the bootstrap ---------------------------------------------------


def intervals(contender_list, method) -> dict[int, tuple]:
    rows = MethodStanding.objects.filter(contender_list=contender_list, method=method)
    return {
        row.contender_id: (
            row.rank_lower,
            row.rank_upper,
            row.top_ten_chance,
            row.conservative_rank,
            row.band,
        )
        for row in rows
    }


def widths(contender_list, method) -> int:
    """The sum of the widths of the method's rank intervals."""
    return sum(upper - lower for lower, upper, *_ in intervals(contender_list, method).values())


def count_and_bootstrap(contender_list) -> None:
    """The count, then the bootstrap it queues, one after the other as the queue runs them."""
    count_list(contender_list)
    bootstrap_list(contender_list)


def test_every_method_stores_rank_intervals_and_the_same_seed_stores_the_same(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    answer_duels(contender_list, ids, WIKIPEDIA_DUELS)

    count_and_bootstrap(contender_list)
    first = {method: intervals(contender_list, method) for method in CountedMethod}
    ListCount.objects.update(bootstrap_digest="")  # Forgotten: the next one resamples again.
    assert bootstrap_list(contender_list) is not None

    for method in CountedMethod:
        assert intervals(contender_list, method) == first[method]
        found = ListCount.objects.get(contender_list=contender_list, method=method)
        assert (found.rounds, found.seed, found.resampled_contenders) == (
            200,
            contender_list.pk,
            5,
        )
        for row in MethodStanding.objects.filter(contender_list=contender_list, method=method):
            assert 1 <= row.rank_lower <= row.rank_upper <= 5
            assert row.conservative_rank <= row.rank_lower
            assert row.top_ten_chance == 1.0  # Five contenders are all in a Top Ten.
    assert (
        ListCount.objects.get(contender_list=contender_list, method=BORDA).resampled_members == 45
    )
    duels = ListCount.objects.get(
        contender_list=contender_list, method=CountedMethod.BRADLEY_TERRY
    )
    assert duels.resampled_members == 22
    assert find_count_drift(contender_list) == []
    assert find_bootstrap_drift(contender_list) == []


def test_the_count_stores_no_intervals_and_keeps_the_last_bootstraps(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_list(contender_list)
    assert set(intervals(contender_list, BORDA).values()) == {(None,) * 5}
    bootstrap_list(contender_list)
    resampled = intervals(contender_list, BORDA)
    first = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert first.bootstrap_digest == first.inputs_digest
    assert first.bootstrapped_at is not None

    cast_ballots(contender_list, ids, {"ABCDE": 20})
    count_list(contender_list)

    assert intervals(contender_list, BORDA) == resampled
    again = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert again.inputs_digest != first.inputs_digest
    assert (again.bootstrap_digest, again.bootstrapped_at) == (
        first.bootstrap_digest,
        first.bootstrapped_at,
    )


def test_a_bootstrap_of_the_rows_it_last_resampled_is_skipped(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)
    resampled_at = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    count_list(contender_list)  # Nothing changed.

    assert bootstrap_list(contender_list) is None

    stored = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert stored.bootstrapped_at == resampled_at.bootstrapped_at


def test_a_bootstrap_before_any_count_has_nothing_to_resample_for(letters):
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)

    assert bootstrap_list(contender_list) is None
    assert not ListCount.objects.filter(contender_list=contender_list).exists()


def test_the_count_and_the_bootstrap_keep_blas_to_one_thread(letters, monkeypatch):
    """OpenBLAS's thread per core made each dense solve 20 to 35 times slower on busy cores."""
    seen = []

    def watching(solver):
        def watched(*args, **kwargs):
            blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
            seen.append(max(info["num_threads"] for info in blas))
            return solver(*args, **kwargs)

        return watched

    for name in ("solve", "cho_factor", "cho_solve"):
        monkeypatch.setattr(linalg, name, watching(getattr(linalg, name)))
    contender_list, ids = letters
    answer_duels(contender_list, ids, WIKIPEDIA_DUELS)

    with threadpool_limits(limits=2, user_api="blas"):  # Two cores' worth, whatever the machine.
        count_and_bootstrap(contender_list)

    assert seen
    assert set(seen) == {1}


def test_the_intervals_shrink_as_members_are_added(letters):
    """The same electorate four times over: each rank is surer, none less sure."""
    contender_list, ids = letters
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)
    before = {method: widths(contender_list, method) for method in (SCHULZE, BORDA)}

    for _ in range(3):
        cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)

    for method in (SCHULZE, BORDA):
        assert widths(contender_list, method) < before[method]


def test_a_list_nobody_voted_on_stores_no_intervals(letters):
    contender_list, _ = letters

    count_and_bootstrap(contender_list)

    assert set(intervals(contender_list, BORDA).values()) == {(None,) * 5}
    found = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert (found.rounds, found.bootstrap_digest) == (0, found.inputs_digest)


def test_a_list_of_one_contender_counts_it_first_and_even_by_every_method(db):
    lone = ContenderFactory(contender_list=ContenderListFactory(), city=CityFactory())
    cast_vote(user=UserFactory(), contender_id=lone.pk, value=1)

    count_list(lone.contender_list)

    duels = MethodStanding.objects.get(contender=lone, method=CountedMethod.BRADLEY_TERRY)
    assert (duels.rank, duels.score) == (1, 50.0)
    assert set(MethodStanding.objects.filter(contender=lone).values_list("rank", flat=True)) == {1}


def test_a_list_without_contenders_counts_to_nothing(db):
    empty = ContenderListFactory()

    count_list(empty)

    assert not MethodStanding.objects.filter(contender_list=empty).exists()
    assert ListCount.objects.filter(contender_list=empty).count() == len(CountedMethod.values)


@pytest.mark.django_db(transaction=True)
def test_a_count_this_process_just_queued_is_not_asked_about_again(letters, monkeypatch, settings):
    """For half the count's delay, a process that queued it knows it waits: no round trip."""
    from comments import tasks

    contender_list, ids = letters
    pending = PENDING_KEY.format(list_id=contender_list.pk)
    queued = []
    monkeypatch.setitem(tasks.count_list_task.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.count_list_task, "apply_async", lambda *a, **k: queued.append(a))
    monkeypatch.setattr(tasks, "_queued_at", {})

    cast_vote(user=UserFactory(), contender_id=ids["A"], value=1)
    cache.delete(pending)  # Were the cache asked, it would queue a second count.
    cast_vote(user=UserFactory(), contender_id=ids["B"], value=1)
    skipped = len(queued)
    tasks._queued_at[contender_list.pk] -= settings.RANKED_COUNT_DELAY / 2
    cast_vote(user=UserFactory(), contender_id=ids["C"], value=1)

    assert (skipped, len(queued)) == (1, 2)
    assert cache.get(pending)
