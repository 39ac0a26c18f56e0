"""The contender page's chart of rank and score by day, drawn on the server."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.utils import timezone

from comments import charts
from comments.models import RankSnapshot
from comments.moderation import void_votes
from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_drawn_charts():
    caches["fragments"].clear()


def since(days: int):
    return timezone.localdate() - timedelta(days=days)


def polyline(html: str, name: str) -> list[tuple[float, float]]:
    points = re.search(rf'class="history-chart__{name}" points="([^"]+)"', html).group(1)
    return [tuple(float(v) for v in point.split(",")) for point in points.split()]


@pytest.fixture
def climber(make_ranked_list):
    """The last of three, which climbed to the top: 3rd, 2nd, 2nd, then two votes now."""
    contender_list = make_ranked_list(3)
    contender = at_rank(contender_list, 3)
    for days_ago, rank, score in [(3, 3, 0), (2, 2, 1), (1, 2, 1)]:
        RankSnapshot.objects.create(
            contender=contender, taken_on=since(days_ago), rank=rank, score=score
        )
    for _ in range(2):
        cast_vote(user=UserFactory(), contender_id=contender.pk, value=1)
    return contender


def test_the_chart_draws_each_days_rank_with_the_first_place_at_the_top(client, climber):
    html = client.get(climber.get_comments_url()).content.decode()

    days = [(3, 0), (2, 1), (2, 1), (1, 2)]  # (rank, score) each morning, then now.
    worst, low, high = 3, 0, 2
    rank_line, score_line = polyline(html, "rank"), polyline(html, "score")
    assert [y for _, y in rank_line] == [
        pytest.approx(charts.RANK_TOP + (rank - 1) / (worst - 1) * charts.RANK_HEIGHT, abs=0.05)
        for rank, _ in days
    ]
    assert [y for _, y in score_line] == [
        pytest.approx(
            charts.SCORE_TOP + (high - score) / (high - low) * charts.SCORE_HEIGHT, abs=0.05
        )
        for _, score in days
    ]
    xs = [x for x, _ in rank_line]
    assert xs == sorted(xs)
    assert xs[0] == charts.LEFT
    assert xs[-1] == charts.WIDTH - charts.RIGHT
    assert rank_line[-1][1] < rank_line[0][1], "the climb goes up the chart"


def test_the_chart_says_it_in_words_and_in_a_table(client, climber):
    html = client.get(climber.get_comments_url()).content.decode()

    first_day = since(3)
    assert f"From 3rd to 1st since {first_day.day} {first_day:%B %Y}" in html
    assert 'aria-labelledby="history-chart-title history-summary"' in html
    table = html[html.index("<tbody>") : html.index("</tbody>")]
    cells = re.findall(r"<td>(-?\d+)</td><td>(-?\d+)</td>", table)
    assert cells == [("1", "2"), ("2", "1"), ("2", "1"), ("3", "0")]  # Newest first.
    assert '<th scope="row">Now</th>' in table


def test_the_chart_marks_the_day_it_joined_and_a_moderators_void(
    client, make_ranked_list, moderator
):
    contender = at_rank(make_ranked_list(2), 2)
    RankSnapshot.objects.create(contender=contender, taken_on=since(4), rank=2, score=0)
    cheat = UserFactory()
    cast_vote(user=cheat, contender_id=contender.pk, value=1)
    void_votes(moderator=moderator, member=cheat, reason="One person, many accounts")

    html = client.get(contender.get_comments_url()).content.decode()

    today = since(0)
    assert f"{today.day} {today:%B %Y}: A moderator voided votes cast on it" in html
    assert f"{today.day} {today:%B %Y}: Joined the list" in html
    assert html.count('class="history-chart__event history-chart__event--void"') == 1


def test_a_contender_without_history_gets_a_sentence_not_an_error(client, make_ranked_list):
    contender = at_rank(make_ranked_list(1), 1)

    response = client.get(contender.get_comments_url())

    assert response.status_code == 200
    assert "1st today, with a score of 0; no history yet." in response.content.decode()


@pytest.mark.parametrize("days", [2, 90])
def test_the_chart_costs_two_queries_once_whatever_the_history(
    client, make_ranked_list, django_assert_num_queries, days
):
    """The contender, its comment count (no comments to read), its standings by each counted
    method, the chart's snapshots and events."""
    contender = at_rank(make_ranked_list(3), 2)
    RankSnapshot.objects.bulk_create(
        RankSnapshot(contender=contender, taken_on=since(d), rank=1 + d % 3, score=d)
        for d in range(1, days + 1)
    )

    with django_assert_num_queries(5):
        client.get(contender.get_comments_url())
    with django_assert_num_queries(3):  # The chart is drawn once.
        client.get(contender.get_comments_url())


def test_ordinals():
    assert [charts.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th",
    ]  # fmt: skip
