"""Cursor pagination over a unique sort key: signed, opaque, stable under inserts.

A cursor names the last row of the page before (the values of its sort
key) and, for rankings, that row's rank, so the next page starts right
after it through the same index, whatever was added meanwhile, and numbers
its rows without counting the rows ahead. It is signed: a cursor that was
altered or made up is refused (400) rather than trusted.
"""

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from django.core import signing
from django.db.models import Q
from ninja.errors import HttpError

SALT = "techvote.api.cursor"
PAGE_SIZE = 25


@dataclass(frozen=True)
class Position:
    """Where a page starts: after the row whose key holds `after` (None: the start)."""

    after: tuple | None = None
    rank: int = 0  # Rows before this page.


def read_cursor(cursor: str | None, *, scope: str) -> Position:
    """The position a cursor names, for the collection `scope` it was made for."""
    if not cursor:
        return Position()
    try:
        data = signing.loads(cursor, salt=SALT)
        if data["scope"] != scope:
            raise ValueError(scope)
        return Position(after=tuple(data["after"]), rank=int(data["rank"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise HttpError(400, "That cursor is not one this collection gave out.") from None


def make_cursor(*, scope: str, after: Sequence, rank: int) -> str:
    return signing.dumps({"scope": scope, "after": list(after), "rank": rank}, salt=SALT)


def after_key(keys: Sequence[tuple[str, bool]], values: Sequence) -> Q:
    """Rows that sort after one whose key fields hold `values`.

    `keys` are (field, descending) pairs, most significant first, the last
    one unique: the keyset condition an index on those fields serves.
    """
    terms, equal_so_far = [], Q()
    for (field, descending), value in zip(keys, values, strict=True):
        terms.append(equal_so_far & Q(**{f"{field}__{'lt' if descending else 'gt'}": value}))
        equal_so_far &= Q(**{field: value})
    return reduce(operator.or_, terms)


def page(
    queryset,
    *,
    keys: Sequence[tuple[str, bool]],
    cursor: str | None,
    scope: str,
    size: int = PAGE_SIZE,
):
    """One page of `queryset` in `keys` order: (rows, first rank, next cursor or None)."""
    position = read_cursor(cursor, scope=scope)
    ordered = queryset.order_by(*(f"-{field}" if desc else field for field, desc in keys))
    if position.after is not None:
        if len(position.after) != len(keys):
            raise HttpError(400, "That cursor is not one this collection gave out.")
        ordered = ordered.filter(after_key(keys, position.after))
    rows = list(ordered[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    following = None
    if more:
        last = rows[-1]
        following = make_cursor(
            scope=scope,
            after=[_as_json(getattr(last, field)) for field, _ in keys],
            rank=position.rank + len(rows),
        )
    return rows, position.rank + 1, following


def _as_json(value):
    """A key value as the signed JSON holds it: a datetime as ISO 8601, the rest as is."""
    return value.isoformat() if hasattr(value, "isoformat") else value
