"""Whole pages for visitors without a session, and list rows shared between members."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings):
    settings.ANONYMOUS_PAGE_SECONDS = 5


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(12)


def test_an_anonymous_page_comes_from_the_cache(
    client, contender_list, page_cache, django_assert_num_queries
):
    url = contender_list.get_absolute_url()
    first = client.get(url)

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    assert second.content == first.content


def test_a_vote_shows_for_everyone_once_the_page_expires(
    member_client, member, contender_list, page_cache
):
    visitor = Client()
    url = contender_list.get_absolute_url()
    tenth = at_rank(contender_list, 10)
    visitor.get(url)

    member_client.get(url)  # The member's list data is shared too.
    member_client.post(reverse("comments:vote", args=[tenth.pk]), {"value": "1"})

    assert visitor.get(url).context is None, "still the stored page"
    voter_sees = member_client.get(url).context["page"].top_ten[0]
    assert voter_sees.pk == tenth.pk, "at once for the voter"
    caches["pages"].clear()  # What ANONYMOUS_PAGE_SECONDS does.
    caches["kept"].clear()
    assert visitor.get(url).context["page"].top_ten[0].pk == tenth.pk


def test_a_visitor_with_a_message_gets_a_fresh_page(client, contender_list, page_cache):
    url = contender_list.get_absolute_url()
    client.get(url)
    client.cookies["messages"] = "something to show"

    assert client.get(url).context is not None


def test_pages_that_set_cookies_are_never_stored(client, db, page_cache):
    client.get(reverse("account_login"))

    response = client.get(reverse("account_login"))

    assert response.context is not None


def test_rows_shared_between_members_show_each_their_own_votes(contender_list):
    alice, bob = UserFactory.create_batch(2)
    first = at_rank(contender_list, 1)
    cast_vote(user=alice, contender_id=first.pk, value=1)
    url = contender_list.get_absolute_url()

    pages = {}
    for member in (alice, bob, alice):
        client = Client()
        client.force_login(member)
        html = client.get(url).content.decode()
        row = html[html.index(f'id="contender-{first.pk}"') :]
        pages.setdefault(member.username, []).append(row[: row.index("</li>")])

    assert 'aria-pressed="true"' in pages[alice.username][0]
    assert 'aria-pressed="true"' not in pages[bob.username][0]
    assert pages[alice.username][0] == pages[alice.username][1]


def test_members_share_list_data_until_they_change_something(
    member_client, contender_list, page_cache, django_assert_num_queries
):
    """Session and user, then only the member's own votes: the list comes from the cache."""
    other = Client()
    other.force_login(UserFactory())
    other.get(contender_list.get_absolute_url())

    with django_assert_num_queries(3):
        member_client.get(contender_list.get_absolute_url())


def test_a_cache_that_does_not_copy_shows_no_member_anothers_votes(
    contender_list, unpickled_caches
):
    """The shared list page is read, never changed: each member's votes stay theirs."""
    alice, bob = UserFactory.create_batch(2)
    first = at_rank(contender_list, 1)
    cast_vote(user=alice, contender_id=first.pk, value=1)
    url = contender_list.get_absolute_url()

    def row_seen_by(member):
        client = Client()
        client.force_login(member)
        html = client.get(url).content.decode()
        row = html[html.index(f'id="contender-{first.pk}"') :]
        return row[: row.index("</li>")]

    def state(shared):
        return vars(shared.page).copy(), [vars(c).copy() for c in shared.page.shown]

    bobs = row_seen_by(bob)
    (shared,) = [value for value in caches["pages"]._cache.values() if hasattr(value, "page")]
    before = state(shared)
    alices = row_seen_by(alice)
    bobs_again = row_seen_by(bob)

    assert 'aria-pressed="true"' in alices
    assert 'aria-pressed="true"' not in bobs
    assert bobs_again == bobs
    assert state(shared) == before, "a page changed an object it read from the cache"


def test_the_kept_cache_hands_back_the_object_it_was_given():
    from techvote.cache import FrozenMemoryCache

    kept = FrozenMemoryCache("kept-test", {"TIMEOUT": 60})
    page = ("a kept page", ("row 1", "row 2"))
    kept.set("page", page)

    assert kept.get("page") is page  # No copy: nothing kept here is ever changed.
    assert kept.add("page", "another") is False
    assert kept.add("other", "another") is True
    kept.set("gone", page, timeout=-1)
    assert kept.get("gone", "missing") == "missing"
