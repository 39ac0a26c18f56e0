"""Flow 1 (and 3 without JavaScript): a visitor reads the home page, a list, more
contenders, a search, and a city."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.data import CITIES, LIST_SLUG, LIST_TITLE, build_site

pytestmark = pytest.mark.browser

LIST_PATH = f"/lists/{LIST_SLUG}/"


def city_names(rows) -> list[str]:
    return [name for name, *_ in rows]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_browses_a_list_loads_more_searches_and_opens_a_city(ui, javascript):
    build_site()
    page = ui.page

    ui.goto("/", audit="home")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "The world's most high-tech cities, ranked by you"
    )

    ui.press(page.get_by_role("link", name=LIST_TITLE, exact=True))
    ui.arrived(LIST_PATH, audit="list")
    expect(page.get_by_role("heading", level=1)).to_have_text(LIST_TITLE)
    top_ten = page.get_by_role("region", name="The Top Ten").get_by_role("listitem")
    expect(top_ten).to_have_count(10)
    contenders = page.get_by_role("region", name="The Contenders").get_by_role("listitem")
    expect(contenders).to_have_count(25)
    expect(contenders.first).to_contain_text(CITIES[10][0])

    load_more = page.get_by_role("link", name="Load more contenders")
    if javascript:
        with ui.stays_in_place(same_address=False):
            ui.press(load_more)
            expect(contenders).to_have_count(50)
        assert re.search(r"[?&]upto=2\b", page.url), page.url
        expect(contenders.nth(25)).to_contain_text(CITIES[35][0])
        expect(contenders.last).to_contain_text(CITIES[59][0])
        # The last page is shown: nothing more to load.
        expect(load_more).to_have_count(0)
        ui.assert_no_horizontal_overflow()
    else:
        with ui.navigates():
            ui.press(load_more)
        assert re.search(r"[?&]page=2\b", page.url), page.url
        expect(contenders).to_have_count(25)
        expect(contenders.first).to_contain_text(CITIES[35][0])
        expect(contenders.last).to_contain_text(CITIES[59][0])
        expect(page.get_by_role("link", name="Back to the Top Ten")).to_be_visible()

    search = page.get_by_label("Search this list")
    search.fill("tallinn")
    with ui.navigates():
        search.press("Enter")
    results = page.get_by_role("region", name=re.compile("Contenders matching"))
    expect(results.get_by_role("listitem")).to_have_count(1)
    ui.press(results.get_by_role("link", name="Tallinn", exact=True))
    ui.arrived("/cities/tallinn/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tallinn")

    # The richest profile, with facts, organizations, sectors and comments.
    ui.goto("/cities/tokyo/", audit="city")
    expect(page.get_by_role("heading", name="Facts and figures")).to_be_visible()


def test_load_more_moves_the_focus_to_the_first_new_contender_and_says_so(ui):
    build_site()
    page = ui.page
    ui.goto(LIST_PATH)

    with ui.stays_in_place(same_address=False):
        ui.press(page.get_by_role("link", name="Load more contenders"))
        expect(page.get_by_role("link", name=CITIES[35][0], exact=True)).to_be_focused()
    expect(page.locator('p.visually-hidden[role="status"]')).to_have_text(
        "25 more contenders loaded."
    )
