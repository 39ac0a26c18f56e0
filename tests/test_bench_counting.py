"""The benchmark times the count and the bootstrap it queues apart, each in its own process."""

import io
import os

import pytest
from django.core.cache import cache
from django.db import connection

from bench.run import count_job_table, time_count_job
from comments.models import CountedMethod, ListCount
from comments.tasks import PENDING_KEY
from tests.comments.test_tallies import WIKIPEDIA_BALLOTS, cast_ballots, lettered_list
from tests.servers import postgres_url


def job(seconds: float, peak_mb: float) -> dict:
    return {"seconds": seconds, "peak_mb": peak_mb}


def test_the_table_has_a_row_for_the_count_and_one_for_the_bootstrap():
    runs = [
        {
            "contenders": 1_000,
            "votes": 870_000,
            "ballot_entries": 500_000,
            "duels": 200_000,
            "count": job(2.345, 250.4),
            "bootstrap": job(31.5, 420.0),
        }
    ]
    out = io.StringIO()

    count_job_table(runs, out)

    rows = [line for line in out.getvalue().splitlines() if line.startswith("| 1,000")]
    assert rows == [
        "| 1,000 contenders | the count: Schulze, Borda and Duels | 870,000 | 500,000 "
        "| 200,000 | 2.35 | 250 |",
        "| 1,000 contenders | the bootstrap: every method's rank intervals | 870,000 "
        "| 500,000 | 200,000 | 31.50 | 420 |",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_job_runs_in_a_process_of_its_own_and_the_bootstrap_resamples():
    contender_list, ids = lettered_list("ABCDE")
    contender_list.slug = "bench-list-0"
    contender_list.save(update_fields=["slug"])
    cache.set(PENDING_KEY.format(list_id=contender_list.pk), True)  # Not counted in-process.
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techvote.test_settings",
        "DATABASE_URL": postgres_url(connection.settings_dict),
    }

    result = time_count_job(env, "bench-list-0")

    assert (result["contenders"], result["ballot_entries"]) == (5, 5 * 45)
    for name in ("count", "bootstrap"):
        assert result[name]["seconds"] > 0
        assert result[name]["peak_mb"] > 10  # Django and NumPy at least.
    stored = ListCount.objects.filter(contender_list=contender_list)
    assert stored.count() == len(CountedMethod)
    # Resampled, not skipped: the digest it forgot first is back.
    assert {count.bootstrap_digest == count.inputs_digest for count in stored} == {True}
