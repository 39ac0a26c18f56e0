"""A list's rows, rendered once and reused.

A row shows one contender; every member sees the same HTML for it, apart
from the pressed state of their own vote buttons (the CSRF token lives in
the page's one vote form, outside the rows). So a row is rendered once per
combination of what it shows and kept in a process-local cache. The key
holds everything the row depends on, so a changed count, rank, vote or city
gives a new key, never a stale row; old rows simply age out.
"""

import hashlib

from django.core.cache import caches
from django.template.loader import get_template

ROW_TEMPLATE = "cities/_contender_row.html"


class AnyMember:
    """Who a member's row or shared page is rendered for: any signed-in member.

    It has no name, no id and no permissions, so nothing of one member can
    reach HTML that every member is served.
    """

    is_authenticated = True


def row_basis(contender, contender_list, *, as_member: bool, path: str) -> tuple:
    """Everything a row shows except the viewer's own vote."""
    top = getattr(contender, "top_comment", None)
    return (
        contender.pk,
        contender.rank,
        contender.previous_rank,
        contender.score,
        contender.comment_count,
        contender_list.slug,
        contender_list.is_open,
        contender.city.updated_at.timestamp(),
        top and (top.pk, top.score, top.edited_at and top.edited_at.timestamp(), top.author_name),
        contender.other_ranks,
        contender.is_condorcet_winner,
        contender.rank_interval,
        getattr(contender, "recent_ranks", ()),  # Its sparkline.
        # Anonymous rows link to the login page and back to this page.
        as_member or path,
    )


def row_key(basis: tuple, your_vote: int) -> str:
    return "row:" + hashlib.blake2b(repr((basis, your_vote)).encode(), digest_size=16).hexdigest()


def pressed_row_keys(contenders, contender_list) -> tuple[tuple[str, str], ...]:
    """Each contender's member row keys: with its up button pressed, and with its down one."""
    keys = []
    for contender in contenders:
        basis = row_basis(contender, contender_list, as_member=True, path="")
        keys.append((row_key(basis, 1), row_key(basis, -1)))
    return tuple(keys)


def cached_rows(keys: list[str]) -> dict[str, str]:
    """The rows already rendered, by key."""
    return caches["fragments"].get_many(keys) if keys else {}


def render_rows(
    request, contenders, contender_list, *, as_member: bool, votes: dict | None = None
) -> list[str]:
    """The HTML of each contender's row, as a member or a visitor sees it, cached.

    `votes` holds the viewer's own vote by contender id (none if missing),
    which says which of a row's buttons is pressed; the contenders are only
    read, never changed, since they may come from a shared cache.
    """
    votes = votes or {}
    path = request.get_full_path()
    keys = [
        row_key(row_basis(c, contender_list, as_member=as_member, path=path), votes.get(c.pk, 0))
        for c in contenders
    ]
    found = cached_rows(keys)
    missing = {}
    template = get_template(ROW_TEMPLATE)
    viewer = AnyMember() if as_member else request.user
    for key, contender in zip(keys, contenders, strict=True):
        if key not in found:
            context = {
                "contender": contender,
                "contender_list": contender_list,
                "your_vote": votes.get(contender.pk, 0),
                "user": viewer,
                "request": request,
            }
            found[key] = missing[key] = template.render(context)
    if missing:
        caches["fragments"].set_many(missing)
    return [found[key] for key in keys]
