"""The shapes of the read API's answers: each is also its part of the OpenAPI schema."""

from datetime import date, datetime

from ninja import Schema


class ListOut(Schema):
    slug: str
    title: str
    question: str
    description: str
    ranking: str  # The list's own method: net or wilson.
    is_open: bool
    url: str


class ListPage(Schema):
    results: list[ListOut]
    next: str | None  # The cursor of the next page; None on the last.


class CityRef(Schema):
    slug: str
    name: str
    country: str


class RankedOut(Schema):
    rank: int
    contender_id: int
    city: CityRef
    score: float  # Net votes, the Wilson bound, Borda points, or the Duels win chance.
    # The counted methods' bootstrap (null for net and Wilson, and before the first one):
    rank_lower: int | None = None  # The 95% interval of the rank.
    rank_upper: int | None = None
    top_ten_chance: float | None = None  # Share of resampled counts with it in the Top Ten.
    conservative_rank: int | None = None  # 1 + those whose interval lies wholly above its own.


class HistoryDay(Schema):
    day: date  # Its rank and score at the start of the day; the last day is now.
    rank: int
    score: int


class HistoryOut(Schema):
    list: str
    city: str
    method: str  # The list's own, by which the days were ranked.
    days: list[HistoryDay]


class RankingPage(Schema):
    list: str
    method: str
    counted_at: datetime | None  # Schulze and Borda: when the list was last counted.
    results: list[RankedOut]
    next: str | None


class ContenderOut(Schema):
    contender_id: int
    city: CityRef
    upvotes: int
    downvotes: int
    score: int
    wilson_lower: float
    joined_at: datetime


class ContenderPage(Schema):
    list: str
    results: list[ContenderOut]
    next: str | None


class CityOut(Schema):
    slug: str
    name: str
    country: str
    continent: str
    latitude: float
    longitude: float
    summary: str
    url: str


class CityPage(Schema):
    results: list[CityOut]
    next: str | None


class FactOut(Schema):
    label: str
    value: str
    unit: str
    year: int | None
    source: str
    source_url: str


class OrganizationOut(Schema):
    name: str
    kind: str
    description: str


class StandingOut(Schema):
    list: str
    rank: int
    score: int


class CityDetail(CityOut):
    also_known_as: str
    population: int | None
    profile: str
    sectors: list[str]
    facts: list[FactOut]
    organizations: list[OrganizationOut]
    standings: list[StandingOut]


class CommentOut(Schema):
    id: int
    author: str
    body: str  # Plain text, as written: escape it before showing it as HTML.
    parent_id: int | None
    upvotes: int
    downvotes: int
    created_at: datetime
    edited_at: datetime | None
    url: str


class CommentPage(Schema):
    list: str
    city: str
    results: list[CommentOut]
    next: str | None


class LogEntryOut(Schema):
    created_at: datetime
    moderator: str
    action: str
    subject: str
    reason: str


class LogPage(Schema):
    results: list[LogEntryOut]
    next: str | None


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """A parameter that does not fit its type: where and why, as pydantic says it."""

    detail: list[dict]
