"""The bundled verifier counts as the site does: the same definitions, checked on any input.

comments/verify.py is standard library only, so it cannot import
comments/counting/; these tests hold its definitions to the site's on the
published example and on random electorates.
"""

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments import verify
from comments.counting.bradley_terry import bradley_terry_strengths, win_chances
from comments.counting.ranks import ranks_from_scores
from comments.counting.schulze import CONDORCET_LIMIT, count_schulze
from tests.comments.counting.electorates import (
    WIKIPEDIA_SCHULZE_BALLOTS,
    electorates,
    letters_ballots,
    tiers_of,
)


def rows_of(members, *, positions_from=1, gap=1):
    """Vote and ballot rows as an export holds them: (member, contender index, value)."""
    votes = [(f"m{m}", c, v) for m, member in enumerate(members) for c, v in member.votes.items()]
    ballots = [
        (f"m{m}", c, positions_from + gap * place)
        for m, member in enumerate(members)
        for place, c in enumerate(member.ballot)
    ]
    return votes, ballots


def test_it_counts_wikipedias_45_voters_as_published():
    votes, ballots = rows_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS))
    counted = verify.recount(5, votes, ballots)
    schulze_ranks, _ = counted["schulze"]
    assert "".join(sorted("ABCDE", key=lambda c: schulze_ranks["ABCDE".index(c)])) == "EACBD"
    _, borda = counted["borda"]
    assert borda == [98.0, 92.0, 89.0, 69.0, 102.0]


def test_its_constants_are_the_sites():
    assert verify.CONDORCET_LIMIT == CONDORCET_LIMIT


@given(
    electorates(max_contenders=12, max_members=30),
    st.integers(1, 3),
    st.integers(1, 4),
)
def test_schulze_and_borda_agree_with_the_sites_count(electorate, positions_from, gap):
    n, members = electorate
    votes, ballots = rows_of(members, positions_from=positions_from, gap=gap)
    site = count_schulze(tiers_of(members, n, positions_from=positions_from, gap=gap))
    counted = verify.recount(n, votes, ballots)
    assert counted["borda"][1] == site.borda.tolist()
    assert counted["borda"][0] == ranks_from_scores(site.borda).tolist()
    assert counted["schulze"][0] == site.ranks.tolist()


@given(electorates(min_contenders=4, max_contenders=10, max_members=30), st.integers(1, 3))
def test_the_subset_rule_for_big_lists_is_the_sites(electorate, limit):
    n, members = electorate
    votes, ballots = rows_of(members)
    site = count_schulze(tiers_of(members, n), limit=limit)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(verify, "CONDORCET_LIMIT", limit)
        ranks, _ = verify.recount(n, votes, ballots)["schulze"]
    assert ranks == site.ranks.tolist()


def test_numpy_and_plain_python_find_the_same_strongest_paths():
    generator = np.random.default_rng(7)
    table = generator.integers(0, 40, size=(60, 60))
    np.fill_diagonal(table, 0)
    with_numpy = verify.strongest_paths(table.tolist())  # Above 50 contenders: NumPy.
    d = table.tolist()
    paths = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(60)] for i in range(60)]
    for via in range(60):
        for i in range(60):
            for j in range(60):
                if i != j:
                    paths[i][j] = max(paths[i][j], min(paths[i][via], paths[via][j]))
    for i in range(60):
        paths[i][i] = 0
    assert with_numpy == paths


# Wikipedia's Bradley-Terry example ("Bradley-Terry model", worked example):
# wins of A over B, C, D: 2, 0, 1; of B: 3, 5, 0; of C: 0, 3, 1; of D: 4, 0, 3.
WIKIPEDIA_WINS = [[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]]


def wins_of(table):
    return {(i, j): times for i, row in enumerate(table) for j, times in enumerate(row) if times}


def test_it_fits_wikipedias_bradley_terry_example_as_published():
    strengths = verify.bradley_terry(4, wins_of(WIKIPEDIA_WINS), prior=0.0)
    assert [round(p, 3) for p in strengths] == [0.640, 1.043, 0.660, 2.270]


def test_its_duels_read_the_winner_of_each_duel_and_skip_the_undecided():
    duels = [("m1", 0, 1, 1), ("m2", 1, 0, 1), ("m3", 0, 1, None), ("m1", 2, 0, 0)]
    assert verify.duel_wins(duels) == {(1, 0): 2, (0, 2): 1}
    with pytest.raises(verify.Mismatch, match="won by 2, who was not in it"):
        verify.duel_wins([("m1", 0, 1, 2)])


duel_tables = st.integers(2, 9).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 6), min_size=n, max_size=n), min_size=n, max_size=n)
)


@given(duel_tables, st.sampled_from([0.5, 1.0, 3.0]))
def test_its_duel_fit_agrees_with_the_sites(table, prior):
    n = len(table)
    for i in range(n):
        table[i][i] = 0
    site = bradley_terry_strengths(np.array(table, dtype=float), prior_duels=prior)
    mine = verify.bradley_terry(n, wins_of(table), prior)
    assert np.allclose(mine, site, rtol=verify.DUEL_STRENGTH_TOLERANCE / 10, atol=0)
    assert np.allclose(verify.win_chances(mine), win_chances(site), rtol=0, atol=1e-8)


def test_its_duel_fit_is_the_same_without_numpy(monkeypatch):
    generator = np.random.default_rng(11)
    table = generator.integers(0, 8, size=(12, 12))
    np.fill_diagonal(table, 0)
    with_numpy = verify.bradley_terry(12, wins_of(table.tolist()), 1.0)
    monkeypatch.setitem(sys.modules, "numpy", None)  # `import numpy` now fails.
    without = verify.bradley_terry(12, wins_of(table.tolist()), 1.0)
    assert np.allclose(with_numpy, without, rtol=1e-12, atol=0)
