"""The bundled verifier counts as the site does: the same definitions, checked on any input.

comments/verify.py is standard library only, so it cannot import
comments/counting/; these tests hold its definitions to the site's on the
published example and on random electorates.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from comments import verify
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
