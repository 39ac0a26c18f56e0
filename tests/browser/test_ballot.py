"""Flow 6: a member ranks their own top ten of a list ("My top ten"), reorders it, edits
it and withdraws it: with JavaScript by the move buttons and by drag and drop, without
it by the position fields; on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from comments.ballots import save_ballot
from comments.models import Ballot, BallotEntry
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

BALLOT_PATH = f"/lists/{LIST_SLUG}/ballot/"


@pytest.fixture
def member(ui):
    """Noor, signed in, on a site of 14 cities; she has no ballot yet."""
    build_site(size=14)
    noor = UserFactory(username="noor")
    ui.log_in(noor)
    return noor


def stored(member) -> list[str]:
    """The member's ballot as stored: city names, best first."""
    entries = BallotEntry.objects.filter(ballot__user=member).order_by("position")
    return list(entries.values_list("contender__city__name", flat=True))


def expect_order(page, names: list[str]) -> None:
    """The ballot on screen: its cities in this order, numbered 1, 2, 3..."""
    rows = page.locator("[data-ballot-row]")
    expect(rows).to_have_count(len(names))
    for place, name in enumerate(names, start=1):
        expect(rows.nth(place - 1)).to_have_attribute("data-city", name)
        expect(page.get_by_label(f"Position of {name}")).to_have_value(str(place))


def expect_message(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def add_from_the_leaders(ui, names: list[str]) -> None:
    page = ui.page
    for name in names:
        page.get_by_role("checkbox", name=name).check()
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Add to my top ten"))
    expect_message(page, "is saved")


def withdraw(ui, member) -> None:
    page = ui.page
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Withdraw my ballot"))
    expect_message(page, "is withdrawn")
    expect(page.get_by_text("Your ballot is empty")).to_be_visible()
    assert not Ballot.objects.filter(user=member).exists()


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_a_member_ranks_reorders_edits_and_withdraws_a_top_ten(ui, member):
    page = ui.page

    ui.goto(f"/lists/{LIST_SLUG}/")
    with ui.navigates(audit="ballot-empty"):
        ui.press(page.get_by_role("link", name="My top ten"))
    assert ui.path == BALLOT_PATH

    add_from_the_leaders(ui, ["Tokyo Japan", "Seoul South Korea", "Shenzhen China"])
    assert stored(member) == ["Tokyo", "Seoul", "Shenzhen"]
    expect_order(page, ["Tokyo", "Seoul", "Shenzhen"])
    expect(page.locator("#ballot-hint")).to_contain_text(
        "or move them with the arrows", use_inner_text=True
    )

    # By keyboard: the move buttons reorder in place and say where the city went.
    up = page.get_by_role("button", name="Move Shenzhen up")
    with ui.stays_in_place():
        up.focus()
        page.keyboard.press("Enter")
        expect_order(page, ["Tokyo", "Shenzhen", "Seoul"])
        expect(page.locator("#ballot-status")).to_have_text("Shenzhen moved to 2.")
        expect(up).to_be_focused()
        page.keyboard.press("Enter")
        expect_order(page, ["Shenzhen", "Tokyo", "Seoul"])
        expect(page.locator("#ballot-status")).to_have_text("Shenzhen moved to 1.")
        page.keyboard.press("Enter")
        expect(page.locator("#ballot-status")).to_have_text("Shenzhen is already first.")
        ui.press(page.get_by_role("button", name="Move Tokyo down"))
        expect_order(page, ["Shenzhen", "Seoul", "Tokyo"])
    assert stored(member) == ["Tokyo", "Seoul", "Shenzhen"]  # Nothing saved yet.
    with ui.navigates(audit="ballot"):
        ui.press(page.get_by_role("button", name="Save my top ten"))
    assert stored(member) == ["Shenzhen", "Seoul", "Tokyo"]
    expect_order(page, ["Shenzhen", "Seoul", "Tokyo"])

    # By drag and drop (a mouse on the desktop, a finger on the phone): Tokyo to the top.
    handle = page.locator('[data-city="Tokyo"] [data-ballot-handle]')
    target = page.locator('[data-city="Shenzhen"]')
    with ui.stays_in_place():
        drag(ui, handle, target)
        expect_order(page, ["Tokyo", "Shenzhen", "Seoul"])
        expect(page.locator("#ballot-status")).to_have_text("Tokyo moved to 1.")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save my top ten"))
    assert stored(member) == ["Tokyo", "Shenzhen", "Seoul"]

    # Editing: Seoul off, Berlin on (found by the search), in one save.
    adding = page.get_by_role("region", name="Add cities")
    adding.get_by_label("Search this list").fill("berl")
    with ui.navigates():
        ui.press(adding.get_by_role("button", name="Search", exact=True))
    page.get_by_role("checkbox", name="Remove Seoul").check()
    add_from_the_leaders(ui, ["Berlin Germany"])
    assert stored(member) == ["Tokyo", "Shenzhen", "Berlin"]
    assert page.url.endswith(f"{BALLOT_PATH}?q=berl")

    withdraw(ui, member)


def drag(ui, handle, target) -> None:
    """Drag `handle` over `target` as a person would: with the mouse, or a finger."""
    page = ui.page
    target.scroll_into_view_if_needed()
    start, end = handle.bounding_box(), target.bounding_box()
    x, y = start["x"] + start["width"] / 2, start["y"] + start["height"] / 2
    to_x, to_y = end["x"] + end["width"] / 2, end["y"] + 4
    path = [(x + (to_x - x) * step / 10, y + (to_y - y) * step / 10) for step in range(1, 11)]
    if ui.device == "phone":
        # Touch events through the browser's own input (the DevTools protocol), as a finger.
        session = page.context.new_cdp_session(page)

        def touch(kind: str, points: list) -> None:
            touch_points = [{"x": px, "y": py} for px, py in points]
            session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touch_points})

        touch("touchStart", [(x, y)])
        for point in path:
            touch("touchMove", [point])
        touch("touchEnd", [])
        session.detach()
        return
    page.mouse.move(x, y)
    page.mouse.down()
    for point in path:
        page.mouse.move(*point)
    page.mouse.up()


@pytest.mark.parametrize("javascript", [False], ids=["nojs"])
def test_without_javascript_the_position_fields_order_the_ballot(ui, member):
    page = ui.page

    ui.goto(BALLOT_PATH, audit="ballot-nojs-empty")
    expect(page.get_by_role("button", name="Move Tokyo up")).to_have_count(0)
    add_from_the_leaders(
        ui, ["Tokyo Japan", "Seoul South Korea", "Shenzhen China", "London United Kingdom"]
    )
    assert stored(member) == ["Tokyo", "Seoul", "Shenzhen", "London"]
    expect(page.get_by_role("button", name="Move Tokyo up")).to_be_hidden()
    expect(page.locator("#ballot-hint")).to_have_text(
        "Number the cities from 1 (best) to 10, then save.", use_inner_text=True
    )

    # London to the top: new numbers, one save.
    for name, place in [("London", 1), ("Tokyo", 2), ("Seoul", 3), ("Shenzhen", 4)]:
        page.get_by_label(f"Position of {name}").fill(str(place))
    with ui.navigates(audit="ballot-nojs"):
        ui.press(page.get_by_role("button", name="Save my top ten"))
    assert stored(member) == ["London", "Tokyo", "Seoul", "Shenzhen"]
    expect_order(page, ["London", "Tokyo", "Seoul", "Shenzhen"])

    # Two cities at one place: the form says so, the ballot stays as it was.
    page.get_by_label("Position of Shenzhen").fill("1")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save my top ten"))
    expect(page.get_by_role("alert")).to_contain_text("are both at position 1")
    expect(page.get_by_label("Position of Shenzhen")).to_have_attribute("aria-invalid", "true")
    assert stored(member) == ["London", "Tokyo", "Seoul", "Shenzhen"]

    # Editing: a gap closes up, a removed city goes.
    page.get_by_label("Position of Shenzhen").fill("9")
    page.get_by_role("checkbox", name="Remove Tokyo").check()
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save my top ten"))
    assert stored(member) == ["London", "Seoul", "Shenzhen"]
    expect_order(page, ["London", "Seoul", "Shenzhen"])

    withdraw(ui, member)


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_the_members_page_shows_their_top_ten(ui):
    site = build_site(size=14)
    member = UserFactory(username="ines")
    names = ["Seoul", "Tokyo", "Berlin"]
    save_ballot(
        user=member,
        contender_list_id=site.contender_list.pk,
        contender_ids=[site.contender(name).pk for name in names],
    )
    page = ui.page

    ui.goto(f"/users/{member.username}/", audit="user-ballot")

    top_ten = page.get_by_role(
        "list", name=f"{member.username}'s top ten of {site.contender_list}"
    )
    expect(top_ten.get_by_role("listitem")).to_have_text(names)
