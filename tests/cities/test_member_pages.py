"""A member's list page filled in from the one kept for every member (cities.member_pages)."""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from comments.services import cast_vote
from techvote.middleware import FRESH_COOKIE
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db

NOTHING = []  # The templates a page filled in from a kept one renders.


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.ANONYMOUS_PAGE_SECONDS = 5
    yield
    caches["pages"].clear()
    caches["kept"].clear()


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(40)  # A second page of contenders.


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def without_tokens(response) -> str:
    """The page with its CSRF tokens blanked: each answer masks the token anew."""
    return re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]+', r"\1", response.content.decode())


def rendered(response) -> list[str]:
    return [template.name for template in response.templates]


def fresh(client, url, **headers):
    """The page as a member who has just posted gets it: rendered for them alone."""
    client.cookies[FRESH_COOKIE] = "1"
    try:
        return client.get(url, **headers)
    finally:
        del client.cookies[FRESH_COOKIE]


def row_of(response, contender) -> str:
    html = response.content.decode()
    row = html[html.index(f'id="contender-{contender.pk}"') :]
    return row[: row.index("</li>")]


def pressed(response, contender) -> list[str]:
    """Which of the contender's vote buttons the page shows pressed."""
    row = row_of(response, contender)
    return [
        direction
        for direction in ("up", "down")
        if f'vote__button--{direction}" aria-pressed="true"' in row
    ]


@pytest.mark.parametrize(
    ("query", "htmx"),
    [
        ("", False),
        ("?page=2", False),
        ("?page=2", True),
        ("?q=Testville", False),
        ("?method=wilson", False),
    ],
)
def test_a_kept_page_filled_in_is_the_page_rendered_for_the_member(
    member, contender_list, query, htmx
):
    """Byte for byte, but for the CSRF token each answer masks anew; headers alike too."""
    cast_vote(user=member, contender_id=at_rank(contender_list, 1).pk, value=1)
    cast_vote(user=member, contender_id=at_rank(contender_list, 14).pk, value=-1)
    cast_vote(user=member, contender_id=at_rank(contender_list, 37).pk, value=1)
    url = contender_list.get_absolute_url() + query
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    client = signed_in(member)
    client.get(url, **headers)  # Keeps the page, and the rows with the member's votes.

    from_kept = client.get(url, **headers)
    for_them = fresh(client, url, **headers)

    assert from_kept.status_code == for_them.status_code == 200
    template = "cities/_more_contenders.html" if htmx else "cities/list_detail.html"
    assert template in rendered(for_them)
    assert rendered(from_kept) == NOTHING
    assert without_tokens(from_kept) == without_tokens(for_them)
    assert 'aria-pressed="true"' in from_kept.content.decode()
    assert from_kept["Vary"] == for_them["Vary"]
    assert ("csrftoken" in from_kept.cookies) == ("csrftoken" in for_them.cookies) != htmx


def test_each_member_gets_their_own_name_and_votes_from_the_kept_page(contender_list):
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    first = at_rank(contender_list, 1)
    cast_vote(user=alice, contender_id=first.pk, value=1)
    url = contender_list.get_absolute_url()
    signed_in(alice).get(url)  # Renders her row with her vote.
    bobs_first = signed_in(bob).get(url)

    alices = signed_in(alice).get(url)
    bobs = signed_in(bob).get(url)

    assert rendered(alices) == rendered(bobs) == NOTHING
    assert pressed(alices, first) == ["up"]
    assert pressed(bobs, first) == pressed(bobs_first, first) == []
    assert ">alice</a>" in alices.content.decode()
    assert "bob" not in alices.content.decode()
    assert "alice" not in bobs.content.decode()


def test_a_pressed_row_missing_from_the_row_cache_is_rendered(member, contender_list):
    first = at_rank(contender_list, 1)
    cast_vote(user=member, contender_id=first.pk, value=1)
    url = contender_list.get_absolute_url()
    signed_in(UserFactory()).get(url)
    caches["fragments"].clear()

    page = signed_in(member).get(url)
    again = signed_in(member).get(url)

    assert pressed(page, first) == pressed(again, first) == ["up"]
    assert "cities/list_detail.html" in rendered(page)
    assert rendered(again) == NOTHING


def test_a_member_who_has_just_voted_sees_their_vote_at_once(member, contender_list):
    tenth = at_rank(contender_list, 10)
    client = signed_in(member)
    url = contender_list.get_absolute_url()
    client.get(url)

    client.post(reverse("comments:vote", args=[tenth.pk]), {"value": "1"})
    page = client.get(url)

    assert "cities/list_detail.html" in rendered(page)
    assert pressed(page, tenth) == ["up"]
    assert page.context["page"].top_ten[0].pk == tenth.pk


def test_a_member_with_a_message_gets_it_on_a_page_rendered_for_them(member, contender_list):
    url = contender_list.get_absolute_url()
    signed_in(UserFactory()).get(url)
    client = signed_in(member)
    client.cookies["messages"] = CookieStorage(None)._encode(
        [Message(constants.SUCCESS, "Welcome back, friend.", extra_tags="")]
    )

    page = client.get(url)

    assert "cities/list_detail.html" in rendered(page)
    assert "Welcome back, friend." in page.content.decode()


def test_a_moderator_never_gets_the_kept_page(moderator, contender_list):
    url = contender_list.get_absolute_url()
    signed_in(UserFactory()).get(url)
    client = signed_in(moderator)

    pages = [client.get(url), client.get(url)]

    assert all("cities/list_detail.html" in rendered(page) for page in pages)
    assert all("nav-moderation" in page.content.decode() for page in pages)


def test_a_refused_page_is_never_kept(member, contender_list):
    url = contender_list.get_absolute_url() + "?method=coinflip"
    client = signed_in(member)

    pages = [client.get(url), client.get(url)]

    assert [page.status_code for page in pages] == [400, 400]
    assert all("cities/list_detail.html" in rendered(page) for page in pages)


def test_filling_in_a_kept_page_never_changes_it(contender_list, unpickled_caches):
    alice, bob = UserFactory.create_batch(2)
    first = at_rank(contender_list, 1)
    cast_vote(user=alice, contender_id=first.pk, value=1)
    url = contender_list.get_absolute_url()
    signed_in(alice).get(url)
    (kept,) = [value for value in caches["kept"]._cache.values() if hasattr(value, "html")]
    before = (kept.html.parts, kept.html.slots, kept.unpressed_rows, kept.pressed_row_keys)

    alices = signed_in(alice).get(url)
    bobs = signed_in(bob).get(url)

    assert pressed(alices, first) == ["up"]
    assert pressed(bobs, first) == []
    after = (kept.html.parts, kept.html.slots, kept.unpressed_rows, kept.pressed_row_keys)
    assert after == before


def test_a_renamed_member_sees_their_new_name_in_the_header_at_once(member, contender_list):
    url = contender_list.get_absolute_url()
    client = signed_in(member)
    client.get(url)

    member.username = "renamed-member"
    member.save(update_fields=["username"])
    page = client.get(url)

    assert rendered(page) == ["_account_nav.html"], "the kept page, with a header of the new name"
    assert '<a href="/users/renamed-member/">renamed-member</a>' in page.content.decode()
