"""Every page of the site, for the checks that walk them all: the Nu HTML
Checker (tests/test_html_valid.py) and the screenshots (tests/browser/test_site.py).

The addresses are those of the browser tests' site (tests/browser/data.py).
"""

from django.urls import reverse

from tests.browser.data import LIST_SLUG

# Patterns that never answer a GET with a page of their own.
NOT_PAGES = {
    "comments:vote",
    "comments:vote_login",  # Sends a visitor to log in, keeping the vote they meant.
    "comments:comment_create",
    "comments:comment_thumb",
    "robots_txt",
    "sitemap",
    "web_manifest",
    "health",
    "comments:ballot_withdraw",  # A form post: its page is the ballot page.
    "comments:open_data_download",  # A zip.
    # Form posts that go back to the inbox.
    "notifications:read_one",
    "notifications:read_all",
    "notifications:digest",
    # Atom feeds, read by feedparser in tests/comments/test_feeds.py.
    "comments:list_comments_feed",
    "comments:city_comments_feed",
    "comments:movers_feed",
    "comments:moderation_log_feed",
    "cities:contender_badge",  # An SVG: tests/cities/test_badges.py.
    "comments:open_data_verifier",  # Python source as text.
}
# allauth's pages the site uses; the rest (social login, codes) are off.
ACCOUNT_PAGES = {
    "account_login",
    "account_signup",
    "account_logout",
    "account_email",
    "account_change_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
}

# A refused search (400, with the form's message) and a missing page (404).
ERROR_PATHS = ["/search/?q=" + "x" * 101, "/no-such-page/"]
MEMBER_ONLY = {"account_email", "account_change_password"}


def anonymous_paths(site) -> list[str]:
    tokyo = site.contender("Tokyo")
    comment = site.comments["amara"]
    list_url = reverse("cities:list_detail", args=[LIST_SLUG])
    return [
        "/",
        list_url,
        list_url + "?page=2",
        list_url + "?upto=2",
        list_url + "?continent=asia",
        list_url + "?country=Japan",
        list_url + "?sort=rising",
        list_url + "?continent=atlantis",
        list_url + "?q=tallinn",
        list_url + "?q=atlantis",
        list_url + "?method=schulze",
        reverse("cities:list_method", args=[LIST_SLUG]),
        reverse("comments:duel", args=[LIST_SLUG]),
        reverse("comments:open_data"),
        tokyo.city.get_absolute_url(),
        tokyo.get_comments_url(),
        tokyo.get_comments_url() + "?sort=new",
        reverse("comments:comment", args=[comment.pk]),
        reverse("comments:comment_replies", args=[comment.pk]),
        reverse("comments:user_profile", args=["amara"]),
        reverse("comments:moderation_log"),
        reverse("cities:search"),
        reverse("cities:search") + "?q=tokyo",
        reverse("cities:search") + "?q=tokio",
        *ERROR_PATHS,
        *(reverse(f"site:{name}") for name in ("ranking", "about", "contact", "terms", "privacy")),
        *(reverse(name) for name in sorted(ACCOUNT_PAGES - MEMBER_ONLY)),
    ]


def member_paths(site) -> list[str]:
    comment = site.comments["amara"]
    other = site.comments["bruno"]
    return [
        "/",
        reverse("cities:list_detail", args=[LIST_SLUG]),
        site.contender_url("Tokyo"),
        reverse("comments:suggest", args=[LIST_SLUG]),
        reverse("comments:ballot", args=[LIST_SLUG]),
        reverse("comments:duel", args=[LIST_SLUG]),
        reverse("comments:comment_reply", args=[other.pk]),
        reverse("comments:comment_edit", args=[comment.pk]),
        reverse("comments:comment_delete", args=[comment.pk]),
        reverse("comments:comment_report", args=[other.pk]),
        reverse("comments:user_profile", args=["amara"]),
        reverse("comments:profile_edit"),
        reverse("comments:account_delete"),
        reverse("notifications:inbox"),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("account_logout"),
    ]
