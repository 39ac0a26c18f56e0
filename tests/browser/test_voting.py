"""Flow 2 (and 3 without JavaScript): a visitor signs up, confirms the address from
the mail, votes a contender up, switches to down and takes the vote back."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.data import LIST_SLUG, build_site
from tests.browser.support import expect_score
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def sign_up_and_confirm(ui, mailoutbox, username: str) -> None:
    page = ui.page
    ui.goto("/accounts/signup/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label(re.compile(r"^Password:?$")).fill("a long pass phrase for voting")
    page.get_by_label("Password (again)").fill("a long pass phrase for voting")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Sign up"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("confirm your email", re.IGNORECASE)
    )
    expect(page.get_by_role("button", name="Send the link again")).to_be_visible()

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [f"{username}@example.com"]
    link = CONFIRM_LINK.search(mail.body)
    assert link, mail.body
    # The link is on SITE_URL, the site's public address; here the live server serves it.
    ui.goto(urlsplit(link.group(0)).path)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Confirm"))
    # Confirming logs the new member in.
    expect(page.get_by_role("navigation", name="Account")).to_contain_text(username)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_new_member_signs_up_confirms_and_votes(ui, mailoutbox, javascript):
    tokyo = build_site().contender("Tokyo")
    page = ui.page
    sign_up_and_confirm(ui, mailoutbox, "lin")

    ui.goto(f"/lists/{LIST_SLUG}/")
    up = page.get_by_role("button", name="Vote Tokyo up", exact=True)
    down = page.get_by_role("button", name="Vote Tokyo down", exact=True)
    row = page.get_by_role("listitem").filter(has=up)
    expect_score(row, 3)
    expect(up).to_have_attribute("aria-pressed", "false")
    expect(down).to_have_attribute("aria-pressed", "false")

    steps = [
        # (button to press, score after, up pressed, down pressed)
        (up, 4, "true", "false"),
        (down, 2, "false", "true"),
        (down, 3, "false", "false"),  # Pressing the pressed button takes the vote back.
    ]
    for button, score, up_pressed, down_pressed in steps:
        with ui.acts():
            ui.press(button)
            expect(up).to_have_attribute("aria-pressed", up_pressed)
            expect(down).to_have_attribute("aria-pressed", down_pressed)
            expect_score(row, score)
        if not javascript:
            # The redirect brings the member back to the same contender.
            assert page.url.endswith(f"{ui.path}#contender-{tokyo.pk}"), page.url
        ui.reload()
        expect(up).to_have_attribute("aria-pressed", up_pressed)
        expect(down).to_have_attribute("aria-pressed", down_pressed)
        expect_score(row, score)


def test_a_vote_by_keyboard_keeps_the_focus_and_is_announced(ui):
    """What the script adds to htmx: focus stays on the button, a screen reader hears it."""
    build_site()
    ui.log_in(UserFactory(username="kai"))
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")
    up = page.get_by_role("button", name="Vote Tokyo up", exact=True)

    with ui.stays_in_place():
        up.focus()
        page.keyboard.press("Enter")
        expect(up).to_have_attribute("aria-pressed", "true")
    expect(up).to_be_focused()
    expect(page.locator('p.visually-hidden[role="status"]')).to_have_text("Up. Score 4.")
