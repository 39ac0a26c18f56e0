"""The Content-Security-Policy in a real browser: the watch that fails a flow on any
violation sees one, and Django admin works under the policy."""

import pytest
from playwright.sync_api import expect

from tests.browser.data import build_site
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def test_the_watch_sees_what_the_policy_refuses(ui):
    """An inline style and an image from elsewhere are refused, and reported."""
    build_site(size=12)
    ui.goto("/")

    ui.page.evaluate(
        """() => {
          const p = document.createElement("p");
          p.setAttribute("style", "color: red");
          document.body.append(p);
          const img = document.createElement("img");
          img.src = "https://example.invalid/tracker.png";
          img.alt = "";
          document.body.append(img);
        }"""
    )

    ui.page.wait_for_timeout(300)
    seen = "\n".join(ui.csp_violations)
    assert "style-src" in seen
    assert "img-src" in seen
    assert "example.invalid" in seen
    ui.csp_violations.clear()  # The flow itself made none; the fixture checks the rest.


def test_django_admin_works_under_the_policy(ui, transactional_db):
    """Admin's own scripts run: the slug fills in from the name, the filter widget draws."""
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = ui.page
    ui.goto("/admin/login/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    with ui.navigates():
        ui.press(page.get_by_role("button", name="Log in"))

    ui.goto("/admin/cities/city/add/")
    page.locator("#id_name").fill("New Testville")
    page.locator("#id_name").blur()
    expect(page.locator("#id_slug")).to_have_value("new-testville")
    expect(page.locator("#id_sectors_filter")).to_be_visible()  # filter_horizontal's JS.

    ui.goto("/admin/comments/report/")  # A changelist without actions.
    expect(page.locator("#changelist")).to_be_visible()
