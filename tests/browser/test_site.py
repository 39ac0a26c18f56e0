"""What a visitor expects of any site: its own pages, dark mode, print, a
search that explains itself, sign-up rules a screen reader hears; and the
screenshots of every page at both sizes, light and dark."""

import re

import pytest
from playwright.sync_api import expect

from comments.moderation import hide_comment
from tests.browser.data import LIST_SLUG, build_site
from tests.browser.support import SCREENSHOTS
from tests.factories import UserFactory
from tests.pages import anonymous_paths, member_paths

pytestmark = pytest.mark.browser

SITE_PAGES = {
    "/how-we-rank/": "How TechVote ranks cities",
    "/about/": "About TechVote",
    "/contact/": "Contact",
    "/terms/": "Terms of use",
    "/privacy/": "Privacy",
}

# The relative luminance (WCAG) of a CSS rgb() colour.
LUMINANCE_JS = """(selector) => {
  const colour = getComputedStyle(document.querySelector(selector)).backgroundColor;
  const [r, g, b] = colour.match(/[\\d.]+/g).slice(0, 3).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def background_luminance(page, selector="body") -> float:
    return page.evaluate(LUMINANCE_JS, selector)


def test_the_footer_leads_to_each_of_the_sites_own_pages(ui):
    build_site(size=12)
    page = ui.page
    ui.goto("/")

    for path, heading in SITE_PAGES.items():
        footer = page.get_by_role("navigation", name="About TechVote")
        link = footer.get_by_role(
            "link", name=heading.replace(" of use", "").replace("About TechVote", "About")
        )
        with ui.navigates(audit=f"site{path.strip('/').replace('/', '-')}"):
            ui.press(link)
        assert page.url.endswith(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)


def test_dark_mode_follows_the_system_and_stays_readable(ui):
    build_site(size=12)
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")
    assert background_luminance(page) > 0.8

    page.emulate_media(color_scheme="dark")

    assert background_luminance(page) < 0.05
    assert background_luminance(page, ".contender") < 0.05
    # axe checks colour contrast, among the rest, in the dark colours too.
    ui.assert_accessible()
    ui.screenshot("list-dark")


def test_a_printed_list_has_the_ranking_without_the_controls(ui):
    build_site()
    page = ui.page
    ui.goto(f"/lists/{LIST_SLUG}/")

    page.emulate_media(media="print")

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".contender").first).to_be_visible()
    expect(page.locator(".vote__score").first).to_be_visible()
    for hidden in (".vote__button", ".site-search", ".list-search", ".load-more", ".site-nav"):
        expect(page.locator(hidden).first).to_be_hidden()
    # The first page of the ranking, Top Ten and 25 contenders, on two A4 sheets.
    pdf = page.pdf(format="A4")
    (SCREENSHOTS / "list-print.pdf").write_bytes(pdf)
    sheets = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= sheets <= 2, f"{sheets} sheets"


def test_an_empty_search_says_what_it_looks_in_and_a_near_miss_finds_the_city(ui):
    build_site(size=12)
    page = ui.page
    ui.goto("/search/", audit="search-empty")
    expect(page.locator("#search-empty")).to_contain_text("Type a word above")

    field = page.get_by_label("Cities and lists", exact=True)
    field.fill("tokio")
    with ui.navigates(audit="search-near-miss"):
        field.press("Enter")
    expect(page.get_by_text("Did you mean one of these?")).to_be_visible()
    expect(page.get_by_role("link", name="Tokyo", exact=True)).to_be_visible()


def test_a_screen_reader_hears_the_password_rules_on_sign_up(ui):
    page = ui.page
    ui.goto("/accounts/signup/", audit="signup")

    described = page.get_by_label("Password", exact=True).evaluate(
        "el => document.getElementById(el.getAttribute('aria-describedby'))?.innerText || ''"
    )

    assert "at least 8 characters" in described
    expect(page.get_by_role("button", name="Sign up")).to_be_visible()


def shoot_both_schemes(ui, name: str) -> None:
    """The page as it is, then in dark colours, into screenshots/pages/."""
    for scheme in ("light", "dark"):
        ui.page.emulate_media(color_scheme=scheme)
        ui.screenshot(f"pages/{name}-{scheme}")
    ui.page.emulate_media(color_scheme="light")


def test_screenshots_of_every_page_light_and_dark(ui):
    """Every page a visitor and a member see, checked for overflow, photographed."""
    site = build_site(size=40)
    # An entry in the public log, so that its cards are seen on the phone.
    # A superuser: the Moderators group's migration data does not outlive a live-server test.
    moderator = UserFactory(username="noor", is_staff=True, is_superuser=True)
    hide_comment(moderator=moderator, comment=site.comments["bruno"], reason="Advertising.")
    (SCREENSHOTS / "pages").mkdir(parents=True, exist_ok=True)
    member_only = member_paths(site)
    for group, paths in (("anonymous", anonymous_paths(site)), ("member", member_only)):
        if group == "member":
            ui.log_in(site.people["amara"])
        for number, path in enumerate(paths):
            response = ui.page.goto(ui.url(path))
            ui.arrived()
            # Stable names (no ids, not too long), so each run overwrites the last.
            name = re.sub(r"\d+", "n", re.sub(r"\W+", "-", path)).strip("-")[:50] or "home"
            shoot_both_schemes(ui, f"{group}-{number:02d}-{name}-{response.status}")
