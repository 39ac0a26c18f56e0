"""A visitor switches a list's ranking method by its links, then reads the method page."""

import re

import pytest
from playwright.sync_api import expect

from comments.ballots import save_ballot
from comments.tallies import count_list
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

LIST_PATH = f"/lists/{LIST_SLUG}/"


def build_disputed_site():
    """The browsing site, where four ballots put Seoul first and the votes Tokyo."""
    site = build_site(size=15)
    order = [site.contender(name).pk for name in ("Seoul", "Shenzhen", "Tokyo")]
    for n in range(4):
        save_ballot(
            user=UserFactory(username=f"ranker{n}"),
            contender_list_id=site.contender_list.pk,
            contender_ids=order,
        )
    count_list(site.contender_list)
    return site


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_switches_the_method_by_link_and_reads_how_it_works(ui, javascript):
    build_disputed_site()
    page = ui.page
    ui.goto(LIST_PATH)
    methods = page.get_by_role("navigation", name=re.compile("Ranked by"))
    expect(methods.get_by_role("heading")).to_have_text("Ranked by Net votes")
    top_ten = page.get_by_role("region", name="The Top Ten").get_by_role("listitem")
    expect(top_ten.first).to_contain_text("Tokyo")

    with ui.navigates():
        ui.press(methods.get_by_role("link", name="Schulze", exact=True))
    ui.arrived(LIST_PATH, audit="list-by-schulze")
    assert page.url.endswith("?method=schulze"), page.url
    expect(page.get_by_role("heading", name="Ranked by Schulze")).to_be_visible()
    expect(methods.get_by_role("link", name="Schulze", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    expect(top_ten.first).to_contain_text("Seoul")
    expect(top_ten.first).to_contain_text("Condorcet winner")
    # Tokyo: third head to head, first by votes, and first by Borda's breadth.
    expect(top_ten.nth(2)).to_contain_text("Tokyo")
    expect(top_ten.nth(2)).to_contain_text("Net votes #1")
    expect(top_ten.nth(2)).to_contain_text("Borda #1")

    with ui.navigates():
        ui.press(page.get_by_role("link", name=re.compile("How the methods work")))
    ui.arrived(f"/lists/{LIST_SLUG}/method/", audit="method")
    expect(page.get_by_role("heading", level=1)).to_have_text("How this list is ranked")
    table = page.get_by_role("table", name=re.compile("The leading 10 by Schulze"))
    expect(table.locator("caption")).to_contain_text("The leading 10 by Schulze")
    # Seoul against Shenzhen: the four ballots, and the voter who voted Seoul up alone.
    seoul = table.locator("tr", has=page.get_by_role("rowheader", name="1. Seoul"))
    expect(seoul.get_by_role("cell").nth(1)).to_have_text(re.compile(r"100%\s*5 of 5"))
    expect(page.get_by_text(re.compile("Borda puts Tokyo first"))).to_be_visible()
    expect(page.get_by_text(re.compile("Net votes puts Tokyo first"))).to_be_visible()
    region = page.get_by_role("region", name=re.compile("The leading 10 by Schulze"))
    if ui.device == "phone":
        # The table scrolls inside its own box, which says so, and the page does not.
        expect(page.get_by_text(re.compile("scroll it sideways"))).to_be_visible()
        assert region.evaluate("el => el.scrollWidth > el.clientWidth")
