"""Electorates for the counting tests: published ballots, random members, plain references."""

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

from comments.counting.preferences import tier_matrix

# Wikipedia, "Schulze method", the example of 45 voters and 5 candidates.
WIKIPEDIA_SCHULZE_BALLOTS = [
    (5, "ACBED"),
    (5, "ADECB"),
    (8, "BEDAC"),
    (3, "CABED"),
    (7, "CAEBD"),
    (2, "CBADE"),
    (7, "DCEBA"),
    (8, "EBADC"),
]


@dataclass
class Member:
    """One member's preferences as a person states them: a ballot, or votes."""

    ballot: list[int] = field(default_factory=list)  # contender indices, first place first
    votes: dict[int, int] = field(default_factory=dict)  # contender index: +1 or -1

    def tiers(self, n: int) -> list[int]:
        """Tier of every contender, written out plainly: the reference reading."""
        if self.ballot:
            return [
                len(self.ballot) - self.ballot.index(c) if c in self.ballot else 0
                for c in range(n)
            ]
        return [self.votes.get(c, 0) for c in range(n)]


def letters_ballots(groups: list[tuple[int, str]], names: str = "ABCDE") -> list[Member]:
    """Members from (count, "ACBED") groups, one ballot each."""
    return [
        Member(ballot=[names.index(letter) for letter in order])
        for count, order in groups
        for _ in range(count)
    ]


def tiers_of(members: list[Member], n: int, *, positions_from: int = 1, gap: int = 1):
    """The tier matrix of `members`, built from rows as a query would return them."""
    ballot_rows = [
        (m, c, positions_from + gap * place)
        for m, member in enumerate(members)
        for place, c in enumerate(member.ballot)
    ]
    vote_rows = [(m, c, v) for m, member in enumerate(members) for c, v in member.votes.items()]
    b_member, b_contender, b_position = (
        zip(*ballot_rows, strict=True) if ballot_rows else ((),) * 3
    )
    v_member, v_contender, v_value = zip(*vote_rows, strict=True) if vote_rows else ((),) * 3
    return tier_matrix(
        n_members=len(members),
        n_contenders=n,
        ballot_members=b_member,
        ballot_contenders=b_contender,
        ballot_positions=b_position,
        vote_members=v_member,
        vote_contenders=v_contender,
        vote_values=v_value,
    )


def naive_pairwise(members: list[Member], n: int, weights=None) -> np.ndarray:
    """d[i, j], one member and one pair at a time: the definition, nothing clever."""
    d = np.zeros((n, n))
    for m, member in enumerate(members):
        weight = 1.0 if weights is None else float(weights[m])
        tiers = member.tiers(n)
        for i in range(n):
            for j in range(n):
                if tiers[i] > tiers[j]:
                    d[i, j] += weight
    return d


@st.composite
def electorates(draw, *, min_contenders: int = 1, max_contenders: int = 8, max_members: int = 25):
    """(n, members): each member has a ballot, or votes, or (rarely) nothing."""
    n = draw(st.integers(min_contenders, max_contenders))
    contender = st.integers(0, n - 1)
    ballot = st.lists(contender, min_size=1, max_size=min(10, n), unique=True)
    votes = st.dictionaries(contender, st.sampled_from([1, -1]), min_size=1)
    member = st.one_of(
        ballot.map(lambda order: Member(ballot=order)),
        votes.map(lambda chosen: Member(votes=chosen)),
        st.tuples(ballot, votes).map(lambda both: Member(ballot=both[0], votes=both[1])),
        st.just(Member()),
    )
    return n, draw(st.lists(member, max_size=max_members))
