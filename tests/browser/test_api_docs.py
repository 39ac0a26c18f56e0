"""The read API's browsable docs: Swagger UI runs from the site's own files under its CSP."""

import pytest
from playwright.sync_api import expect

from tests.browser.data import LIST_SLUG, build_site

pytestmark = pytest.mark.browser


def test_the_docs_show_every_operation_and_try_one(ui, device):
    if device == "phone":
        pytest.skip("Swagger UI's own layout is for a desktop; the API is for programs")
    build_site(size=12)
    page = ui.page
    page.goto(ui.url("/api/v1/docs"))
    operations = page.locator(".opblock-summary-path")
    expect(operations).to_have_count(9)
    expect(operations.first).to_contain_text("/api/v1/lists")
    page.locator(".opblock-summary").first.click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    answer = page.locator(".live-responses-table")
    expect(answer).to_contain_text("200")
    expect(answer).to_contain_text(f'"slug": "{LIST_SLUG}"')
    ui.assert_no_horizontal_overflow()
