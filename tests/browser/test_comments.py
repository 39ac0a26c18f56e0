"""Flow 4: a member logs in and comments on a contender, replies, edits, deletes,
thumbs up someone else's comment and reports one."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import CommentVote, Report
from tests.browser.data import build_site, comment_by
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_a_member_comments_replies_edits_deletes_thumbs_and_reports(ui):
    site = build_site(size=12)
    amaras, brunos = site.comments["amara"], site.comments["bruno"]
    UserFactory(username="chen")
    contender_url = site.contender_url("Tokyo")
    page = ui.page

    def comment(pk):
        return page.locator(f"#comment-{pk}")

    def actions(pk):
        """The comment's own links and buttons, not those of its replies."""
        return page.locator(f"#comment-{pk} > footer")

    def expect_message(text):
        expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()

    ui.goto(contender_url)
    form = page.get_by_role("region", name="Have your say")
    with ui.navigates(audit="login"):
        ui.press(form.get_by_role("link", name="Log in"))
    page.get_by_label("Username or email").fill("chen")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    with ui.navigates(audit="contender"):
        ui.press(page.get_by_role("button", name="Log in"))
    assert ui.path == contender_url

    # A comment.
    form.get_by_label("Your comment").fill("Shibuya's start-up scene is bigger than people think.")
    with ui.navigates():
        ui.press(form.get_by_role("button", name="Post comment"))
    expect_message("Your comment is posted.")
    mine = comment_by("chen", parent__isnull=True)
    expect(comment(mine.pk)).to_contain_text("Shibuya's start-up scene")
    # Said beside the comment the page scrolled to, which says when and how long to edit.
    expect(comment(mine.pk).get_by_role("status")).to_have_text("Your comment is posted.")
    expect(comment(mine.pk).locator(".comment__meta")).to_contain_text("just now")
    expect(actions(mine.pk)).to_contain_text("15 minutes left to edit")

    # A reply to Amara, in place (tests/browser/test_threads.py: without JavaScript too).
    slot = page.locator(f"#reply-slot-{amaras.pk}")
    with ui.stays_in_place():
        ui.press(actions(amaras.pk).get_by_role("link", name="Reply"))
        slot.get_by_label("Your reply to amara").fill(
            "Agreed, and the labs publish in English too."
        )
        ui.press(slot.get_by_role("button", name="Post reply"))
        expect(comment(amaras.pk).locator(".comment--reply")).to_contain_text(
            "the labs publish in English"
        )
    reply = comment_by("chen", parent=amaras)
    expect(comment(reply.pk).get_by_role("status")).to_have_text("Your reply is posted.")

    # Editing the comment.
    ui.press(actions(mine.pk).get_by_role("link", name="Edit"))
    ui.arrived(f"/comments/{mine.pk}/edit/")
    page.get_by_label("Your comment").fill("Shibuya's start-up scene doubled in five years.")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Save changes"))
    expect_message("Your comment is updated.")
    expect(comment(mine.pk)).to_contain_text("doubled in five years")
    expect(comment(mine.pk)).to_contain_text("edited")

    # Deleting the reply.
    ui.press(actions(reply.pk).get_by_role("link", name="Delete"))
    ui.arrived(f"/comments/{reply.pk}/delete/")
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Delete"))
    expect_message("Your comment is deleted.")
    expect(page.get_by_text("the labs publish in English")).to_have_count(0)

    # A thumb up for Bruno, in place.
    thumb = page.get_by_role("button", name="Thumb up comment by bruno")
    expect(thumb).to_have_attribute("aria-pressed", "false")
    with ui.acts():
        ui.press(thumb)
        expect(thumb).to_have_attribute("aria-pressed", "true")
        expect(actions(brunos.pk).locator(".thumbs__score")).to_have_text(re.compile(r"\b1$"))
    assert CommentVote.objects.filter(comment=brunos, user__username="chen", value=1).exists()

    # A report on Amara's comment.
    ui.press(actions(amaras.pk).get_by_role("link", name="Report"))
    ui.arrived(f"/comments/{amaras.pk}/report/")
    page.get_by_label("False or misleading").check()
    page.get_by_label("Anything the moderators should know").fill(
        "The trains are not that far ahead."
    )
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Send report"))
    expect_message("the moderators will look at this comment")
    report = Report.objects.get(comment=amaras, reporter__username="chen")
    assert report.reason == "misinformation"
    # The comment says so, and offers no second report.
    expect(actions(amaras.pk).get_by_text("Reported", exact=True)).to_be_visible()
    expect(actions(amaras.pk).get_by_role("link", name="Report")).to_have_count(0)
