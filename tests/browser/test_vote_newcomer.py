"""Voting as a newcomer meets it, in the browser: an in-place vote moves its row,
the buttons' states are told apart, a refusal leaves the row as it was, a
visitor's vote is kept through logging in, and the city page has buttons too."""

import pytest
from playwright.sync_api import expect

from comments.services import cast_vote
from tests.browser.data import LIST_SLUG, build_site
from tests.browser.support import expect_score
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

STATUS = 'p.visually-hidden[role="status"]'


def vote_button(page, city: str, direction: str):
    return page.get_by_role("button", name=f"Vote {city} {direction}", exact=True)


def names_in(page, selector: str) -> list[str]:
    return page.locator(f"{selector} > li.contender .contender__name").all_inner_texts()


def test_an_in_place_vote_moves_the_row_into_the_top_ten(ui):
    """Boston (11th, score 0) voted up ties Shenzhen's 1 and overtakes every 0 after it."""
    build_site()
    ui.log_in(UserFactory(username="kai"))
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")
    up = vote_button(page, "Boston", "up")
    assert names_in(page, "ol.contenders--top")[3] == "San Francisco"

    with ui.stays_in_place():
        up.focus()
        page.keyboard.press("Enter")
        expect(page.locator(STATUS)).to_have_text("Up. Score 1. Boston moved up to 4th.")

    ui.screenshot("vote-moved")
    top = names_in(page, "ol.contenders--top")
    assert top[:5] == ["Tokyo", "Seoul", "Shenzhen", "Boston", "San Francisco"]
    assert len(top) == 10
    assert names_in(page, "#contenders-list")[0] == "Stockholm"
    boston = page.locator("li.contender").filter(has=up)
    expect(boston).to_have_attribute("value", "4")
    expect(boston.locator(".contender__rank")).to_contain_text("4")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(up).to_be_focused()
    # The moved rows work in place like the others: Boston's vote taken back.
    with ui.stays_in_place():
        page.keyboard.press("Enter")
        expect(page.locator(STATUS)).to_have_text(
            "Taken back. Score 0. Boston moved down to 11th."
        )
    assert names_in(page, "#contenders-list")[0] == "Boston"
    expect(vote_button(page, "Boston", "up")).to_be_focused()
    ui.reload()
    assert names_in(page, "#contenders-list")[0] == "Boston"


STYLE_JS = """(el) => {
  const style = getComputedStyle(el);
  return {
    background: style.backgroundColor,
    mark: getComputedStyle(el, "::after").content,
    shadow: style.boxShadow,
    outline: `${style.outlineStyle} ${style.outlineWidth}`,
  };
}"""


def test_pressed_hover_and_focus_look_different_not_by_colour_alone(ui):
    site = build_site()
    kai = UserFactory(username="kai")
    cast_vote(user=kai, contender_id=site.contender("Tokyo").pk, value=1)
    ui.log_in(kai)
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")

    pressed = vote_button(page, "Tokyo", "up").evaluate(STYLE_JS)
    resting = vote_button(page, "Seoul", "down").evaluate(STYLE_JS)
    assert "✓" in pressed["mark"]
    assert resting["mark"] == "none"
    assert pressed["background"] != resting["background"]

    if ui.device == "desktop":  # A phone has no hover.
        seoul_up = vote_button(page, "Seoul", "up")
        seoul_up.hover()
        hovered = seoul_up.evaluate(STYLE_JS)
        assert hovered["mark"] == "none"
        assert hovered["background"] == resting["background"]
        assert "inset" in hovered["shadow"]
        ui.screenshot("vote-hovered")
        page.mouse.move(0, 0)

    vote_button(page, "Seoul", "up").focus()
    page.keyboard.press("Tab")
    seoul_down = vote_button(page, "Seoul", "down")
    expect(seoul_down).to_be_focused()
    focused = seoul_down.evaluate(STYLE_JS)
    assert focused["outline"] == "solid 3px"
    assert focused["mark"] == "none"
    assert focused["background"] == resting["background"]


def test_a_refusal_shows_under_the_buttons_and_leaves_the_row_as_it_was(ui, settings):
    build_site()
    once = {"minute": 1, "day": 1}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"established": once, "new": once}}
    ui.log_in(UserFactory(username="kai"))
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")
    with ui.stays_in_place():
        ui.press(vote_button(page, "Tokyo", "up"))
        expect(vote_button(page, "Tokyo", "up")).to_have_attribute("aria-pressed", "true")

    up, down = vote_button(page, "Seoul", "up"), vote_button(page, "Seoul", "down")
    row = page.locator("li.contender").filter(has=up)
    body = row.locator(".contender__body")
    width = body.bounding_box()["width"]
    with ui.stays_in_place():
        ui.press(up)
        message = row.locator('.inplace-error[role="alert"]')
        expect(message).to_contain_text("Slow down")

    ui.screenshot("vote-refused")
    assert body.bounding_box()["width"] == width
    assert message.bounding_box()["y"] >= up.bounding_box()["y"] + up.bounding_box()["height"]
    expect(up).to_have_attribute("aria-pressed", "false")
    expect_score(row, 2)
    page.mouse.move(0, 0)
    refused, resting = up.evaluate(STYLE_JS), down.evaluate(STYLE_JS)
    assert refused["mark"] == "none"
    assert refused["background"] == resting["background"]
    ui.assert_no_horizontal_overflow()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_visitors_vote_is_cast_once_they_have_logged_in(ui, javascript):
    build_site()
    UserFactory(username="noor")
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")

    with ui.navigates():
        ui.press(page.get_by_role("link", name="Log in to vote Seoul up", exact=True))
    expect(page.get_by_role("status")).to_contain_text(
        "Log in to cast your vote on Seoul (up vote): it counts as soon as you are in."
    )
    page.get_by_label("Username or email").fill("noor")
    page.get_by_label("Password").fill(PASSWORD)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Log in"))

    assert ui.path == f"/lists/{LIST_SLUG}/"
    expect(page.locator(".messages")).to_contain_text(
        "Your up vote on Seoul is recorded; its score is now 3."
    )
    up = vote_button(page, "Seoul", "up")
    expect(up).to_have_attribute("aria-pressed", "true")
    expect_score(page.locator("li.contender").filter(has=up), 3)
    ui.reload()
    expect_score(page.locator("li.contender").filter(has=up), 3)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_the_city_page_has_vote_buttons_in_each_of_its_lists(ui, javascript):
    site = build_site()
    ui.log_in(UserFactory(username="kai"))
    page = ui.page
    ui.goto(site.cities[0].get_absolute_url(), audit="city-with-votes")
    widget = page.locator(f"#vote-{site.contender('Tokyo').pk}")
    up = widget.get_by_role("button", name="Vote Tokyo up", exact=True)

    with ui.acts():
        ui.press(up)
        expect(widget.get_by_role("button", name="Vote Tokyo up")).to_have_attribute(
            "aria-pressed", "true"
        )
    expect_score(page.locator(f"#vote-{site.contender('Tokyo').pk}"), 4)
    if not javascript:
        expect(page.locator(".messages")).to_contain_text("Your up vote on Tokyo is recorded")
