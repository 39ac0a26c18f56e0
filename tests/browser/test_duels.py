"""Duels in a browser: one tap on a phone, a click or a key on a desktop, a form post
without JavaScript; a visitor tries one and is asked to sign up."""

import pytest
from playwright.sync_api import expect

from comments.models import Duel
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

DUEL = f"/lists/{LIST_SLUG}/duel/"


def names_on(page) -> list[str]:
    """The two cities of the duel shown, left first."""
    return page.locator(".duel__name").all_inner_texts()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_member_picks_then_cant_decide(ui, javascript):
    site = build_site(size=8)
    member = UserFactory(username="noor")
    ui.log_in(member)
    page = ui.page
    ui.goto(DUEL, audit="duel")
    # The keys are offered only where the script that reads them runs, and not on a phone.
    keys = expect(page.locator("#duel-keys"))
    keys.to_be_visible() if javascript and ui.device == "desktop" else keys.to_be_hidden()
    left, right = names_on(page)

    with ui.navigates():
        ui.press(page.get_by_role("button", name=f"Pick {left}", exact=True))
    expect(page.get_by_text("Counted. Here is the next duel.")).to_be_visible()
    assert ui.path == DUEL
    first = Duel.objects.get(user=member)
    assert first.winner.city.name == left
    assert {first.left.city.name, first.right.city.name} == {left, right}
    assert set(names_on(page)) != {left, right}  # Never the same pair twice in a row.

    page.get_by_label("Can't decide? Why not (optional)").fill("I have been to neither")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Can't decide", exact=True))
    second = Duel.objects.get(user=member, number=2)
    assert (second.winner, second.reason) == (None, "I have been to neither")
    assert second.contender_list == site.contender_list


def test_keys_answer_a_duel_but_not_while_typing_a_reason(ui):
    build_site(size=8)
    member = UserFactory(username="ines")
    ui.log_in(member)
    page = ui.page
    ui.goto(DUEL)
    _left, right = names_on(page)

    with ui.navigates():
        page.keyboard.press("ArrowRight")
    duel = Duel.objects.get(user=member)
    assert duel.winner.city.name == right

    reason = page.get_by_label("Can't decide? Why not (optional)")
    reason.focus()
    with ui.stays_in_place():
        page.keyboard.type("1 2 3")
        expect(reason).to_have_value("1 2 3")
    assert Duel.objects.filter(user=member).count() == 1

    page.locator("main").focus()
    with ui.navigates():
        page.keyboard.press("3")
    assert Duel.objects.get(user=member, number=2).winner is None


def test_a_visitor_tries_a_duel_and_is_asked_to_sign_up(ui):
    build_site(size=8)
    page = ui.page
    ui.goto(DUEL, audit="duel-anonymous")
    left, _ = names_on(page)

    with ui.navigates():
        ui.press(page.get_by_role("button", name=f"Pick {left}", exact=True))

    assert ui.path == "/accounts/signup/"
    expect(page.get_by_text("It was not counted: sign up")).to_be_visible()
    assert not Duel.objects.exists()
