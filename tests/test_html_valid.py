"""Every page is valid HTML, for a visitor and for a signed-in member: the Nu
HTML Checker (the W3C validator) finds no error in any of them.

The pages come from the browser tests' site (real names, comments, a long
link); each of our URL patterns that answers HTML is visited at least once,
and the test says which one it missed. Django admin is Django's own and is
left out.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver, resolve, reverse

from cities.models import ContenderList
from comments.moderation import hide_comment, make_moderator, suspend_user
from comments.services import post_comment, report_comment
from comments.tallies import count_list
from comments.uncertainty import bootstrap_list
from tests.browser.data import LIST_SLUG, build_site
from tests.factories import UserFactory
from tests.helpers import cast_noisy_ballots
from tests.pages import ACCOUNT_PAGES, NOT_PAGES, anonymous_paths, member_paths
from tests.vnu import check_html, missing_tools

pytestmark = pytest.mark.django_db


def our_page_names() -> set[str]:
    """Every URL name of the site that should answer a GET with a page."""
    names = set()
    for namespace in ("cities", "comments", "site"):
        resolver = get_resolver().namespace_dict[namespace][1]
        names |= {f"{namespace}:{name}" for name in resolver.reverse_dict if isinstance(name, str)}
    return (names | ACCOUNT_PAGES) - NOT_PAGES


def fetch(client: Client, paths: list[str], label: str, folder: Path) -> tuple[dict, set]:
    """Save each page's HTML in `folder`: what each file is, and the URL names answered."""
    pages, seen = {}, set()
    for number, path in enumerate(paths):
        response = client.get(path, follow=True)
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), path
        if response.status_code != 404:
            for address in [path, *(url for url, _ in response.redirect_chain)]:
                seen.add(resolve(address.split("?")[0].split("#")[0]).view_name)
        name = re.sub(r"\W+", "_", path)[:60]
        (folder / f"{label}-{number:02d}-{name}.html").write_bytes(response.content)
        pages[f"{label}-{number:02d}-{name}.html"] = f"{label} {path} ({response.status_code})"
    return pages, seen


def error_pages(folder: Path) -> dict:
    """The 500 page (a view that fails) and the expired-form page (no CSRF token)."""
    failing = Client(raise_request_exception=False)
    forged = Client(enforce_csrf_checks=True)
    answers = {
        "error-500.html": failing.get("/boom/"),
        "error-403-csrf.html": forged.post(reverse("account_login"), {"login": "x"}),
    }
    for name, response in answers.items():
        assert response["Content-Type"].startswith("text/html"), name
        (folder / name).write_bytes(response.content)
    return {name: f"{name} ({response.status_code})" for name, response in answers.items()}


def test_every_page_is_valid_html_for_visitors_and_members(tmp_path, settings):
    why_not = missing_tools()
    if why_not:
        pytest.skip(why_not)
    settings.ROOT_URLCONF = "tests.error_urls"
    site = build_site(size=40)
    # Ballots enough for rank intervals and tied bands by Schulze and on the method page.
    ids = {contender.city.name: contender.pk for contender in site.contenders}
    cast_noisy_ballots(site.contender_list, ids, members=14)
    # Counted and resampled, so the pages show when and from what (a <time> among them),
    # and each method's rank interval.
    count_list(ContenderList.objects.get(slug=LIST_SLUG))
    bootstrap_list(ContenderList.objects.get(slug=LIST_SLUG))
    # A moderator with an open report waiting, and an entry in the public log.
    moderator = UserFactory(username="noor")
    make_moderator(moderator)
    report_comment(user=site.people["amara"], comment_id=site.comments["bruno"].pk, reason="spam")
    suspend_user(moderator=moderator, member=UserFactory(), reason="Spam <i>links</i>.")
    # Amara's inbox holds a reply and a hidden comment, which her page of Tokyo shows her.
    post_comment(
        user=site.people["bruno"],
        contender_id=site.contender("Tokyo").pk,
        parent_id=site.comments["amara"].pk,
        body="Only <b>some</b> of the labs.",
    )
    hidden = post_comment(
        user=site.people["amara"], contender_id=site.contender("Tokyo").pk, body="Rude words."
    )
    hide_comment(moderator=moderator, comment=hidden, reason="Rude <em>words</em>.")
    visitor = Client()
    member = Client()
    member.force_login(site.people["amara"])

    pages, seen = fetch(visitor, anonymous_paths(site), "anonymous", tmp_path)
    member_pages, member_seen = fetch(member, member_paths(site), "member", tmp_path)
    moderating = Client()
    moderating.force_login(moderator)
    member_pages |= fetch(moderating, ["/", "/moderation/"], "moderator", tmp_path)[0]
    pages |= member_pages | error_pages(tmp_path)
    seen |= member_seen

    assert our_page_names() <= seen, f"pages not checked: {sorted(our_page_names() - seen)}"
    errors = check_html(sorted(tmp_path.glob("*.html")))
    described = [
        f"{pages[Path(e['url'].removeprefix('file:')).name]} line {e.get('lastLine')}: "
        f"{e['message']}\n    {e.get('extract', '').strip()[:160]}"
        for e in errors
    ]
    assert not described, f"{len(described)} HTML error(s):\n" + "\n".join(described)


def test_the_checker_finds_an_error_it_is_shown(tmp_path):
    """The checker is really run: a page with a stray end tag fails it."""
    why_not = missing_tools()
    if why_not:
        pytest.skip(why_not)
    page = tmp_path / "broken.html"
    page.write_text("<!doctype html><html lang=en><title>x</title><p>a</div>")

    errors = check_html([page])

    assert any("Stray end tag" in error["message"] for error in errors), errors
