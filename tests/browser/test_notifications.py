"""Flow: a member sees the unread count in the header, reads the inbox, marks what they
read, and asks for the daily email; a moderator's reason reaches them."""

import pytest
from playwright.sync_api import expect

from comments.services import post_comment
from notifications.models import DigestSubscription, Notification
from tests.browser.data import build_site

pytestmark = pytest.mark.browser


def test_a_member_reads_their_notifications(ui):
    site = build_site(size=12)
    amara, bruno = site.people["amara"], site.people["bruno"]
    amaras = site.comments["amara"]
    for text in ("Seoul's labs are bigger.", "And Taipei makes the chips."):
        post_comment(user=bruno, contender_id=amaras.contender_id, parent_id=amaras.pk, body=text)
    ui.log_in(amara)
    page = ui.page
    ui.goto("/")
    inbox = page.get_by_role("link", name="Inbox 2 unread notifications")
    expect(inbox).to_be_visible()
    with ui.navigates(audit="notifications"):
        ui.press(inbox)
    items = page.locator(".notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("bruno replied to your comment")
    expect(items.first).to_contain_text("And Taipei makes the chips.")

    newest = Notification.objects.order_by("-pk").first()
    with ui.navigates():
        ui.press(
            page.locator(f"#notification-{newest.pk}").get_by_role("button", name="Mark as read")
        )
    expect(page.get_by_role("link", name="Inbox 1 unread notification")).to_be_visible()
    expect(page.locator(".notification--unread")).to_have_count(1)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Mark all as read"))
    expect(
        page.get_by_role("status").filter(has_text="1 notification marked as read.")
    ).to_be_visible()
    expect(page.locator(".count-badge")).to_have_count(0)

    page.get_by_label("Email me a daily digest of my unread notifications").check()
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save"))
    expect(page.get_by_label("Email me a daily digest of my unread notifications")).to_be_checked()
    assert DigestSubscription.objects.filter(member=amara).exists()

    # The reply's link leads to it in its thread.
    with ui.navigates():
        ui.press(items.first.get_by_role("link", name="Tokyo in Most High Tech Cities"))
    expect(page.locator(f"#replies-{amaras.pk}")).to_contain_text("And Taipei makes the chips.")
