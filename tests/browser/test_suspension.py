"""Flow 6: a suspended member is told why they cannot vote or comment."""

import pytest
from playwright.sync_api import expect

from comments.models import Suspension, Vote
from tests.browser.data import build_site
from tests.browser.support import expect_score
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

REASON = "Posting the same link in every thread."


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_suspended_member_sees_why_they_cannot_vote_or_comment(ui, javascript):
    site = build_site(size=12)
    sami = UserFactory(username="sami")
    Suspension.objects.create(user=sami, reason=REASON, suspended_by=UserFactory())
    ui.log_in(sami)
    page = ui.page

    ui.goto(site.contender_url("Tokyo"))
    have_your_say = page.get_by_role("region", name="Have your say")
    expect(have_your_say).to_contain_text("Your account is suspended")
    expect(have_your_say).to_contain_text(f"The moderators' reason: {REASON}")
    expect(have_your_say.get_by_role("textbox")).to_have_count(0)
    expect(have_your_say.get_by_role("button")).to_have_count(0)

    up = page.get_by_role("button", name="Vote Tokyo up", exact=True)
    expect_score(page.get_by_role("main"), 3)
    if javascript:
        with ui.stays_in_place():
            ui.press(up)
            refusal = page.get_by_role("alert")
            expect(refusal).to_contain_text("Your account is suspended")
            expect(refusal).to_contain_text(REASON)
        expect(up).to_have_attribute("aria-pressed", "false")
        expect_score(page.get_by_role("main"), 3)
    else:
        with ui.navigates():
            ui.press(up)
        expect(page.get_by_role("main")).to_contain_text("Your account is suspended")
        expect(page.get_by_role("main")).to_contain_text(REASON)
        expect(page.get_by_role("main")).to_contain_text("Nothing was changed.")
    assert not Vote.objects.filter(user=sami).exists()
