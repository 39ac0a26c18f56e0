"""Votes on contenders: the only code that writes Vote rows and moves the vote counts.

A vote is three SQL statements in one transaction, whatever the size of the
list, and takes no lock of its own (see comments.transitions for the
transitions and the concurrency strategy):

1. one read gathers the contender, its list and city, the member's current
   vote and their standing;
2. the vote row is inserted, changed or deleted only if it still holds what
   was read;
3. one UPDATE moves the counts (and the Wilson bound, in SQL).

Before the first vote of each day on a list, `ensure_daily_snapshot` keeps
every rank as the day began (RankSnapshot), with the ranked methods' places: the
movement arrows, the history charts and any past day's list (comments.history).

A member's own votes in a list, which their list pages show pressed, are
kept in Redis (`member_votes_in`, techvote.generations) until a vote of
theirs or a moderator's void changes them.

The vote is the busiest write of the site, and building its statements with
the ORM took longer than the database took to run them (README, Performance),
so they are written in SQL. The tests run them on SQLite and PostgreSQL.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cities.models import (
    COUNTED_METHODS,
    RANKING_KEYS,
    UNCOUNTED_PLACE,
    City,
    Contender,
    ContenderList,
    ContenderStatus,
    place_field,
)
from comments.exceptions import NO_SUCH_CONTENDER, ActionRefused
from comments.models import CountedMethod, MethodStanding, RankSnapshot, Vote
from comments.ratelimits import check_rate_limit
from comments.standing import STANDING_COLUMNS, Standing, ensure_signed_in
from comments.tasks import queue_count
from comments.transitions import DELETE, INSERT, NONE, UPDATE, ensure_choice, transition
from comments.wilson import wilson_lower_bound, wilson_lower_bound_sql
from techvote import generations
from techvote.prepared import prepared_cursor


@dataclass
class VoteOutcome:
    """The contender as the vote left it, its list, and the member's vote now (1, -1 or 0)."""

    contender: Contender
    contender_list: ContenderList
    value: int


_VOTE_READ_SQL = f"""
SELECT c.status, c.upvotes, c.downvotes, c.score, c.wilson_lower,
       l.id, l.title, l.slug, l.is_open, l.ranking, CAST(l.ranks_snapshot_on AS TEXT),
       city.id, city.name,
       v.id, v.value, v.voided_at IS NOT NULL, {STANDING_COLUMNS}
FROM {Contender._meta.db_table} c
JOIN {ContenderList._meta.db_table} l ON l.id = c.contender_list_id
JOIN {City._meta.db_table} city ON city.id = c.city_id
LEFT JOIN {Vote._meta.db_table} v ON v.contender_id = c.id AND v.user_id = %s
WHERE c.id = %s
"""


@dataclass
class _VoteRead:
    """What cast_vote reads before it writes, in one statement."""

    contender: Contender
    vote_id: int | None
    old_value: int | None
    voided: bool
    standing: Standing


def _read_for_vote(user_id: int, contender_id: int) -> _VoteRead | None:
    with prepared_cursor() as cursor:
        cursor.execute(_VOTE_READ_SQL, [user_id, user_id, user_id, contender_id])
        row = cursor.fetchone()
    if row is None:
        return None
    (
        status,
        upvotes,
        downvotes,
        score,
        wilson,
        list_id,
        title,
        list_slug,
        is_open,
        ranking,
        snapshot_on,
        city_id,
        city_name,
        vote_id,
        old_value,
        voided,
        verified,
        suspension,
    ) = row
    # Partial instances, with every other field deferred: enough to check,
    # count and show the vote, never enough to save by mistake.
    contender = Contender.from_db(
        None,
        [
            "id",
            "contender_list_id",
            "city_id",
            "status",
            "upvotes",
            "downvotes",
            "score",
            "wilson_lower",
        ],
        [contender_id, list_id, city_id, status, upvotes, downvotes, score, wilson],
    )
    contender.contender_list = ContenderList.from_db(
        None,
        ["id", "title", "slug", "is_open", "ranking", "ranks_snapshot_on"],
        [
            list_id,
            title,
            list_slug,
            bool(is_open),
            ranking,
            date.fromisoformat(snapshot_on) if snapshot_on else None,
        ],
    )
    contender.city = City.from_db(None, ["id", "name"], [city_id, city_name])
    return _VoteRead(
        contender=contender,
        vote_id=vote_id,
        old_value=old_value,
        voided=bool(voided),
        standing=Standing(verified=bool(verified), suspension_reason=suspension),
    )


def _member_votes_generation(user_id: int) -> str:
    return f"votes:{user_id}:generation"


def member_votes_in(user: AbstractBaseUser, contender_list_id: int) -> dict[int, int]:
    """The member's counted votes in a list (1 or -1 by contender), kept while unchanged.

    Read from the primary database (its `connection`), never a replica a
    moment behind: what is kept must be what the generation stands for.
    """
    if not user.is_authenticated:
        return {}
    return generations.read_through(
        f"votes:{user.pk}:{contender_list_id}",
        generation=_member_votes_generation(user.pk),
        load=lambda: Vote.objects.values_in_list(user, contender_list_id),
    )


def forget_member_votes(user_id: int) -> None:
    """The member's votes changed: their pages read them afresh, once this commits."""
    generations.move_on(_member_votes_generation(user_id))


@transaction.atomic
def cast_vote(*, user: AbstractBaseUser, contender_id: int, value: int) -> VoteOutcome:
    """Set the member's vote on a contender to up (1), down (-1) or none (0).

    The only writer of Vote rows. It moves the contender's counts in the same
    transaction, in the database, so no count is ever lost; the transitions
    are comments.transitions.TRANSITIONS. The vote row is written only if it
    still holds what was read: when the same member's other window or double
    click got there first, nothing is written and the member is told to
    reload (409), unless that other request asked for the same vote: then the
    member has what they asked and it is a success. A vote a moderator
    voided counts as none: voting again replaces it.

    Raises ActionRefused, with nothing written, for a malformed value, a
    missing or unapproved contender, a closed list, a member who may not
    vote, or one over the rate limit.
    """
    value = ensure_choice(value)
    ensure_signed_in(user)
    read = _read_for_vote(user.pk, contender_id)
    if read is None:
        raise ActionRefused(NO_SUCH_CONTENDER, status=404)
    if read.standing.refusal is not None:
        raise read.standing.refusal
    contender = read.contender
    contender_list = contender.contender_list
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused(
            "This city is waiting for a moderator and cannot take votes yet.", status=409
        )
    old = read.old_value if read.vote_id is not None and not read.voided else NONE
    if old == value:
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    check_rate_limit(user, "vote")
    ensure_daily_snapshot(contender_list)
    _, up, down = transition(old, value)
    if not _write_vote(user.pk, contender_id, read, value):  # A double submit got there first.
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    apply_vote_change(contender, up=up, down=down)
    forget_member_votes(user.pk)
    queue_count(contender_list.pk)  # Schulze and Borda, off the request path.
    return VoteOutcome(contender=contender, contender_list=contender_list, value=value)


def _voted_meanwhile() -> ActionRefused:
    return ActionRefused(
        "Your vote on this city changed in another window at the same moment. "
        "Reload the page to see where it stands.",
        status=409,
    )


def _vote_now_holds(user_id: int, contender_id: int, value: int) -> bool:
    """The member's vote on the contender holds `value` now (0: no counted vote).

    Asked when the write found the row changed meanwhile: if the other
    request (a double click, a second submit) asked for the same thing, the
    member got what they asked and is answered as a success.
    """
    with prepared_cursor() as cursor:
        cursor.execute(
            f"SELECT value FROM {Vote._meta.db_table} "
            "WHERE user_id = %s AND contender_id = %s AND voided_at IS NULL",
            [user_id, contender_id],
        )
        row = cursor.fetchone()
    return (row[0] if row else NONE) == value


def _write_vote(user_id: int, contender_id: int, read: _VoteRead, value: int) -> bool:
    """Insert, change or delete the vote row, only if it is still as it was read.

    False, with nothing written, when the row already holds `value`: another
    request of the member asked the same at the same moment. A voided row is
    changed, never inserted again: the unique constraint holds one row per
    member and contender, counted or not.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    table = Vote._meta.db_table
    as_read = "id = %s AND value = %s AND voided_at IS " + ("NOT NULL" if read.voided else "NULL")
    row_change = INSERT if read.vote_id is None else (DELETE if value == NONE else UPDATE)
    with prepared_cursor() as cursor:
        if row_change == INSERT:
            # The unique constraint turns away a row another request inserted
            # meanwhile; DO NOTHING lets this transaction go on to ask why,
            # without the two round trips of a savepoint.
            cursor.execute(
                f"INSERT INTO {table} (user_id, contender_id, value, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (user_id, contender_id) DO NOTHING",
                [user_id, contender_id, value, now, now],
            )
        elif row_change == DELETE:
            cursor.execute(f"DELETE FROM {table} WHERE {as_read}", [read.vote_id, read.old_value])
        else:
            cursor.execute(
                f"UPDATE {table} SET value = %s, voided_at = NULL, updated_at = %s "
                f"WHERE {as_read}",
                [value, now, read.vote_id, read.old_value],
            )
        if cursor.rowcount == 0:
            if _vote_now_holds(user_id, contender_id, value):
                return False
            raise _voted_meanwhile()
        return True


def apply_vote_change(contender: Contender, *, up: int, down: int) -> None:
    """Move a contender's counts by `up` and `down`, in one UPDATE.

    Every count moves in the database, from the values the row holds when
    the UPDATE takes its lock, so votes on the same contender at the same
    moment each add their change and none is lost: the F() expressions of
    the ORM, written in SQL because on the vote's path the ORM spent longer
    building this statement than the database spent running it. The object
    (the vote's own partial read, never shared) is updated in place to the
    counts it was read with plus this change.
    """
    up, down = int(up), int(down)  # Literals in the SQL below: our own -1, 0 or 1.
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    wilson = wilson_lower_bound_sql(f"upvotes + {up}", f"downvotes + {down}", greatest)
    with prepared_cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contender._meta.db_table} SET upvotes = upvotes + {up}, "
            f"downvotes = downvotes + {down}, score = score + {up - down}, "
            f"wilson_lower = {wilson} WHERE id = %s",
            [contender.pk],
        )
    contender.upvotes += up
    contender.downvotes += down
    contender.score += up - down
    contender.wilson_lower = wilson_lower_bound(contender.upvotes, contender.downvotes)


def ensure_daily_snapshot(contender_list: ContenderList) -> None:
    """Before the first vote of a day on a list, keep every rank as the day began.

    The list row's snapshot day is claimed with a conditional UPDATE, so of
    several votes arriving together exactly one takes the snapshot: one
    INSERT ... SELECT whatever the size of the list. The others wait for its
    row lock, then find the day taken.
    """
    today = timezone.localdate()
    if contender_list.ranks_snapshot_on == today:
        return
    claimed = ContenderList.objects.filter(
        Q(ranks_snapshot_on__isnull=True) | Q(ranks_snapshot_on__lt=today), pk=contender_list.pk
    ).update(ranks_snapshot_on=today)
    contender_list.ranks_snapshot_on = today
    if not claimed:
        return
    quote = connection.ops.quote_name
    # The ranked methods' places come from their latest count, where there is
    # one; a counted official method orders the day's ranks by them
    # (cities.models.with_places).
    aliases = {
        CountedMethod.SCHULZE: "s",
        CountedMethod.BORDA: "b",
        CountedMethod.BRADLEY_TERRY: "d",
    }
    standing = quote(MethodStanding._meta.db_table)
    joins = " ".join(
        f"LEFT JOIN {standing} {alias} ON {alias}.{quote('contender_id')} = c.{quote('id')} "
        f"AND {alias}.{quote('method')} = '{counted}'"
        for counted, alias in aliases.items()
    )
    columns_of = {field: f"c.{quote(field)}" for field in ("id", "score", "wilson_lower")} | {
        place_field(counted): f"COALESCE({aliases[counted]}.{quote('rank')}, {UNCOUNTED_PLACE})"
        for counted in COUNTED_METHODS
    }
    order = ", ".join(
        f"{columns_of[field]} {'DESC' if descending else 'ASC'}"
        for field, descending in RANKING_KEYS[contender_list.ranking]
    )
    columns = ("contender_id", "taken_on", "rank", "score", "schulze_rank", "borda_rank")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(RankSnapshot._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) "
            f"SELECT c.{quote('id')}, %s, ROW_NUMBER() OVER (ORDER BY {order}), "
            f"c.{quote('score')}, s.{quote('rank')}, b.{quote('rank')} "
            f"FROM {quote(Contender._meta.db_table)} c {joins} "
            f"WHERE c.{quote('contender_list_id')} = %s AND c.{quote('status')} = %s "
            f"ON CONFLICT ({quote('contender_id')}, {quote('taken_on')}) DO NOTHING",
            [today, contender_list.pk, ContenderStatus.APPROVED],
        )
