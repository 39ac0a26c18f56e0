"""The write paths' statements are prepared once per connection on PostgreSQL
(techvote/prepared.py), and the query log still shows them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cities.models import Contender
from comments.votes import _VOTE_READ_SQL, cast_vote
from tests.factories import UserFactory

pytestmark = pytest.mark.postgres


def prepared_statements() -> dict[str, int]:
    """What this connection has prepared: each statement with how often it ran."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements"
        )
        return dict(cursor.fetchall())


def test_votes_run_their_prepared_read(make_ranked_list):
    contenders = list(Contender.objects.approved().ranked(make_ranked_list(3)))
    for contender in contenders:
        cast_vote(user=UserFactory(), contender_id=contender.pk, value=1)

    runs = [
        count
        for statement, count in prepared_statements().items()
        if statement.strip().startswith(_VOTE_READ_SQL.strip()[:40])
    ]
    # One statement, planned once and run for each of the three votes.
    assert runs == [3]
    voted = Contender.objects.filter(pk__in=[contender.pk for contender in contenders])
    assert [contender.upvotes for contender in voted] == [1, 1, 1]


def test_the_query_log_shows_a_prepared_statement(member, make_ranked_list):
    contender = Contender.objects.approved().ranked(make_ranked_list(1)).get()
    cast_vote(user=UserFactory(), contender_id=contender.pk, value=1)  # Prepares the read.
    with CaptureQueriesContext(connection) as captured:
        cast_vote(user=member, contender_id=contender.pk, value=-1)
    logged = [query["sql"] for query in captured.captured_queries]
    assert any(sql.strip().startswith("SELECT c.status") and "$1" in sql for sql in logged)
