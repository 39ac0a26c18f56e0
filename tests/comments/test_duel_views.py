"""The duel page: two cities side by side, answered by a form post that leads to the next."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from cities.models import Contender
from comments.duel_page import duel_token
from comments.duels import DuelPair, next_duel
from comments.models import Duel
from comments.moderation import make_moderator, suspend_user
from tests.factories import (
    CityFactory,
    ContenderFactory,
    FactFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="duel" value="([^"]+)"')


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(8)


def duel_url(contender_list) -> str:
    return reverse("comments:duel", args=[contender_list.slug])


def token_on(page) -> str:
    return TOKEN.search(page.content.decode()).group(1)


def post_answer(client, contender_list, answer, reason=""):
    """Answer the duel the page shows, as its buttons do."""
    token = token_on(client.get(duel_url(contender_list)))
    return client.post(
        duel_url(contender_list), {"duel": token, "answer": answer, "reason": reason}
    )


def post_signed(client, contender_list, *, made_for, pair=None):
    """Post "left" with a token signed for `made_for`, on their next pair or on `pair`."""
    pair = pair or next_duel(user=made_for, contender_list=contender_list)
    token = duel_token(user=made_for, contender_list=contender_list, pair=pair)
    return client.post(duel_url(contender_list), {"duel": token, "answer": "left"})


# --- The page --------------------------------------------------------------------------------


def test_the_page_shows_the_next_pair_with_their_facts_and_sources(member_client, member):
    contender_list = ContenderFactory(
        city=CityFactory(name="Seoul", country="South Korea")
    ).contender_list
    for name in ("Taipei", "Shenzhen"):
        ContenderFactory(contender_list=contender_list, city=CityFactory(name=name))
    source = SourceFactory(title="Startup Genome 2024", url="https://example.org/report")
    for city in [contender.city for contender in contender_list.contenders.all()]:
        FactFactory(city=city, label="Robots per worker", value="1,012", source=source, year=2023)
        FactFactory(city=city, label="Patents", value="9", source=source, position=1)
        FactFactory(city=city, label="A third fact", value="1", source=source, position=2)
    pair = next_duel(user=member, contender_list=contender_list)
    left, right = (Contender.objects.get(pk=pk).city for pk in (pair.left_id, pair.right_id))

    page = member_client.get(duel_url(contender_list))

    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(f"Pick {left.name}") < html.index(f"Pick {right.name}")
    assert html.count("Robots per worker") == 2
    assert html.count("Patents") == 2
    assert "A third fact" not in html  # One or two facts a side.
    assert html.count('<a href="https://example.org/report" rel="nofollow noopener">') == 4
    assert left.summary in html
    assert right.summary in html
    assert "Can't decide" in html
    assert 'id="duel-reason"' in html
    assert html.count(f'name="duel" value="{token_on(page)}"') == 2  # Both forms.
    assert '<script src="/static/js/duel.js" defer></script>' in html


def test_the_list_page_links_to_its_duel(client, contender_list):
    page = client.get(contender_list.get_absolute_url())

    assert f'href="{duel_url(contender_list)}"' in page.content.decode()


@pytest.mark.parametrize("size", [3, 60])
def test_the_page_runs_the_same_queries_whatever_the_list_size(
    member_client, make_ranked_list, django_assert_num_queries, size
):
    """Session, user, list, contenders with their duel standing, the member's last duel,
    the standing (remembered, from the cache, a table without Redis), the pair with its
    cities, their facts."""
    contender_list = make_ranked_list(size)
    member_client.get(duel_url(contender_list))  # The member's standing is remembered.

    with django_assert_num_queries(8):
        assert member_client.get(duel_url(contender_list)).status_code == 200


# --- Answering without JavaScript ------------------------------------------------------------


def test_a_pick_is_stored_and_redirects_to_the_next_duel(member_client, member, contender_list):
    pair = next_duel(user=member, contender_list=contender_list)

    answered = post_answer(member_client, contender_list, "right")

    assert answered.status_code == 302
    assert answered["Location"] == duel_url(contender_list)
    duel = Duel.objects.get()
    assert (duel.user, duel.number, duel.left_id, duel.right_id, duel.winner_id) == (
        member,
        1,
        pair.left_id,
        pair.right_id,
        pair.right_id,
    )
    following = next_duel(user=member, contender_list=contender_list)
    assert {following.left_id, following.right_id} != {pair.left_id, pair.right_id}
    assert "Counted. Here is the next duel." in member_client.get(answered["Location"]).text


def test_cant_decide_keeps_the_reason(member_client, contender_list):
    post_answer(member_client, contender_list, "undecided", reason="  Never been to either ")

    duel = Duel.objects.get()
    assert (duel.winner_id, duel.reason) == (None, "Never been to either")


def test_a_reason_typed_before_picking_a_side_is_dropped(member_client, contender_list):
    post_answer(member_client, contender_list, "left", reason="Both are close")

    duel = Duel.objects.get()
    assert (duel.winner_id, duel.reason) == (duel.left_id, "")


def test_a_double_post_stores_one_duel(member_client, contender_list):
    token = token_on(member_client.get(duel_url(contender_list)))

    for _ in range(2):
        answered = member_client.post(duel_url(contender_list), {"duel": token, "answer": "left"})
        assert answered.status_code == 302

    assert Duel.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"answer": "both"}, "Pick one of the two cities"),
        ({"answer": ""}, "Pick one of the two cities"),
        ({"duel": "made-up"}, "out of date or was not made for you"),
        ({"reason": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_malformed_answer_gets_400_and_changes_nothing(
    member_client, contender_list, change, words
):
    token = token_on(member_client.get(duel_url(contender_list)))
    data = {"duel": token, "answer": "undecided", **change}

    answered = member_client.post(duel_url(contender_list), data)

    assert answered.status_code == 400
    assert words in answered.content.decode()
    assert not Duel.objects.exists()


def test_a_token_made_for_another_member_is_refused(member_client, member, contender_list):
    answered = post_signed(member_client, contender_list, made_for=UserFactory())

    assert answered.status_code == 400
    assert not Duel.objects.exists()


def test_a_token_naming_a_pending_city_gets_409(member_client, member, contender_list):
    ids = list(contender_list.contenders.values_list("pk", flat=True))
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)
    pair = DuelPair(number=1, left_id=ids[0], right_id=pending.pk)

    answered = post_signed(member_client, contender_list, made_for=member, pair=pair)

    assert answered.status_code == 409
    assert not Duel.objects.exists()


def test_an_answer_without_a_csrf_token_is_refused(member, contender_list):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    answered = post_signed(client, contender_list, made_for=member)

    assert answered.status_code == 403
    assert not Duel.objects.exists()


def test_answers_over_the_rate_limit_get_429(member_client, contender_list, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "duel": {"established": {"minute": 1, "day": 10}, "new": {"minute": 1, "day": 3}},
    }
    post_answer(member_client, contender_list, "left")

    answered = post_answer(member_client, contender_list, "left")

    assert answered.status_code == 429
    assert "1 duel answers a minute" in answered.content.decode()
    assert Duel.objects.count() == 1


# --- Who may answer --------------------------------------------------------------------------


def test_a_visitor_may_try_one_and_is_asked_to_sign_up(client, contender_list):
    page = client.get(duel_url(contender_list))
    assert page.status_code == 200
    assert "only members' duels count" in page.content.decode()

    answered = post_answer(client, contender_list, "left")

    assert answered.status_code == 302
    assert answered["Location"] == f"{reverse('account_signup')}?next={duel_url(contender_list)}"
    assert "It was not counted: sign up" in client.get(answered["Location"]).text
    assert not Duel.objects.exists()


def test_a_suspended_member_is_told_why_and_cannot_answer(client, contender_list):
    moderator, member = UserFactory(), UserFactory()
    make_moderator(moderator)
    moderator = type(moderator).objects.get(pk=moderator.pk)
    suspend_user(moderator=moderator, member=member, reason="Spam links")
    client.force_login(member)

    page = client.get(duel_url(contender_list))
    answered = post_signed(client, contender_list, made_for=member)

    assert "Spam links" in page.content.decode()
    assert 'name="answer"' not in page.content.decode()
    assert answered.status_code == 403
    assert not Duel.objects.exists()


def test_a_closed_or_tiny_list_says_so(member_client, member, make_ranked_list):
    closed, tiny = make_ranked_list(4, is_open=False), make_ranked_list(2)

    answered = post_signed(member_client, closed, made_for=member)
    small = member_client.get(duel_url(tiny))

    assert answered.status_code == 409
    assert "has closed" in answered.content.decode()
    assert small.status_code == 409
    assert "at least three cities" in small.content.decode()
    assert not Duel.objects.exists()


def test_a_missing_list_is_404(member_client, db):
    assert member_client.get("/lists/nowhere/duel/").status_code == 404
    assert member_client.post("/lists/nowhere/duel/", {"answer": "left"}).status_code == 404


@pytest.mark.parametrize("size", [8, 80])
def test_an_answer_runs_the_same_statements_whatever_the_list_size(
    member_client, make_ranked_list, assert_statements, size
):
    """Session, user, list; the service's standing (remembered: the cache table without
    Redis), the insert that checks the list and the pair, and the rate-limit counter."""
    contender_list = make_ranked_list(size)
    token = token_on(member_client.get(duel_url(contender_list)))

    with assert_statements(6):
        member_client.post(duel_url(contender_list), {"duel": token, "answer": "left"})

    assert Duel.objects.count() == 1


def test_with_redis_an_answer_runs_two_statements(
    own_redis, member_client, contender_list, assert_statements
):
    """The list, and the insert that checks the list and the pair: the session, the user
    row, the standing and the rate limit come from Redis."""
    token = token_on(member_client.get(duel_url(contender_list)))

    with assert_statements(2):
        answered = member_client.post(duel_url(contender_list), {"duel": token, "answer": "left"})

    assert answered.status_code == 302
    assert Duel.objects.count() == 1
