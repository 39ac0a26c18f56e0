"""Every page answers with the strict Content-Security-Policy, admin and allauth included."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REQUIRED = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
]


def every_path(patterns=None, prefix=""):
    """One address for each URL pattern of the site, its parameters filled with "1"."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^").rstrip("$").removesuffix(r"\Z")
        if isinstance(pattern, URLResolver):
            yield from every_path(pattern.url_patterns, regex)
        elif isinstance(pattern, URLPattern):
            for template, params in normalize(regex):
                yield "/" + template % dict.fromkeys(params, "1")


PATHS = sorted(set(every_path()))


def test_the_walk_covers_the_site():
    for path in ["/", "/lists/1/", "/admin/", "/accounts/login/", "/healthz", "/moderation/"]:
        assert path in PATHS


@pytest.mark.parametrize("as_superuser", [False, True], ids=["anonymous", "superuser"])
def test_every_page_has_the_policy(client, as_superuser):
    if as_superuser:
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    missing = []
    for path in PATHS:
        response = client.get(path)
        policy = response.get("Content-Security-Policy", "")
        if not all(directive in policy for directive in REQUIRED) or "unsafe" in policy:
            missing.append(f"{path} ({response.status_code}): {policy or 'no header'}")
    assert not missing, "\n".join(missing)
