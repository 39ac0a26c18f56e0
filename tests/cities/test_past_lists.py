"""A list as it stood at the start of a past day: ?on=YYYY-MM-DD."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Contender, ContenderList
from comments.models import RankSnapshot
from comments.services import cast_vote
from tests.cities.test_pages import list_url
from tests.factories import UserFactory
from tests.helpers import ranking

pytestmark = pytest.mark.django_db


def since(days: int):
    return timezone.localdate() - timedelta(days=days)


def shown(html: str) -> list[tuple[int, str, int]]:
    """(rank, city, score) of each row of the past ranking."""
    rows = re.findall(
        r'<li value="(\d+)" class="past-ranking__row">.*?<a href="[^"]+">([^<]+)</a>.*?'
        r"score (-?\d+)</span>",
        html,
        re.S,
    )
    return [(int(rank), city, int(score)) for rank, city, score in rows]


@pytest.fixture
def month_old_list(make_ranked_list):
    """A list created a month ago, with snapshots 10 and 5 days ago in reverse order."""
    contender_list = make_ranked_list(4)
    ContenderList.objects.filter(pk=contender_list.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    pks = ranking(contender_list)
    for days_ago, order in [(10, pks[::-1]), (5, [pks[1], pks[0], pks[3], pks[2]])]:
        for rank, pk in enumerate(order, start=1):
            RankSnapshot.objects.create(
                contender_id=pk, taken_on=since(days_ago), rank=rank, score=10 * (5 - rank)
            )
    return contender_list


def names(pks) -> list[str]:
    by_pk = Contender.objects.select_related("city").in_bulk(pks)
    return [by_pk[pk].city.name for pk in pks]


def expected_on(day) -> list[tuple[int, str, int]]:
    rows = RankSnapshot.objects.filter(taken_on=day).order_by("rank")
    cities = names([s.contender_id for s in rows])
    return [(s.rank, city, s.score) for s, city in zip(rows, cities, strict=True)]


def test_a_past_day_shows_that_mornings_ranking_with_a_banner_and_a_way_back(
    client, month_old_list
):
    response = client.get(list_url(month_old_list, on=since(10).isoformat()))

    html = response.content.decode()
    assert response.status_code == 200
    assert shown(html) == expected_on(since(10))
    assert shown(html)[0][1] == names(ranking(month_old_list))[-1], "upside down then"
    assert f'datetime="{since(10).isoformat()}"' in html
    assert "As it stood at the start of" in html
    assert f'href="{month_old_list.get_absolute_url()}">See the list today</a>' in html


def test_a_day_without_a_snapshot_shows_the_next_mornings(client, month_old_list):
    html = client.get(list_url(month_old_list, on=since(8).isoformat())).content.decode()

    assert shown(html) == expected_on(since(5))


def test_a_day_since_the_last_snapshot_shows_the_list_as_it_stands(client, month_old_list):
    leader = ranking(month_old_list)[-1]
    cast_vote(user=UserFactory(), contender_id=leader, value=1)  # Today's snapshot first.
    RankSnapshot.objects.filter(taken_on=since(0)).delete()

    html = client.get(list_url(month_old_list, on=since(2).isoformat())).content.decode()

    live = ranking(month_old_list)
    scores = dict(Contender.objects.values_list("pk", "score"))
    assert shown(html) == [
        (rank, name, scores[pk])
        for rank, (pk, name) in enumerate(zip(live, names(live), strict=True), 1)
    ]
    assert "No vote has moved the list since" in html


@pytest.mark.parametrize(
    ("day", "status", "message"),
    [
        (lambda: since(-1).isoformat(), 404, "That day has not come yet."),
        (lambda: since(31).isoformat(), 404, "did not exist yet on that day"),
        (lambda: "2026-02-30", 400, "Give the day as year-month-day"),
        (lambda: "30/11/2026", 400, "Give the day as year-month-day"),
        (lambda: "", 400, "Give the day as year-month-day"),
        (lambda: "99999-01-01", 400, "Give the day as year-month-day"),
    ],
)
def test_a_day_it_cannot_show_gets_a_clear_message(client, month_old_list, day, status, message):
    before = RankSnapshot.objects.count()

    response = client.get(list_url(month_old_list, on=day()))

    assert response.status_code == status
    assert message in response.content.decode()
    assert "See the list today" in response.content.decode()
    assert RankSnapshot.objects.count() == before


def test_bad_pages_of_a_past_day_are_missing(client, month_old_list):
    day = since(10).isoformat()

    assert client.get(list_url(month_old_list, on=day, page=2)).status_code == 404
    assert client.get(list_url(month_old_list, on=day, page="x")).status_code == 404
    assert client.get(list_url(ContenderList(slug="nope"), on=day)).status_code == 404


@pytest.mark.parametrize("size", [12, 80])
def test_a_past_day_runs_the_same_queries_whatever_the_list_size(
    client, make_ranked_list, django_assert_num_queries, size, settings
):
    """The list, that morning, its rows with their cities."""
    contender_list = make_ranked_list(size)
    RankSnapshot.objects.bulk_create(
        RankSnapshot(contender_id=pk, taken_on=since(0), rank=rank, score=0)
        for rank, pk in enumerate(ranking(contender_list), start=1)
    )

    with django_assert_num_queries(3):
        response = client.get(list_url(contender_list, on=since(0).isoformat()))

    assert response.status_code == 200
    assert [rank for rank, _, _ in shown(response.content.decode())] == list(
        range(1, min(size, settings.CONTENDERS_PER_PAGE) + 1)
    )
