"""Schemathesis against the read API on a live test server: every operation, answers as described.

The OpenAPI document the site serves (/api/v1/openapi.json, read through
the WSGI application) gives every operation, and each is called over HTTP
on the live test server with inputs generated from it (hypothesis): any
5xx, or an answer whose status, headers or body the schema does not
describe, fails.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from comments.moderation import hide_comment
from techvote.wsgi import application
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import say


@pytest.fixture
def site(live_server, settings):
    """A small site (a list, its cities, a comment and a hidden one), and its API's schema."""
    settings.API_RATE_LIMITS = {"minute": 1_000_000, "day": 1_000_000}
    contender_list = ContenderListFactory(slug="most-high-tech-cities")
    contenders = [
        ContenderFactory(contender_list=contender_list, city=CityFactory(slug=slug))
        for slug in ("tokyo", "seoul", "taipei")
    ]
    # A superuser moderates here: the live server's database is emptied
    # between tests, the Moderators group its migration made included.
    moderator = UserFactory(is_staff=True, is_superuser=True)
    say(UserFactory(), contenders[0], "Trains every two minutes.")
    hide_comment(moderator=moderator, comment=say(UserFactory(), contenders[0]), reason="Spam.")
    return live_server.url


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_conforms_to_the_schema(site, case):
    # A cursor is opaque: a string the schema allows may still be one the API
    # never gave out, which it refuses (400), so with a cursor a valid-looking
    # request need not be accepted. Every other check holds for every call.
    excluded = [positive_data_acceptance] if "cursor" in (case.query or {}) else []
    # Uncompressed: schemathesis reads the body as sent, without undoing gzip.
    case.call_and_validate(
        base_url=site, headers={"Accept-Encoding": "identity"}, excluded_checks=excluded
    )
