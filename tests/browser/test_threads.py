"""Flow: a member replies in place, to a comment and to a reply, and reads a long thread's
later replies; without JavaScript the same links lead to pages of their own."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from comments.services import post_comment
from comments.threads import REPLIES_PER_PAGE, REPLIES_SHOWN
from tests.browser.data import build_site, comment_by
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_member_replies_to_a_comment_and_to_a_reply(ui, javascript):
    site = build_site(size=12)
    amaras = site.comments["amara"]
    chen = UserFactory(username="chen")
    ui.log_in(chen)
    page = ui.page
    ui.goto(site.contender_url("Tokyo"))

    def actions(pk):
        return page.locator(f"#comment-{pk} > footer")

    def post_reply(to: Comment, text: str):
        if javascript:
            with ui.stays_in_place():
                ui.press(actions(to.pk).get_by_role("link", name="Reply"))
                box = page.locator(f"#reply-slot-{to.pk}").get_by_label(
                    f"Your reply to {to.author.username}"
                )
                expect(box).to_be_focused()
                box.fill(text)
                ui.press(
                    page.locator(f"#reply-slot-{to.pk}").get_by_role("button", name="Post reply")
                )
                expect(page.locator(f"#replies-{amaras.pk}")).to_contain_text(text)
                expect(page.locator(f"#reply-slot-{to.pk}")).to_be_empty()
            ui.assert_no_horizontal_overflow()
        else:
            with ui.navigates():
                ui.press(actions(to.pk).get_by_role("link", name="Reply"))
            page.get_by_label("Your comment").fill(text)
            with ui.navigates():
                ui.press(page.get_by_role("button", name="Post reply"))
        posted = page.locator(".comment__message").filter(has_text="Your reply is posted.")
        expect(posted).to_be_visible()

    post_reply(amaras, "The labs are open to visitors on Fridays.")
    first = comment_by("chen", parent=amaras)
    amara = site.people["amara"]
    # Amara answers; Chen replies to her reply, which joins the same thread.
    answer = post_comment(
        user=amara, contender_id=amaras.contender_id, parent_id=first.pk, body="Which labs?"
    )
    ui.reload()
    post_reply(answer, "The robotics ones in Odaiba.")
    second = comment_by("chen", parent=amaras, body__contains="Odaiba")
    assert second.parent_id == amaras.pk
    thread = page.locator(f"#replies-{amaras.pk}")
    expect(thread.locator(f"#comment-{second.pk}")).to_contain_text("Odaiba")
    if javascript:
        expect(page.locator(f"#comment-{second.pk}")).to_be_focused()
        # Cancel closes a form opened by mistake, and Reply has the focus again.
        ui.press(actions(first.pk).get_by_role("link", name="Reply"))
        ui.press(page.locator(f"#reply-slot-{first.pk}").get_by_role("link", name="Cancel"))
        expect(page.locator(f"#reply-slot-{first.pk}")).to_be_empty()
        expect(actions(first.pk).get_by_role("link", name="Reply")).to_be_focused()
        ui.assert_accessible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "nojs"])
def test_a_long_threads_later_replies_come_a_page_at_a_time(ui, javascript, relaxed_rate_limits):
    site = build_site(size=12)
    amaras = site.comments["amara"]
    talker = UserFactory(username="talker")
    total = REPLIES_SHOWN + REPLIES_PER_PAGE + 2
    replies = [
        post_comment(
            user=talker, contender_id=amaras.contender_id, parent_id=amaras.pk, body=f"Point {n}."
        )
        for n in range(1, total + 1)
    ]
    page = ui.page
    ui.log_in(UserFactory(username="chen"))
    ui.goto(site.contender_url("Tokyo"))
    thread = page.locator(f"#replies-{amaras.pk}")
    expect(thread.locator(".comment--reply")).to_have_count(REPLIES_SHOWN)
    more = page.get_by_role("link", name=f"Show {REPLIES_PER_PAGE} more replies")
    if javascript:
        with ui.stays_in_place():
            # A reply posted now goes to the end, after the link, and stays there once.
            ui.press(
                page.locator(f"#comment-{amaras.pk} > footer").get_by_role("link", name="Reply")
            )
            page.locator(f"#reply-slot-{amaras.pk}").get_by_role("textbox").fill("My last word.")
            ui.press(page.get_by_role("button", name="Post reply"))
            expect(thread.locator(".comment--reply").last).to_contain_text("My last word.")
            total += 1
            ui.press(more)
            # The one posted here is still there too, after them.
            expect(thread.locator(".comment--reply")).to_have_count(
                REPLIES_SHOWN + REPLIES_PER_PAGE + 1
            )
            expect(
                page.get_by_role("status").filter(has_text="12 more replies loaded.")
            ).to_be_attached()
            ui.press(page.get_by_role("link", name="Show 3 more replies"))
            expect(thread.locator(".comment--reply")).to_have_count(total)
        expect(thread.locator(".replies__more")).to_have_count(0)
        expect(thread.get_by_text("My last word.")).to_have_count(1)
        expect(thread.locator(".comment--reply").last).to_contain_text("My last word.")
        ui.assert_no_horizontal_overflow()
        ui.assert_accessible()
    else:
        with ui.navigates(audit="thread-replies"):
            ui.press(more)
        expect(page.locator(".comment--reply")).to_have_count(REPLIES_PER_PAGE)
        expect(page.locator(f"#comment-{replies[REPLIES_SHOWN].pk}")).to_contain_text(
            f"Point {REPLIES_SHOWN + 1}."
        )
        with ui.navigates():
            ui.press(page.get_by_role("link", name="Show 2 more replies"))
        expect(page.locator(".comment--reply")).to_have_count(2)
        expect(page.locator(f"#comment-{replies[-1].pk}")).to_contain_text(f"Point {total}.")
