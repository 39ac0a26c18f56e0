"""Rate limits hold across server processes with the default settings: no Redis.

Three gunicorn workers serve the test database (on SQLite, a copy of it in a
file) and many requests arrive at once, so that they spread over the
workers. Counted per process, as they were, three workers let three times
the limit through.
"""

import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from comments.models import Comment
from tests.factories import ContenderFactory, UserFactory
from tests.servers import fetch, gunicorn, postgres_url

pytestmark = pytest.mark.django_db(transaction=True)

CSRF_SECRET = "s" * 32


@pytest.fixture
def shared_database_url(tmp_path):
    """A URL other processes reach the test database by, once the test has written its rows."""

    def url() -> str:
        if connection.vendor == "sqlite":
            copy = tmp_path / "db.sqlite3"
            with sqlite3.connect(copy) as target:
                connection.ensure_connection()
                connection.connection.backup(target)
            return f"sqlite:///{copy}"
        return postgres_url(connection.settings_dict)

    return url


def away_from_a_minute_boundary():
    """Counters are per calendar minute: do not let a burst straddle two."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


def post_all(url: str, bodies: list[dict], cookies: str) -> list[tuple[int, str]]:
    headers = {
        "Cookie": f"{cookies}; csrftoken={CSRF_SECRET}",
        "X-CSRFToken": CSRF_SECRET,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        answers = pool.map(
            lambda body: fetch(url, data=urlencode(body).encode(), headers=headers), bodies
        )
        return [(status, body) for status, _, body in answers]


def test_comments_over_the_limit_are_refused_whichever_worker_answers(shared_database_url):
    member = UserFactory()  # An established account.
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    contender = ContenderFactory()
    client = Client()
    client.force_login(member)
    session = (
        f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    )
    path = f"/lists/{contender.contender_list.slug}/{contender.city.slug}/comments/"
    database_url = shared_database_url()
    away_from_a_minute_boundary()

    with gunicorn(workers=3, DATABASE_URL=database_url, CONN_MAX_AGE="0") as site:
        answers = post_all(
            site + path, [{"body": f"Comment number {n}."} for n in range(15)], session
        )
    statuses = [status for status, _ in answers]

    # A posted comment redirects to the page showing it, which answers 200.
    assert sorted(statuses) == [200] * limit + [429] * (15 - limit), statuses
    if connection.vendor != "sqlite":
        assert Comment.objects.filter(author=member).count() == limit


def test_failed_logins_are_limited_across_workers(shared_database_url):
    UserFactory(username="target")
    per_login = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/5m/key
    database_url = shared_database_url()

    with gunicorn(workers=3, DATABASE_URL=database_url, CONN_MAX_AGE="0") as site:
        answers = post_all(
            site + "/accounts/login/",
            [{"login": "target", "password": f"wrong-{n}"} for n in range(15)],
            "a=b",
        )
    refused = [body for _, body in answers if "Too many failed login attempts" in body]

    assert len(refused) >= 15 - per_login
