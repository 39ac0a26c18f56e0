"""The moderators' queue of reported comments fits a 1,280 x 800 screen: no column is
clipped, and the whole text of a comment is on its own page."""

import pytest
from playwright.sync_api import expect

from comments.moderation import make_moderator
from comments.services import report_comment
from tests.browser.data import LONG_LINK, build_site
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

# How far the table sticks out of its box: Django lets it scroll inside it, hiding the rest.
RESULTS_OVERFLOW_JS = """() => {
  const box = document.querySelector("#changelist .results");
  return box.scrollWidth - box.clientWidth;
}"""


@pytest.mark.parametrize("device", ["desktop"])
def test_the_reported_comments_table_fits_the_screen(ui, moderators_group):
    site = build_site(size=12)
    for number, comment in enumerate(site.comments.values()):
        for reason in ("spam", "abuse", "misinformation", "off-topic"):
            reporter = UserFactory(username=f"reporter{number}{reason}")
            report_comment(
                user=reporter, comment_id=comment.pk, reason=reason, details="See the link."
            )
    noor = UserFactory(username="noor")
    make_moderator(noor)
    ui.log_in(noor)
    page = ui.page
    ui.goto("/admin/comments/reportedcomment/")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    assert page.evaluate(RESULTS_OVERFLOW_JS) <= 0
    bruno_row = page.get_by_role("row").filter(has_text="The numbers behind the ranking")
    expect(bruno_row).not_to_contain_text(LONG_LINK)  # Cut short here...
    with ui.navigates():
        ui.press(bruno_row.get_by_role("link").first)
    expect(page.locator("#content")).to_contain_text(LONG_LINK)  # ...whole on its page.
