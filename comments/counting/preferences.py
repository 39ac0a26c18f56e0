"""Members' preferences over a list's contenders, as one sparse tier matrix.

A member prefers contender i to j when i sits in a higher tier of theirs:

- a member with a ballot ranks its contenders in order, all above the ones it
  leaves out: tier = L - place for a ballot of L contenders (L for the
  first, 1 for the last), 0 for every contender left out;
- a member without a ballot counts through their votes as a three-tier
  ballot: tier +1 for an up vote, -1 for a down vote, 0 for no vote;
- a member with neither has every contender in tier 0 and prefers nothing.

The tier matrix T is (members x contenders), CSR, holding only the nonzero
tiers; tier 0 (unranked, unvoted) is implicit, so a member costs what they
expressed, not the size of the list. Tiers compare only within a row: a
ballot's last place and an up vote are both 1, and never meet.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse


def tier_matrix(
    *,
    n_members: int,
    n_contenders: int,
    ballot_members: ArrayLike = (),
    ballot_contenders: ArrayLike = (),
    ballot_positions: ArrayLike = (),
    vote_members: ArrayLike = (),
    vote_contenders: ArrayLike = (),
    vote_values: ArrayLike = (),
) -> sparse.csr_array:
    """The (members x contenders) tier matrix from ballot rows and vote rows.

    Each argument is a column of rows as a query returns them (indices
    0..n-1, mapped by the caller): a ballot entry (member, contender,
    position) and a vote (member, contender, +1 or -1). Positions only order
    a ballot: gaps close up (a rejected contender's place is gone), so a
    ballot of L entries gets tiers L, L-1, ..., 1. A member's votes are left
    out when they have a ballot. Raises ValueError on indices out of range, a
    contender twice in one ballot or among one member's votes, two entries
    of a ballot at one position, a position below 1 or a vote other than
    +1/-1.
    """
    b_member, b_contender = _indices(ballot_members, ballot_contenders, n_members, n_contenders)
    position = np.asarray(ballot_positions, dtype=np.int64).reshape(-1)
    v_member, v_contender = _indices(vote_members, vote_contenders, n_members, n_contenders)
    value = np.asarray(vote_values, dtype=np.int64).reshape(-1)
    if len(position) != len(b_member) or len(value) != len(v_member):
        raise ValueError("every ballot entry needs a position and every vote a value")
    if np.any(position < 1):
        raise ValueError("ballot positions start at 1")
    if not np.all((value == 1) | (value == -1)):
        raise ValueError("a vote is +1 (up) or -1 (down)")
    _refuse_repeats(b_member, b_contender, n_contenders, "a contender appears twice in a ballot")
    _refuse_repeats(v_member, v_contender, n_contenders, "a member voted twice on a contender")

    # Sort each ballot by position; an entry's place is its offset from the
    # ballot's first entry, which closes up any gaps in the positions.
    by_position = np.lexsort((position, b_member))
    b_member, b_contender, position = (
        b_member[by_position],
        b_contender[by_position],
        position[by_position],
    )
    same_ballot = b_member[1:] == b_member[:-1]
    if np.any(same_ballot & (position[1:] == position[:-1])):
        raise ValueError("two contenders share a position in a ballot")
    ballot_start = np.flatnonzero(np.r_[True, ~same_ballot])
    ballot_length = np.diff(np.r_[ballot_start, len(b_member)])
    place = np.arange(len(b_member)) - np.repeat(ballot_start, ballot_length)
    ballot_tier = np.repeat(ballot_length, ballot_length) - place

    has_ballot = np.zeros(n_members, dtype=bool)
    has_ballot[b_member] = True
    counted_vote = ~has_ballot[v_member]

    rows = np.concatenate([b_member, v_member[counted_vote]])
    columns = np.concatenate([b_contender, v_contender[counted_vote]])
    tiers = np.concatenate([ballot_tier, value[counted_vote]]).astype(np.int32)
    matrix = sparse.csr_array((tiers, (rows, columns)), shape=(n_members, n_contenders))
    matrix.sort_indices()
    return matrix


def counting_members(tiers: sparse.csr_array) -> NDArray[np.bool_]:
    """(members,) True for each member who prefers something (has a nonzero tier)."""
    return np.diff(tiers.indptr) > 0


def entry_rows(tiers: sparse.csr_array) -> NDArray[np.intp]:
    """The member (row) of each stored entry of a CSR matrix, aligned with `.data`."""
    return np.repeat(np.arange(tiers.shape[0]), np.diff(tiers.indptr))


def _indices(
    members: ArrayLike, contenders: ArrayLike, n_members: int, n_contenders: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    member = np.asarray(members, dtype=np.int64).reshape(-1)
    contender = np.asarray(contenders, dtype=np.int64).reshape(-1)
    if len(member) != len(contender):
        raise ValueError("every row needs a member and a contender")
    if np.any((member < 0) | (member >= n_members)):
        raise ValueError(f"member indices must be in 0..{n_members - 1}")
    if np.any((contender < 0) | (contender >= n_contenders)):
        raise ValueError(f"contender indices must be in 0..{n_contenders - 1}")
    return member, contender


def _refuse_repeats(
    member: NDArray[np.int64], contender: NDArray[np.int64], n_contenders: int, message: str
) -> None:
    keys = member * n_contenders + contender
    if len(np.unique(keys)) != len(keys):
        raise ValueError(message)
