"""Rows kept in Redis (techvote.generations): used while unchanged, never a moment longer.

A real redis-server of the test's own, and real commits (on_commit moves a
generation on), so these tests use transactional databases.
"""

import pytest
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse

from comments.moderation import suspend_user, void_votes
from comments.services import cast_vote
from techvote import generations
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db(transaction=True)


def pressed_up(page, contender) -> bool:
    """Whether the page shows the member's up vote on the contender pressed."""
    html = page.content.decode()
    form_url = reverse("comments:vote", args=[contender.pk])
    row = html[html.index(f'formaction="{form_url}"') :]
    return 'aria-pressed="true"' in row[: row.index("</button>")]


@pytest.fixture
def signed_in(own_redis, client, member, make_ranked_list, settings):
    """The member, signed in, with a list of three whose page is kept for every member.

    Each page below is filled in from the kept one (cities.member_pages), so
    what is kept in Redis is all that can tell the member's page apart.
    """
    settings.ANONYMOUS_PAGE_SECONDS = 5
    contender_list = make_ranked_list(3)
    client.force_login(member)
    for _ in range(2):  # Keeps the shared page, then the user row and votes.
        assert client.get(contender_list.get_absolute_url()).status_code == 200
    yield client, contender_list
    caches["pages"].clear()
    caches["kept"].clear()


def served_from_kept_page(page) -> bool:
    """No template rendered: the page and the member's header were kept."""
    return page.templates == []


def test_a_signed_in_list_page_runs_no_sql_once_its_rows_are_kept(
    signed_in, member, django_assert_num_queries
):
    client, contender_list = signed_in

    with django_assert_num_queries(0):
        page = client.get(contender_list.get_absolute_url())

    assert page.status_code == 200
    assert served_from_kept_page(page)
    assert f">{member.username}</a>" in page.content.decode()


def test_a_list_page_with_the_members_votes_runs_no_sql_either(
    signed_in, member, django_assert_num_queries
):
    client, contender_list = signed_in
    up, down = at_rank(contender_list, 1), at_rank(contender_list, 3)
    cast_vote(user=member, contender_id=up.pk, value=1)
    cast_vote(user=member, contender_id=down.pk, value=-1)
    client.get(contender_list.get_absolute_url())  # Renders the rows with the votes.

    with django_assert_num_queries(0):
        page = client.get(contender_list.get_absolute_url())

    assert served_from_kept_page(page)
    assert pressed_up(page, up)
    assert 'vote__button--down" aria-pressed="true"' in page.content.decode()


def test_a_new_password_signs_the_other_sessions_out_at_once(signed_in, member):
    client, contender_list = signed_in

    member.set_password("a whole new passphrase 42")
    member.save()
    page = client.get(contender_list.get_absolute_url())

    assert not page.context["user"].is_authenticated
    assert member.username not in page.content.decode()


def test_a_deactivated_member_is_signed_out_at_once(signed_in, member):
    client, contender_list = signed_in

    member.is_active = False
    member.save(update_fields=["is_active"])
    page = client.get(contender_list.get_absolute_url())

    assert not page.context["user"].is_authenticated
    assert member.username not in page.content.decode()


def test_a_vote_from_another_session_shows_pressed_on_the_next_page(
    signed_in, member, django_user_model
):
    client, contender_list = signed_in
    contender = at_rank(contender_list, 2)
    before = client.get(contender_list.get_absolute_url())
    assert served_from_kept_page(before)
    assert not pressed_up(before, contender)
    other_window = type(client)()
    other_window.force_login(member)

    vote = other_window.post(reverse("comments:vote", args=[contender.pk]), {"value": 1})
    page = client.get(contender_list.get_absolute_url())

    assert vote.status_code == 302
    assert pressed_up(page, contender)


def test_a_moderators_void_unpresses_the_members_buttons_at_once(signed_in, member):
    client, contender_list = signed_in
    contender = at_rank(contender_list, 1)
    cast_vote(user=member, contender_id=contender.pk, value=1)
    assert pressed_up(client.get(contender_list.get_absolute_url()), contender)

    void_votes(moderator=UserFactory(is_superuser=True), member=member, reason="A vote ring.")
    page = client.get(contender_list.get_absolute_url())

    assert served_from_kept_page(page)
    assert not pressed_up(page, contender)


def test_a_suspension_refuses_the_next_vote_though_the_user_row_is_kept(signed_in, member):
    client, contender_list = signed_in
    contender = at_rank(contender_list, 1)

    suspend_user(moderator=UserFactory(is_superuser=True), member=member, reason="Spam.")
    refused = client.post(reverse("comments:vote", args=[contender.pk]), {"value": 1})

    assert refused.status_code == 403
    contender.refresh_from_db()
    assert contender.upvotes == 0


def test_rows_kept_before_a_redis_outage_are_dropped_when_it_is_back(signed_in, own_redis, member):
    client, contender_list = signed_in
    own_redis.freeze()
    assert client.get(contender_list.get_absolute_url()).status_code == 200  # The database serves.

    member.set_password("changed while Redis was away")
    member.save()  # Its generation cannot move on in Redis now.
    own_redis.thaw()
    page = client.get(contender_list.get_absolute_url())

    assert not page.context["user"].is_authenticated


def test_a_value_read_before_a_write_committed_is_never_used(own_redis):
    loads = []

    def load_old_row():
        # The writer commits and moves the generation on between this
        # read and the store that follows it.
        loads.append("old")
        generations._move_on_now("row:generation", ())
        return "old"

    assert generations.read_through("row", generation="row:generation", load=load_old_row) == "old"
    again = generations.read_through(
        "row", generation="row:generation", load=lambda: loads.append("new") or "new"
    )

    assert (again, loads) == ("new", ["old", "new"])


def test_an_unchanged_row_is_read_once(own_redis):
    loads = []

    def load():
        loads.append(1)
        return {"kept": True}

    for _ in range(3):
        value = generations.read_through("unchanged", generation="unchanged:gen", load=load)

    assert value == {"kept": True}
    assert len(loads) == 1


def test_a_move_on_waits_for_the_commit(own_redis):
    generations.read_through("waits", generation="waits:gen", load=lambda: "before")

    with transaction.atomic():
        generations.move_on("waits:gen", "waits")
        during = generations.read_through("waits", generation="waits:gen", load=lambda: "new")
    after = generations.read_through("waits", generation="waits:gen", load=lambda: "after")

    assert (during, after) == ("before", "after")


def test_a_move_on_is_one_round_trip_to_redis(own_redis, monkeypatch):
    """Every vote moves its member's generation on: one pipeline, not add, exists and incr."""
    import redis.connection

    generations.read_through("trip", generation="trip:gen", load=lambda: "before")
    sent = []
    send = redis.connection.Connection.send_packed_command

    def counted(connection, command, check_health=True):
        sent.append(command)
        return send(connection, command, check_health)

    with monkeypatch.context() as patched:
        patched.setattr(redis.connection.Connection, "send_packed_command", counted)
        generations._move_on_now("trip:gen", ("trip",))
    after = generations.read_through("trip", generation="trip:gen", load=lambda: "after")

    assert (len(sent), after) == (1, "after")
