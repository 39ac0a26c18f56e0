"""A visitor reads how sure the ranks are: intervals beside the ranks, tied bands, and the
method page's tables, on a desktop and a phone."""

from itertools import groupby

import pytest
from playwright.sync_api import expect

from comments.models import MethodStanding
from comments.tallies import count_list
from tests.browser.data import LIST_SLUG, build_site
from tests.helpers import cast_noisy_ballots

pytestmark = pytest.mark.browser

LIST_PATH = f"/lists/{LIST_SLUG}/"
DASH = "\N{EN DASH}"  # As the pages print a range.


def build_ranked_site():
    """The browsing site with fourteen ballots, each a noisy reading of the list's order."""
    site = build_site(size=30)
    ids = {contender.city.name: contender.pk for contender in site.contenders}
    cast_noisy_ballots(site.contender_list, ids, members=14)
    count_list(site.contender_list)
    return site


def borda_standings(site) -> list[MethodStanding]:
    return list(
        MethodStanding.objects.filter(contender_list=site.contender_list, method="borda")
        .select_related("contender__city")
        .order_by("rank")
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_sees_each_ranks_interval_and_the_tied_bands(ui, javascript):
    site = build_ranked_site()
    standings = borda_standings(site)
    top_ten = [s for s in standings if s.rank <= 10]
    bands = [list(run) for _, run in groupby(top_ten, key=lambda s: s.band)]
    bands = [band for band in bands if len(band) > 1]
    assert bands, "fourteen noisy ballots should leave some of the Top Ten tied"
    page = ui.page

    ui.goto(LIST_PATH + "?method=borda", audit="list-intervals")

    region = page.get_by_role("region", name="The Top Ten")
    for standing in top_ten:
        row = page.locator(f"#contender-{standing.contender_id}")
        interval = f"({standing.rank_lower}{DASH}{standing.rank_upper})"
        expect(row.locator(".contender__interval")).to_have_text(interval)
        expect(row.locator(".contender__rank")).to_contain_text(
            f"Rank {standing.rank}, likely between {standing.rank_lower} and {standing.rank_upper}"
        )
    shown = region.locator(".tied-band")
    expect(shown).to_have_count(len(bands))
    for band, item in zip(bands, shown.all(), strict=True):
        expect(item.locator(".tied-band__label")).to_be_visible()
        expect(item.locator(".tied-band__label")).to_have_text(
            f"Statistically tied: ranks {band[0].rank} to {band[-1].rank}"
        )
        expect(item.locator(".contender")).to_have_count(len(band))
        for standing, row in zip(band, item.locator(".contender").all(), strict=True):
            expect(row.get_by_role("heading")).to_have_text(standing.contender.city.name)
        start = item.locator("ol").get_attribute("start")
        assert start == str(band[0].rank)
    expect(page.get_by_text("Statistically tied", exact=False).first).to_be_visible()


def test_the_method_page_shows_how_sure_each_methods_top_ten_are(ui):
    site = build_ranked_site()
    leaders = borda_standings(site)[:10]
    page = ui.page

    ui.goto(f"/lists/{LIST_SLUG}/method/", audit="method-certainty")

    expect(page.get_by_role("heading", name="How sure the ranks are")).to_be_visible()
    table = page.get_by_role("table", name="Borda", exact=True)
    expect(table.get_by_role("row")).to_have_count(11)
    first = table.get_by_role("row").nth(1)
    expect(first.get_by_role("rowheader")).to_have_text(leaders[0].contender.city.name)
    expect(first.get_by_role("cell").nth(1)).to_have_text(
        f"{leaders[0].rank_lower}{DASH}{leaders[0].rank_upper}"
    )
