"""A newcomer on a list: Back after "Load more" comes to the same rows, pages
without JavaScript, a phone's compact rows, the filters and the rising view."""

import re

import pytest
from playwright.sync_api import expect

from comments.services import cast_vote
from tests.browser.data import CITIES, LIST_SLUG, LIST_TITLE, build_site
from tests.browser.support import SCREENSHOTS
from tests.factories import CityFactory, ContenderFactory, UserFactory

pytestmark = pytest.mark.browser

LIST_PATH = f"/lists/{LIST_SLUG}/"
DASH = "\N{EN DASH}"  # As the pages print a range.


def build_long_site(extra: int = 40):
    """The browser site with `extra` more contenders after its sixty: four pages in all."""
    site = build_site()
    for _ in range(extra):
        ContenderFactory(contender_list=site.contender_list, city=CityFactory())
    return site


def shoot(element, name: str) -> None:
    """A picture of one element, where a whole page's would be too tall to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    element.screenshot(path=SCREENSHOTS / f"{name}.png")


def contender_rows(page):
    return page.get_by_role("region", name="The Contenders").get_by_role("listitem")


def test_back_from_a_city_after_loading_more_comes_to_the_same_rows_and_place(ui):
    build_long_site()
    page = ui.page
    ui.goto(LIST_PATH)
    rows = contender_rows(page)

    for shown in (50, 75):
        with ui.stays_in_place(same_address=False):
            ui.press(page.get_by_role("link", name="Load more contenders"))
            expect(rows).to_have_count(shown)
    assert re.search(r"\?upto=3$", page.url), page.url
    row = rows.nth(60)  # Rank 71, on the third page.
    link = row.get_by_role("heading").get_by_role("link")
    city = link.inner_text()
    link.scroll_into_view_if_needed()
    top_before = row.bounding_box()["y"]
    with ui.navigates():
        ui.press(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(city)

    page.go_back()
    page.wait_for_load_state()
    expect(rows).to_have_count(75)
    expect(rows.nth(60)).to_contain_text(city)
    expect(rows.nth(60)).to_be_in_viewport()
    top_after = rows.nth(60).bounding_box()["y"]
    assert abs(top_after - top_before) < 100, (top_before, top_after)
    ui.screenshot("list-back")
    ui.arrived(LIST_PATH, audit="list-back")  # The keyboard walk scrolls: checked last.

    # The address goes on from there: the fourth page is the last.
    with ui.stays_in_place(same_address=False):
        ui.press(page.get_by_role("link", name="Load more contenders"))
        expect(rows).to_have_count(90)
    assert re.search(r"\?upto=4$", page.url), page.url


@pytest.mark.parametrize("javascript", [False], ids=["nojs"])
def test_without_javascript_pages_have_their_title_place_and_links(ui, javascript):
    build_long_site()
    page = ui.page
    ui.goto(LIST_PATH + "?page=2", audit="list-page-2")

    expect(page).to_have_title(f"{LIST_TITLE} — page 2 · TechVote")
    expect(page.get_by_text(f"Contenders 36{DASH}60 of 100")).to_be_visible()
    pages = page.get_by_role("navigation", name="Pages of this list")
    shoot(pages, f"list-pager-{ui.device}")
    with ui.navigates():
        ui.press(pages.get_by_role("link", name="Next contenders"))
    expect(page).to_have_title(f"{LIST_TITLE} — page 3 · TechVote")
    expect(contender_rows(page).first).to_contain_text("Testville")
    expect(page.get_by_text(f"Contenders 61{DASH}85 of 100")).to_be_visible()
    with ui.navigates():
        ui.press(pages.get_by_role("link", name="Previous contenders"))
    expect(contender_rows(page).first).to_contain_text(CITIES[35][0])
    with ui.navigates():
        ui.press(pages.get_by_role("link", name="Previous contenders"))
    assert ui.path == LIST_PATH
    assert "page=" not in page.url, page.url
    expect(page).to_have_title(f"{LIST_TITLE} · TechVote")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_phone_shows_compact_rows_with_the_rest_one_tap_away(ui, javascript):
    build_site()
    page = ui.page
    ui.goto(LIST_PATH, audit="list-rows")
    tokyo = page.get_by_role("region", name="The Top Ten").get_by_role("listitem").first
    summary = tokyo.locator(".contender__summary")
    comment = tokyo.locator(".top-comment")
    disclosure = tokyo.get_by_text("More about Tokyo", exact=True)

    expect(tokyo.get_by_role("link", name="Tokyo", exact=True)).to_be_visible()
    expect(tokyo.get_by_role("link", name="Contenders from Japan")).to_be_visible()
    expect(tokyo.locator(".vote__score")).to_be_visible()
    shoot(tokyo, f"list-row-{ui.device}")
    if ui.device == "desktop":
        expect(summary).to_be_visible()
        expect(comment).to_be_visible()
        expect(disclosure).to_be_hidden()
        return
    expect(summary).to_be_hidden()
    expect(comment).to_be_hidden()
    ui.press(disclosure)
    expect(summary).to_be_visible()
    expect(comment).to_be_visible()
    shoot(tokyo, "list-row-open-phone")
    ui.assert_no_horizontal_overflow()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitor_narrows_the_list_to_a_continent_a_country_and_the_risers(ui, javascript):
    site = build_site()
    oslo = site.contender("Oslo")  # 32nd this morning.
    for n in range(4):
        cast_vote(user=UserFactory(username=f"fan{n}"), contender_id=oslo.pk, value=1)
    page = ui.page
    ui.goto(LIST_PATH)

    with ui.navigates(audit="list-oceania"):
        ui.press(page.get_by_role("link", name="Oceania", exact=True))
    results = page.get_by_role("region", name="Contenders in Oceania")
    expect(results.get_by_role("listitem")).to_have_count(
        sum(1 for *_, continent in CITIES if continent == "oceania")
    )
    expect(results.get_by_role("listitem").first).to_contain_text("Sydney")
    expect(page).to_have_title(f"{LIST_TITLE}: Contenders in Oceania · TechVote")
    if javascript:
        shoot(page.get_by_role("navigation", name="Show"), f"list-filters-{ui.device}")

    ui.goto(LIST_PATH)
    with ui.navigates():
        ui.press(page.get_by_role("link", name="Contenders from Japan").first)
    results = page.get_by_role("region", name="Contenders from Japan")
    expect(results.get_by_role("heading", level=3)).to_have_text(["Tokyo", "Osaka"])

    with ui.navigates(audit="list-rising"):
        ui.press(page.get_by_role("link", name="Rising since yesterday"))
    risers = page.get_by_role("region", name="Rising since yesterday").get_by_role("listitem")
    expect(risers).to_have_count(1)
    expect(risers.first).to_contain_text("Oslo")
    expect(risers.first).to_contain_text("31 places up since yesterday")
