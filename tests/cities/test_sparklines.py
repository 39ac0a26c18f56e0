"""Each list row's sparkline: its last 30 days of rank, read for the whole page at once."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Contender
from comments.charts import SPARK_HEIGHT, SPARK_PAD, ordinal
from comments.models import RankSnapshot
from tests.cities.test_pages import list_url
from tests.helpers import ranking

pytestmark = pytest.mark.django_db


def since(days: int):
    return timezone.localdate() - timedelta(days=days)


def backfill(contender_list, days: int) -> dict[int, list[int]]:
    """Snapshots for `days` mornings with the list upside down, then turning: by id, the
    ranks written, oldest first."""
    pks = ranking(contender_list)
    size = len(pks)
    written = {pk: [] for pk in pks}
    rows = []
    for days_ago in range(days, 0, -1):
        for place, pk in enumerate(pks):
            rank = size - place if days_ago > 10 else place + 1
            written[pk].append(rank)
            rows.append(
                RankSnapshot(contender_id=pk, taken_on=since(days_ago), rank=rank, score=0)
            )
    RankSnapshot.objects.bulk_create(rows)
    return written


def sparklines(html: str) -> dict[int, tuple[str, list[str]]]:
    """Per row: the sparkline's accessible name and the points it draws."""
    found = {}
    for pk, label, points in re.findall(
        r'id="contender-(\d+)".*?<svg class="sparkline"[^>]*aria-label="([^"]+)".*?'
        r'<polyline points="([^"]+)"',
        html,
        re.S,
    ):
        found[int(pk)] = (label, points.split())
    return found


def test_each_row_draws_its_last_thirty_days_from_the_snapshots(client, make_ranked_list):
    contender_list = make_ranked_list(12)
    written = backfill(contender_list, 40)

    html = client.get(list_url(contender_list)).content.decode()

    lines = sparklines(html)
    now = {c.pk: c for c in Contender.objects.filter(contender_list=contender_list).with_rank()}
    assert set(lines) == set(written)
    for pk, ranks in written.items():
        recent = [*ranks[-29:], now[pk].rank]  # 29 mornings, then now.
        words = "held" if recent[0] == recent[-1] else f"from {ordinal(recent[0])} to"
        assert lines[pk][0].startswith(f"Rank {words}"), lines[pk]
        assert lines[pk][0].endswith(f"{ordinal(recent[-1])} over the last 30 days")
        assert len(lines[pk][1]) == 30


def test_a_row_without_history_draws_no_sparkline(client, make_ranked_list):
    contender_list = make_ranked_list(3)

    html = client.get(list_url(contender_list)).content.decode()

    assert 'class="sparkline"' not in html


@pytest.mark.parametrize("size", [12, 60])
def test_sparklines_cost_one_query_whatever_the_list_size(
    client, make_ranked_list, django_assert_num_queries, size
):
    contender_list = make_ranked_list(size)
    backfill(contender_list, 35)

    # List, contenders, top comments, the rows' days, the map.
    with django_assert_num_queries(5):
        response = client.get(list_url(contender_list))

    assert len(sparklines(response.content.decode())) == 10 + min(size - 10, 25)


def test_a_new_snapshot_redraws_the_row_not_a_stale_one(client, make_ranked_list):
    contender_list = make_ranked_list(3)
    first = ranking(contender_list)[0]
    for days_ago in (3, 2):
        RankSnapshot.objects.create(contender_id=first, taken_on=since(days_ago), rank=3, score=0)
    before = sparklines(client.get(list_url(contender_list)).content.decode())[first]

    RankSnapshot.objects.create(contender_id=first, taken_on=since(1), rank=2, score=0)
    after = sparklines(client.get(list_url(contender_list)).content.decode())[first]

    assert before[0] == after[0] == "Rank from 3rd to 1st over the last 4 days"
    # 3rd, 3rd, then 1st from the day without a snapshot on; now 2nd on that day.
    top, bottom = SPARK_PAD, SPARK_HEIGHT - SPARK_PAD
    middle = (top + bottom) / 2
    assert [float(p.split(",")[1]) for p in before[1]] == [bottom, bottom, top, top]
    assert [float(p.split(",")[1]) for p in after[1]] == [bottom, bottom, middle, top]
