"""Page reads from a real streaming standby, everything else from the primary.

The module makes a hot standby of the test PostgreSQL (tests/standby.py) and
adds it as the `replica_1` alias, as DATABASE_REPLICA_URL would. A standby
whose replay is paused keeps serving rows as they were: what a page shows
then says which server it read. The rows are committed (transactional
tests), since a standby sees only what the primary committed.
"""

import logging
import os

import pytest
from django.db import connections, transaction
from django.test import Client, RequestFactory
from django.urls import reverse

from cities.models import City
from techvote import replicas
from techvote.middleware import FRESH_COOKIE
from tests.helpers import at_rank
from tests.servers import fetch, gunicorn, postgres_url
from tests.standby import Standby

ALIAS = "replica_1"

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", ALIAS])


@pytest.fixture(scope="module")
def standby(django_db_setup, django_db_blocker):
    """A running hot standby of the test database, reachable as the `replica_1` alias."""
    primary = connections["default"].settings_dict
    reason = Standby.unavailable(primary)
    if reason:
        if os.environ.get("REQUIRE_STANDBY"):
            pytest.fail(f"REQUIRE_STANDBY is set but no standby can be made: {reason}")
        pytest.skip(reason)
    server = Standby(primary)
    with django_db_blocker.unblock():
        server.create()
        server.start()
        aliases = {"default": primary, ALIAS: server.settings_dict()}
        connections.settings[ALIAS] = connections.configure_settings(aliases)[ALIAS]
    try:
        yield server
    finally:
        connections[ALIAS].close()
        del connections.settings[ALIAS]
        if hasattr(connections._connections, ALIAS):
            delattr(connections._connections, ALIAS)
        server.remove()


@pytest.fixture
def routed(standby, settings, monkeypatch):
    """The site configured with the standby as its one replica; each test starts caught up."""
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["techvote.replicas.ReplicaRouter"]
    # Ask a replica that was down again on the next page, not seconds later.
    monkeypatch.setattr(replicas, "RETRY_SECONDS", 0)
    replicas._down_since.clear()
    yield standby
    standby.resume_replay()
    replicas._down_since.clear()


@pytest.fixture
def contender_list(make_ranked_list, routed):
    contender_list = make_ranked_list(12)
    routed.wait_until_caught_up()
    return contender_list


def rename(city: City, name: str) -> None:
    """Rename the city as the site does: a save, which also moves its updated_at."""
    city = City.objects.get(pk=city.pk)
    city.name = name
    city.save()


def top_city(client: Client, contender_list) -> str:
    """The name of the city the list page shows first."""
    page = client.get(contender_list.get_absolute_url())
    assert page.status_code == 200
    return page.context["page"].top_ten[0].city.name


def test_the_replica_is_a_standby_of_the_test_database(routed):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()

    assert in_recovery
    assert name == connections["default"].settings_dict["NAME"]


def test_page_reads_go_to_the_standby_and_writes_to_the_primary(routed, contender_list):
    first = at_rank(contender_list, 1).city
    routed.pause_replay()

    rename(first, "Renamed on the primary")

    assert top_city(Client(), contender_list) == first.name, "the page read the standby"
    assert City.objects.get(pk=first.pk).name == "Renamed on the primary", "outside a page"
    routed.resume_replay()
    routed.wait_until_caught_up()
    assert top_city(Client(), contender_list) == "Renamed on the primary"


def test_a_read_inside_a_transaction_goes_to_the_primary(routed, contender_list):
    city = at_rank(contender_list, 1).city
    routed.pause_replay()
    rename(city, "Renamed on the primary")
    seen = {}

    def page_view(request):
        seen["page"] = City.objects.get(pk=city.pk).name
        with transaction.atomic():
            seen["in a transaction"] = City.objects.get(pk=city.pk).name
        return None

    replicas.ReplicaReadsMiddleware(page_view)(RequestFactory().get("/"))

    assert seen == {"page": city.name, "in a transaction": "Renamed on the primary"}


def test_a_voter_sees_their_own_vote_at_once_however_far_the_standby_lags(
    routed, contender_list, member
):
    voter, visitor = Client(), Client()
    voter.force_login(member)
    tenth = at_rank(contender_list, 10)
    first = at_rank(contender_list, 1)
    routed.wait_until_caught_up()  # The session is on the standby too.
    routed.pause_replay()

    answer = voter.post(reverse("comments:vote", args=[tenth.pk]), {"value": "1"})

    assert answer.status_code == 302
    assert answer.cookies[FRESH_COOKIE]["max-age"] >= 5
    assert top_city(voter, contender_list) == tenth.city.name, "the voter reads the primary"
    assert top_city(visitor, contender_list) == first.city.name, "everyone else, the standby"
    del voter.cookies[FRESH_COOKIE]  # What its max-age does.
    assert top_city(voter, contender_list) == first.city.name, "back on the lagging standby"


def test_pages_keep_working_while_the_standby_is_down_and_use_it_again_when_back(
    routed, contender_list, caplog
):
    first = at_rank(contender_list, 1).city
    routed.stop()
    try:
        rename(first, "Renamed while it was down")
        with caplog.at_level(logging.WARNING, logger="techvote.replicas"):
            assert top_city(Client(), contender_list) == "Renamed while it was down"
            assert top_city(Client(), contender_list) == "Renamed while it was down"
        down = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(down) == 1, "one line, not one a page"
        assert f"replica {ALIAS} is unavailable" in down[0].getMessage()
    finally:
        routed.start()
    routed.wait_until_caught_up()
    routed.pause_replay()
    rename(first, "Renamed once it was back")
    caplog.clear()

    with caplog.at_level(logging.WARNING, logger="techvote.replicas"):
        assert top_city(Client(), contender_list) == "Renamed while it was down", "the standby"

    assert [r.getMessage() for r in caplog.records] == [
        f"Database replica {ALIAS} is back: page reads use it again."
    ]


def test_a_server_given_the_variable_reads_pages_from_the_standby(routed, contender_list):
    first = at_rank(contender_list, 1).city
    url = contender_list.get_absolute_url()
    routed.pause_replay()
    rename(first, "Renamed on the primary")

    with gunicorn(
        DATABASE_URL=postgres_url(connections["default"].settings_dict),
        DATABASE_REPLICA_URL=postgres_url(routed.settings_dict()),
    ) as site:
        status, _, from_standby = fetch(site + url)
        routed.stop()
        try:
            status_while_down, _, from_primary = fetch(site + url)
        finally:
            routed.start()

    assert status == status_while_down == 200
    assert first.name in from_standby
    assert "Renamed on the primary" not in from_standby
    assert "Renamed on the primary" in from_primary
