"""A database that cannot be reached: 503, Retry-After, and a page that needs no database.

Nothing shared is stopped: the server under test points at a database that
is not there (a closed port for PostgreSQL, a missing folder for SQLite).
"""

import pytest

from tests.servers import fetch, free_port, gunicorn

UNREACHABLE = {
    "postgresql": f"postgres://postgres@127.0.0.1:{free_port()}/techvote_nowhere",
    "sqlite": "sqlite:////nonexistent-folder/for-this-test/db.sqlite3",
}


@pytest.fixture(scope="module", params=sorted(UNREACHABLE))
def site_without_database(request):
    with gunicorn(DATABASE_URL=UNREACHABLE[request.param], CONN_MAX_AGE="0") as url:
        yield url


@pytest.mark.parametrize("path", ["/", "/lists/most-high-tech-cities/", "/users/alice/"])
def test_pages_answer_503_with_retry_after_and_a_calm_page(site_without_database, path):
    status, headers, body = fetch(site_without_database + path)

    assert status == 503
    assert int(headers["Retry-After"]) > 0
    assert "TechVote is having trouble" in body
    assert "Nothing was lost" in body
    assert 'href="/static/css/techvote.css"' in body


def test_a_members_vote_answers_503_and_asks_to_retry(site_without_database):
    secret = "c" * 32
    status, headers, body = fetch(
        site_without_database + "/contenders/1/vote/",
        data=b"value=1",
        headers={
            "Cookie": f"sessionid=someonessession; csrftoken={secret}",
            "X-CSRFToken": secret,
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )

    assert status == 503
    assert "Retry-After" in headers
    assert "Nothing was lost" in body


def test_the_health_check_still_says_unavailable(site_without_database):
    status, _, body = fetch(site_without_database + "/healthz")

    assert status == 503
    assert "database unavailable" in body
