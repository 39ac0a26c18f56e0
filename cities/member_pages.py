"""A signed-in member's list page, from HTML every member shares, their own parts filled in.

A list page is the same for every member but for their name and unread count
in the header (with its logout form), the CSRF token of its forms and which of their vote
buttons are pressed. So a member's request renders it with slots for those
(techvote.slots) and keeps it in the process's "kept" cache for as long as
the list data it shows is shared (cities.pages); the next members' pages at
that address are the kept HTML with their own parts filled in: their header
(itself kept per member), a token, and for each row they voted on, that row
with their button pressed, from the row cache (cities.rows). No template is
rendered, and with Redis no SQL runs: the session, the user row and the
member's votes come from there (techvote.generations).

Only what is surely alike for every member is served so: not to staff (their
header counts open reports), not with a message to show, not to a member
who has just posted (techvote.middleware), never a refused page. What is
kept is read, never changed.
"""

import hashlib
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cities.pages import ListPage
from cities.rows import AnyMember, cached_rows, pressed_row_keys
from comments.votes import member_votes_in
from techvote.middleware import wants_fresh
from techvote.slots import Markers, SlottedHTML

ACCOUNT_NAV_TEMPLATE = "_account_nav.html"


@dataclass(frozen=True)
class KeptListPage:
    """A list page as every member gets it, with slots for each member's own parts."""

    html: SlottedHTML
    contender_list_id: int
    # Each row without the member's vote, for its slot, and by contender
    # (id, the row's key with its up button pressed, with its down one).
    unpressed_rows: tuple[str, ...]
    pressed_row_keys: tuple[tuple[int, str, str], ...]


def serves_kept_pages(request) -> bool:
    """Whether this request's list page may come from a kept one, and be kept."""
    user = request.user
    return (
        settings.ANONYMOUS_PAGE_SECONDS > 0
        and user.is_authenticated
        and not user.is_staff
        and not wants_fresh(request)
        and not len(get_messages(request))  # Counted, not read: they stay for the next page.
    )


def _key(request) -> str:
    # An htmx request ("Load more") gets the rows alone.
    address = f"{request.get_host()}:{request.get_full_path()}:{bool(request.htmx)}"
    return "memberpage:" + hashlib.blake2b(address.encode(), digest_size=16).hexdigest()


def _row_slot(index: int) -> str:
    return f"row-{index}"


def kept_list_page(request) -> str | None:
    """The member's page from the kept one, or None if none is kept or a pressed row is not."""
    kept = caches["kept"].get(_key(request))
    if kept is None:
        return None
    votes = member_votes_in(request.user, kept.contender_list_id)
    pressed = {}
    for index, (contender_id, up, down) in enumerate(kept.pressed_row_keys):
        vote = votes.get(contender_id)
        if vote:
            pressed[index] = up if vote == 1 else down
    found = cached_rows(list(pressed.values()))
    if any(key not in found for key in pressed.values()):
        return None  # Rendered on the way that keeps the page, then found next time.
    rows = list(kept.unpressed_rows)
    for index, key in pressed.items():
        rows[index] = found[key]
    return _fill(request, kept.html, rows)


def keep_list_page(request, template: str, context: dict) -> str:
    """The member's page, rendered with slots and kept for the next members at this address.

    `context` is the view's, with the member's ListPage as "page". The page
    is rendered for any member (rows.AnyMember): nothing of this one can
    reach the kept HTML but through a slot.
    """
    page: ListPage = context["page"]
    shared = page.shared
    markers = Markers()
    marked_rows = tuple(mark_safe(markers[_row_slot(index)]) for index in range(len(page.rows)))
    html = markers.split(
        render_to_string(
            template,
            {
                **context,
                "page": replace(page, rows=marked_rows),
                "user": AnyMember(),
                "messages": (),
                "csrf_token": markers["csrf"],
                "account_nav_slot": markers["account"],
            },
            request,
        )
    )
    seconds = shared.seconds_left()
    if seconds > 0:
        shown = shared.page.shown
        keys = pressed_row_keys(shown, shared.contender_list)
        kept = KeptListPage(
            html,
            shared.contender_list.pk,
            shared.member_rows,
            tuple((c.pk, up, down) for c, (up, down) in zip(shown, keys, strict=True)),
        )
        caches["kept"].set(_key(request), kept, seconds)
    return _fill(request, html, page.rows)


def _fill(request, html: SlottedHTML, rows) -> str:
    values = {_row_slot(index): row for index, row in enumerate(rows)}
    if html.count("csrf") or html.count("account"):
        token = get_token(request)  # One for the whole page, as a rendering takes one.
        values["csrf"] = token
        values["account"] = account_nav(request.user, token)
    return html.fill(values)


@dataclass(frozen=True)
class _NamedMember:
    """A member as their header shows them: by name and unread count alone, which key it
    whole."""

    username: str
    unread_notifications: int
    is_authenticated: bool = True


def account_nav(user, csrf_token: str) -> str:
    """The header's account part for a member who is not staff, as base.html includes it.

    Rendering it took longer than the rest of a kept page's filling, so it
    is kept in the process's "kept" cache by the member's name and count of unread
    notifications (their user row's, techvote.auth), with a slot for the token.
    """
    member = _NamedMember(user.username, getattr(user, "unread_notifications", 0))
    key = "account-nav:" + hashlib.blake2b(repr(member).encode(), digest_size=16).hexdigest()
    nav = caches["kept"].get(key)
    if nav is None:
        markers = Markers()
        nav = markers.split(
            render_to_string(ACCOUNT_NAV_TEMPLATE, {"user": member, "csrf_token": markers["csrf"]})
        )
        caches["kept"].set(key, nav)
    return nav.fill({"csrf": csrf_token})
