"""Flow 5: a moderator (not a superuser) hides a reported comment and approves a
suggested city in admin; the site and the public moderation log show both."""

import re

import pytest
from playwright.sync_api import expect

from comments.moderation import make_moderator
from comments.services import report_comment, suggest_contender
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import PASSWORD, CityFactory, UserFactory

pytestmark = pytest.mark.browser

REPORTED_TEXT = "The numbers behind the ranking"


def run_admin_action(ui, row_text: str, action: str, reason: str, apply: str) -> None:
    """Tick the row, choose the action, Go; then give the reason and apply it."""
    page = ui.page
    page.get_by_role("row").filter(has_text=row_text).get_by_role("checkbox").check()
    page.get_by_role("combobox", name="Action").select_option(label=action)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Go"))
    expect(page.get_by_role("heading", level=1)).to_have_text(apply)
    page.get_by_label("Reason").fill(reason)
    with ui.navigates():
        ui.press(page.get_by_role("button", name=apply))
    expect(page.locator(".messagelist")).to_contain_text(f"{apply}: 1 done.")


def test_a_moderator_hides_a_reported_comment_and_approves_a_suggestion(ui, moderators_group):
    site = build_site(size=12)
    amara, bruno = site.people["amara"], site.people["bruno"]
    report_comment(
        user=amara, comment_id=site.comments["bruno"].pk, reason="spam", details="Link farm."
    )
    munich = CityFactory(name="Munich", country="Germany")
    suggest_contender(user=bruno, contender_list_id=site.contender_list.pk, city_id=munich.pk)
    noor = UserFactory(username="noor")
    make_moderator(noor)
    assert not noor.is_superuser
    page = ui.page

    ui.goto("/admin/")
    ui.arrived("/admin/login/")
    page.get_by_label("Username").fill("noor")
    page.get_by_label("Password").fill(PASSWORD)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Log in"))
    assert ui.path == "/admin/"

    with ui.navigates():
        ui.press(page.get_by_role("link", name="Reported comments"))
    expect(page.get_by_role("row").filter(has_text=REPORTED_TEXT)).to_contain_text("Spam")
    run_admin_action(
        ui,
        REPORTED_TEXT,
        "Hide selected comments",
        "Advertising, reported as spam.",
        "Hide comments",
    )

    ui.goto("/admin/")
    with ui.navigates():
        ui.press(page.get_by_role("link", name="Contender suggestions"))
    run_admin_action(
        ui, "Munich", "Approve selected suggestions", "A fair addition.", "Approve suggestions"
    )

    ui.goto(site.contender_url("Tokyo"))
    expect(page.get_by_role("main")).not_to_contain_text(REPORTED_TEXT)
    expect(page.get_by_role("main")).to_contain_text("decade ahead")  # Amara's stays.

    ui.goto(f"/lists/{LIST_SLUG}/")
    contenders = page.get_by_role("region", name="The Contenders")
    expect(contenders.get_by_role("link", name="Munich", exact=True)).to_be_visible()

    ui.goto("/moderation/", audit="moderation-log")
    log = page.get_by_role("table")
    hidden = log.get_by_role("row").filter(has_text="Advertising, reported as spam.")
    expect(hidden).to_contain_text("noor")
    expect(hidden).to_contain_text(re.compile("comment by bruno on Tokyo"))
    approved = log.get_by_role("row").filter(has_text="A fair addition.")
    expect(approved).to_contain_text("noor")
    expect(approved).to_contain_text("Munich")
