"""A list's method page assembled: how each method ranks it, and the head-to-head table.

What the page shows comes from stored rows in a fixed number of queries:
the list with what its last count found (ListCount), the leading ten by
Schulze with their ranks by every method (MethodStanding and the live
columns), the leading ten by each counted method with how sure their ranks
are (the bootstrap's fields of MethodStanding, in one query), and the
head-to-head counts among Schulze's ten. The counts need
every member's preference, so they are counted from the votes and ballots
(comments.tallies.head_to_head_among, three queries and sparse products)
and kept in the "fragments" cache under the list's last count digest: a
new count is a new key, so the table is recounted once per count, never on
every view. That counting module loads NumPy and SciPy, so it is imported
only when a table is counted, not by every web process.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.shortcuts import get_object_or_404

from cities.models import COUNTED_METHODS, METHOD_NAMES, Contender, ContenderList, RankingMethod
from comments.models import MIN_RESAMPLED_MEMBERS, MethodStanding

TABLE_SIZE = 10


@dataclass(frozen=True)
class Duel:
    """The row's contender against the column's: how many members put each above the other."""

    wins: int
    losses: int

    @property
    def ranked_both(self) -> int:
        """Members who ordered the two (those who left both out, or voted both alike, did not)."""
        return self.wins + self.losses

    @property
    def percent(self) -> int | None:
        """The row's share of those members, in whole percent; None if nobody ranked both."""
        return round(100 * self.wins / self.ranked_both) if self.ranked_both else None

    @property
    def is_win(self) -> bool:
        return self.wins > self.losses


@dataclass(frozen=True)
class TableRow:
    contender: Contender
    duels: tuple[Duel | None, ...]  # None against itself


@dataclass(frozen=True)
class Disagreement:
    """Another method's leader where it is not Schulze's, with the two's duel."""

    method: str
    leader: Contender
    schulze_leader: Contender
    duel: Duel  # Schulze's leader against the other leader

    @property
    def name(self) -> str:
        return METHOD_NAMES[self.method]

    @property
    def is_borda(self) -> bool:
        return self.method == RankingMethod.BORDA


@dataclass(frozen=True)
class Certainty:
    """How sure one counted method's top ten are: their standings and what its bootstrap drew.

    The standings come from MethodStandingQuerySet.leading_by_method, each with
    its count's `members`, `rounds` and `resampled_contenders`.
    """

    method: str
    standings: tuple[MethodStanding, ...]
    contenders: int  # How many the last count ranked.

    @property
    def name(self) -> str:
        return METHOD_NAMES[self.method]

    @property
    def members(self) -> int:
        return (self.standings[0].members or 0) if self.standings else 0

    @property
    def is_duels(self) -> bool:
        return self.method == RankingMethod.DUELS

    @property
    def is_shown(self) -> bool:
        """Whether the table is shown: intervals from enough members (as on the list page)."""
        resampled = bool(self.standings) and self.standings[0].rank_lower is not None
        return resampled and self.members >= MIN_RESAMPLED_MEMBERS

    @property
    def has_too_few(self) -> bool:
        return 0 < self.members < MIN_RESAMPLED_MEMBERS

    @property
    def resampled(self) -> int:
        """How many contenders the bootstrap covered: all, or the leading ones (Schulze)."""
        return (self.standings[0].resampled_contenders or 0) if self.standings else 0

    @property
    def is_subset(self) -> bool:
        return 0 < self.resampled < self.contenders


def certainties(contender_list: ContenderList) -> tuple[Certainty, ...]:
    """Each counted method's top ten with how sure their ranks are, from one query."""
    standings = list(MethodStanding.objects.leading_by_method(contender_list.pk, TABLE_SIZE))
    return tuple(
        Certainty(
            method,
            tuple(standing for standing in standings if standing.method == method),
            contender_list.count_contenders or 0,
        )
        for method in COUNTED_METHODS
    )


@dataclass(frozen=True)
class MethodPage:
    contender_list: ContenderList
    leaders: tuple[Contender, ...]
    table: tuple[TableRow, ...]
    disagreements: tuple[Disagreement, ...]
    condorcet_winner: Contender | None
    certainties: tuple[Certainty, ...] = ()
    min_resampled_members = MIN_RESAMPLED_MEMBERS

    @property
    def schulze_subset(self) -> int:
        """How many leading contenders Schulze's bootstrap recounts at most."""
        from comments.counting.bootstrap import SCHULZE_SUBSET  # NumPy: see the docstring.

        return SCHULZE_SUBSET

    @property
    def rounds(self) -> int:
        """The bootstrap's rounds at the last count (the same for every method)."""
        return max(
            (c.standings[0].rounds or 0 for c in self.certainties if c.standings), default=0
        )

    @property
    def official_name(self) -> str:
        return METHOD_NAMES[self.contender_list.ranking]

    @property
    def is_subset(self) -> bool:
        """Whether the last count's head-to-head covered only the list's leading contenders."""
        counted = self.contender_list.condorcet_counted
        return counted is not None and counted < self.contender_list.count_contenders

    @property
    def after_subset(self) -> int:
        """How many contenders the subset rule ranked after the head-to-head count, by Borda."""
        return (self.contender_list.count_contenders or 0) - (
            self.contender_list.condorcet_counted or 0
        )

    @property
    def example(self) -> tuple[Contender, Contender, Duel] | None:
        """Schulze's first against its second, for the sentence above the table."""
        if len(self.table) < 2 or self.table[0].duels[1] is None:
            return None
        return self.table[0].contender, self.table[1].contender, self.table[0].duels[1]


def _head_to_head(contender_list: ContenderList, ids: list[int]) -> dict[tuple[int, int], int]:
    """d[i, j] among `ids`, counted once per stored count of the list and cached."""
    basis = repr((contender_list.pk, contender_list.count_digest, ids)).encode()
    key = "headtohead:" + hashlib.blake2b(basis, digest_size=16).hexdigest()
    table = caches["fragments"].get(key)
    if table is None:
        from comments.tallies import head_to_head_among

        table = head_to_head_among(contender_list=contender_list, contender_ids=ids)
        caches["fragments"].set(key, table, settings.RANKED_COUNT_EVERY)
    return table


def method_page(*, slug: str) -> MethodPage:
    """The method page of a list: its count, its leaders by every method, the top ten's duels.

    Before the list's first count there is no Schulze order to take the ten
    from, so the page explains the methods and shows no table.
    """
    contender_list = get_object_or_404(
        ContenderList.objects.with_latest_count().with_latest_export(), slug=slug
    )
    leaders = tuple(
        Contender.objects.approved()
        .ranked(contender_list, RankingMethod.SCHULZE)
        .with_city()
        .defer("city__profile")
        .with_rank_by(*METHOD_NAMES)[:TABLE_SIZE]
    )
    if contender_list.counted_at is None or not leaders:
        return MethodPage(contender_list, leaders, (), (), None)
    ids = [c.pk for c in leaders]
    counts = _head_to_head(contender_list, ids)

    def duel(row: Contender, column: Contender) -> Duel:
        return Duel(counts.get((row.pk, column.pk), 0), counts.get((column.pk, row.pk), 0))

    table = tuple(
        TableRow(row, tuple(None if row is column else duel(row, column) for column in leaders))
        for row in leaders
    )
    first = leaders[0]
    disagreements = tuple(
        Disagreement(method, leader, first, duel(first, leader))
        for method in (RankingMethod.BORDA, RankingMethod.NET_VOTES, RankingMethod.WILSON)
        for leader in leaders
        if getattr(leader, f"rank_{method}") == 1 and leader.pk != first.pk
    )
    winner = next((c for c in leaders if c.pk == contender_list.condorcet_winner_id), None)
    return MethodPage(
        contender_list, leaders, table, disagreements, winner, certainties(contender_list)
    )
