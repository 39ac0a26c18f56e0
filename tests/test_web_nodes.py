"""Two gunicorn nodes behind HAProxy: any node answers any request, correctly.

The nodes share what production shares (the test's PostgreSQL database and a
redis-server of the test's own) and nothing else: each keeps its own page
and row caches in its memory. HAProxy runs the compose file's configuration
(docker/haproxy.cfg), which balances request by request with no stickiness,
and names the node that answered in X-Served-By. Each test goes on until
both nodes have answered, so nothing passes by landing on one node.
"""

import http.cookiejar
import shutil
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.db import connection

from comments.models import Comment
from comments.moderation import suspend_user
from tests.factories import PASSWORD
from tests.helpers import at_rank
from tests.loadbalancer import haproxy
from tests.servers import OwnRedis, gunicorn, postgres_url
from tests.test_rate_limits_across_processes import away_from_a_minute_boundary

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("haproxy"), reason="needs haproxy (apt install haproxy)"),
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

NODES = 2


@pytest.fixture(scope="module")
def shared_redis():
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(django_db_setup, shared_redis):
    """The load balancer's base URL, in front of NODES gunicorn nodes of the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("several nodes share a database server: needs PostgreSQL")
    database_url = postgres_url(connection.settings_dict)
    with ExitStack() as stack:
        nodes = [
            stack.enter_context(
                gunicorn(
                    DJANGO_SETTINGS_MODULE="tests.node_settings",
                    DATABASE_URL=database_url,
                    CONN_MAX_AGE="0",
                    REDIS_URL=shared_redis.url,
                    CELERY_TASK_ALWAYS_EAGER="true",
                    SESSION_COOKIE_SECURE="false",
                    CSRF_COOKIE_SECURE="false",
                    TRUSTED_PROXY_COUNT="1",
                )
            )
            for _ in range(NODES)
        ]
        yield stack.enter_context(haproxy(nodes))


@pytest.fixture(autouse=True)
def fresh_redis(shared_redis):
    """Rate-limit counters, sessions and standings of one test do not meet the next."""
    redis.Redis(port=shared_redis.port).flushdb()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor's browser: its own cookies; every request through the load balancer."""

    def __init__(self, site: str):
        self.site = site
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects
        )
        self.nodes: list[str] = []

    def request(self, path: str, fields: dict | None = None) -> tuple[int, str]:
        data = None
        if fields is not None:
            data = urlencode({"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}).encode()
        try:
            response = self.opener.open(self.site + path, data=data, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        self.nodes.append(response.headers["X-Served-By"])
        return response.status, response.read().decode()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def log_in(self, user) -> None:
        status, body = self.request("/accounts/login/")  # For the CSRF cookie.
        assert status == 200, body
        status, body = self.request(
            "/accounts/login/", {"login": user.username, "password": PASSWORD}
        )
        assert status == 302, body

    def on_every_node(self, path: str, fields=None, status: int = 200) -> list[str]:
        """Ask each node in turn until every node has answered `status`; the bodies.

        `fields(n)` makes the n-th request a POST of those fields.
        """
        bodies, seen = [], set()
        for attempt in range(NODES * 10):
            if attempt >= NODES:
                time.sleep(0.5)  # A node marked down by a slow health check comes back.
            answer, body = self.request(path, None if fields is None else fields(attempt))
            assert answer == status, body
            bodies.append(body)
            seen.add(self.nodes[-1])
            if len(seen) == NODES:
                return bodies
        raise AssertionError(f"not every node answered: {self.nodes}")


def first_of(body: str, *names: str) -> str:
    """Which of the city names the page shows first."""
    return min(names, key=lambda name: body.index(name))


def test_a_member_signed_in_through_one_node_is_signed_in_on_every_node(site, member):
    browser = Browser(site)
    browser.log_in(member)

    pages = browser.on_every_node("/")

    assert all(f">{member.username}</a>" in page for page in pages)
    assert all("Log out" in page for page in pages)


def test_a_vote_on_one_node_shows_on_the_next_page_from_any_node(site, member, make_ranked_list):
    contender_list = make_ranked_list(12)
    first, tenth = at_rank(contender_list, 1), at_rank(contender_list, 10)
    browser = Browser(site)
    browser.log_in(member)
    url = contender_list.get_absolute_url()
    # Both nodes now keep the list's shared data for a few seconds.
    before = browser.on_every_node(url)
    assert {first_of(page, first.city.name, tenth.city.name) for page in before} == {
        first.city.name
    }

    status, _ = browser.request(f"/contenders/{tenth.pk}/vote/", {"value": "1"})
    assert status == 302
    lists = browser.on_every_node(url)
    contender_pages = browser.on_every_node(tenth.get_comments_url())

    assert {first_of(page, first.city.name, tenth.city.name) for page in lists} == {
        tenth.city.name
    }
    assert all('vote__button--up" aria-pressed="true"' in page for page in contender_pages)


def test_a_vote_on_one_node_shows_pressed_on_the_next_page_from_the_other(
    site, member, make_ranked_list
):
    """The member's other window votes; this one, not fresh from posting, reads kept pages."""
    contender_list = make_ranked_list(3)
    second = at_rank(contender_list, 2)
    reader, voter = Browser(site), Browser(site)
    reader.log_in(member)
    voter.log_in(member)
    url = contender_list.get_absolute_url()
    for _ in range(2):  # Each node keeps the list's page for every member.
        before = reader.on_every_node(url)
    assert not any(up_pressed(page, second) for page in before)

    status, _ = voter.request(f"/contenders/{second.pk}/vote/", {"value": "1"})
    assert status == 302
    after = reader.on_every_node(url)

    assert all(up_pressed(page, second) for page in after)
    assert all(f">{member.username}</a>" in page for page in after)


def up_pressed(page: str, contender) -> bool:
    row = page[page.index(f'id="contender-{contender.pk}"') :]
    return 'vote__button--up" aria-pressed="true"' in row[: row.index("</li>")]


def test_a_rate_limit_holds_across_nodes(site, member, make_ranked_list):
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    contender = at_rank(make_ranked_list(1), 1)
    browser = Browser(site)
    browser.log_in(member)
    path = f"/lists/{contender.contender_list.slug}/{contender.city.slug}/comments/"
    away_from_a_minute_boundary()

    statuses = [
        browser.request(path, {"body": f"Comment number {n} from any node."})[0]
        for n in range(limit + 2)
    ]

    assert statuses == [302] * limit + [429, 429]
    assert len(set(browser.nodes)) == NODES
    assert Comment.objects.filter(author=member).count() == limit


def test_a_suspension_takes_effect_on_every_node_at_once(
    site, member, moderators_group, moderator, make_ranked_list, shared_redis, settings
):
    # This process suspends through the same shared cache as the nodes.
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "techvote.cache.RedisWithDatabaseFallback",
            "LOCATION": shared_redis.url,
        },
    }
    contender = at_rank(make_ranked_list(1), 1)
    browser = Browser(site)
    browser.log_in(member)
    path = f"/lists/{contender.contender_list.slug}/{contender.city.slug}/comments/"
    before = browser.on_every_node(
        path, lambda n: {"body": f"Posted before the suspension, {n}."}, status=302
    )
    remembered = redis.Redis(port=shared_redis.port).keys(f"*standing:{member.pk}")
    assert remembered, "the nodes remember the member's good standing"

    suspend_user(moderator=moderator, member=member, reason="Posting the same link everywhere")
    after = browser.on_every_node(
        path, lambda n: {"body": f"Posted after the suspension, {n}."}, status=403
    )

    assert all("Posting the same link everywhere" in body for body in after)
    assert Comment.objects.filter(author=member).count() == len(before)
