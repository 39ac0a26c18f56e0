"""The pictures: a contender's history chart, the rows' sparklines, a past day's list,
the list's world map and the city's locator, on desktop and phone, with and without
JavaScript: no overflow, names for everything, axe clean, each screenshot written."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cities.models import ContenderList
from comments.charts import ordinal
from comments.models import RankSnapshot
from tests.browser.data import CITIES, LIST_SLUG, build_site

pytestmark = pytest.mark.browser

LIST_PATH = f"/lists/{LIST_SLUG}/"
HISTORY_DAYS = 40


def with_history(site) -> dict[int, list[int]]:
    """Forty mornings in which the list slowly turns into its order of today: by contender,
    the ranks written, oldest first."""
    size = len(site.contenders)
    ContenderList.objects.filter(pk=site.contender_list.pk).update(
        created_at=timezone.now() - timedelta(days=HISTORY_DAYS + 1)
    )
    today = timezone.localdate()
    written = {c.pk: [] for c in site.contenders}
    rows = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        order = site.contenders[:]
        shift = days_ago // 8  # Every eight days back, the order rotates by one more place.
        order = order[shift:] + order[:shift]
        for rank, contender in enumerate(order, start=1):
            written[contender.pk].append(rank)
            rows.append(
                RankSnapshot(
                    contender=contender,
                    taken_on=today - timedelta(days=days_ago),
                    rank=rank,
                    score=max(0, size - rank - days_ago // 10),
                )
            )
    RankSnapshot.objects.bulk_create(rows)
    return written


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_sees_the_history_the_map_and_a_past_day(ui, javascript):
    site = build_site()
    written = with_history(site)
    page = ui.page
    tokyo = site.contenders[0]
    first_rank = written[tokyo.pk][0]

    # The list: a sparkline in every row and the map of every contender.
    ui.goto(LIST_PATH, audit="list-pictures")
    top_ten = page.get_by_role("region", name="The Top Ten")
    # Each of the Top Ten was lower 29 mornings ago: the rotation had not ended.
    expect(top_ten.get_by_role("img", name="Rank from")).to_have_count(10)
    world = page.get_by_role("region", name="On the map")
    expect(world.get_by_role("link")).to_have_count(len(CITIES))
    leader = world.get_by_role("link", name="Tokyo, Japan: 1st, score 3", exact=True)
    expect(leader).to_have_count(1)

    # The contender page: the chart and its words.
    with ui.navigates(audit="contender-history"):
        if ui.device == "phone":
            leader.dispatch_event("click")  # A dot a few pixels wide: the link is what counts.
        else:
            leader.click()
    assert ui.path == tokyo.get_comments_url()
    chart = page.get_by_role("img", name="Tokyo: rank (1 at the top) and score")
    expect(chart).to_be_visible()
    since = timezone.localdate() - timedelta(days=HISTORY_DAYS)
    expect(page.locator("#history-summary")).to_contain_text(
        f"From {ordinal(first_rank)} to 1st since {since.day} {since:%B %Y}"
    )
    ui.press(page.get_by_text("Every day in a table"))
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(HISTORY_DAYS + 2)  # The head, each morning, now.
    ui.assert_no_horizontal_overflow()

    # The city page's locator.
    ui.goto(site.cities[0].get_absolute_url(), audit="city-locator")
    expect(page.get_by_role("img", name="Tokyo on the world map: Japan")).to_be_visible()

    # A past day, and back to today.
    day = timezone.localdate() - timedelta(days=30)
    ui.goto(f"{LIST_PATH}?on={day.isoformat()}", audit="list-on-day")
    expect(page.get_by_role("note")).to_contain_text("As it stood at the start of")
    past = page.get_by_role("region", name=f"The ranking on {day.day} {day:%B %Y}")
    expect(past.get_by_role("listitem")).to_have_count(25)
    shifted = [pk for pk, ranks in written.items() if ranks[-30] == 1]
    first_then = next(c for c in site.contenders if c.pk == shifted[0]).city.name
    expect(past.get_by_role("listitem").first).to_contain_text(first_then)
    with ui.navigates():
        ui.press(page.get_by_role("link", name="See the list today"))
    assert ui.path == LIST_PATH

    # The day picker asks for another day.
    picker = page.get_by_label("See the list as it stood on a past day")
    picker.fill((day - timedelta(days=5)).isoformat())
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Show"))
    expect(page.get_by_role("note")).to_contain_text("As it stood at the start of")
