"""A member suggests a city by name, edits their profile and deletes their account:
each form on a desktop and a phone, audited (keyboard, axe, overflow)."""

import re

import pytest
from playwright.sync_api import expect

from cities.models import CitySuggestion
from comments.models import MemberProfile
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_member_suggests_a_city_by_name_and_follows_it(ui):
    site = build_site(size=12)
    chen = site.people["amara"]
    ui.log_in(chen)
    page = ui.page

    ui.goto(f"/lists/{LIST_SLUG}/")
    with ui.navigates(audit="suggest"):
        ui.press(page.get_by_role("link", name="Suggest a city for this list"))
    page.get_by_label("City").fill("Tokyo")
    page.get_by_label("Country").fill("Japan")
    page.get_by_label("Why does it belong in this list?").fill("It is in the list already.")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Suggest"))
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Tokyo is already in this list.")
    expect(refusal.get_by_role("link", name="See Tokyo in this list")).to_be_visible()

    page.get_by_label("City").fill("Nairobi")
    page.get_by_label("Country").fill("Kenya")
    page.get_by_label("Why does it belong in this list?").fill("Silicon Savannah: M-Pesa, iHub.")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Suggest"))
    assert ui.path == f"/lists/{LIST_SLUG}/"
    expect(page.get_by_text("Nairobi waits for a moderator")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ cit(y|ies) waiting for moderators"))).to_be_visible()
    assert CitySuggestion.objects.get().name == "Nairobi"

    ui.goto(f"/users/{chen.username}/", audit="own-page")
    suggestions = page.get_by_role("region", name="My suggestions")
    expect(suggestions).to_contain_text("Nairobi, Kenya")
    expect(suggestions).to_contain_text("Waiting for a moderator")


def test_a_member_edits_their_profile(ui):
    site = build_site(size=12)
    amara = site.people["amara"]
    ui.log_in(amara)
    page = ui.page

    ui.goto(f"/users/{amara.username}/")
    with ui.navigates(audit="profile-edit"):
        ui.press(page.get_by_role("link", name="Edit my profile"))
    page.get_by_label("Display name").fill("Amara O.")
    page.get_by_label("About you").fill("Maps the fibre of West Africa.")
    page.get_by_label("Home city").select_option(label="Tokyo, Japan")
    page.get_by_label("Show my votes on my page").check()
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save"))
    assert ui.path == f"/users/{amara.username}/"
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amara O.")
    expect(page.get_by_role("main")).to_contain_text("Maps the fibre of West Africa.")
    assert MemberProfile.objects.get(user=amara).votes_public


def test_a_member_deletes_their_account(ui):
    site = build_site(size=12)
    bruno = site.people["bruno"]
    ui.log_in(bruno)
    page = ui.page

    ui.goto("/accounts/profile/")
    with ui.navigates(audit="account-delete"):
        ui.press(page.get_by_role("link", name="Delete my account"))
    page.get_by_label("Your password").fill("not my password")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Delete my account"))
    expect(page.get_by_text("That is not your password; nothing was deleted.")).to_be_visible()

    page.get_by_label("Your password").fill(PASSWORD)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Delete my account"))
    assert ui.path == "/"
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    ui.goto(site.contender_url("Tokyo"))
    expect(page.get_by_role("main")).to_contain_text("[deleted member]")
