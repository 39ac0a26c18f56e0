"""Several workers: one count of a list at a time, and a killed worker's count runs again.

Two workers (or a worker and `rank_lists`) may be handed counts of the same
list at once: the queue keeps at most one waiting, not one running. The
count takes the list row's lock (SELECT ... FOR UPDATE) before it reads, so
the second waits for the first to commit and then counts the newer rows. The
bootstrap of a list's rank intervals has a lock of its own (an advisory
one), so a second bootstrap waits for the first while the count goes on.
A worker process killed half-way (out of memory, a deploy) leaves its task
unacknowledged (CELERY_TASK_ACKS_LATE, CELERY_TASK_REJECT_ON_WORKER_LOST):
the task goes back to the queue and runs again. Both on real processes: a
second PostgreSQL connection that holds the lock, and a Celery worker with
a redis-server of the test's own as its broker.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from celery import Celery
from django.core.cache import cache
from django.db import connection

from cities.models import ContenderList
from comments.models import CountedMethod, ListCount, MethodStanding
from comments.services import cast_vote
from comments.tallies import count_list, find_count_drift
from comments.tasks import BOOTSTRAP_PENDING_KEY
from comments.uncertainty import BOOTSTRAP_LOCK, bootstrap_list
from tests.factories import UserFactory
from tests.helpers import run_at_once
from tests.servers import BASE_DIR, OwnRedis, postgres_url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voted_list(make_ranked_list, relaxed_rate_limits):
    contender_list = make_ranked_list(4)
    contenders = list(contender_list.contenders.order_by("pk"))
    for member in UserFactory.create_batch(3):
        for value, contender in zip((1, -1), contenders[1:3], strict=True):
            cast_vote(user=member, contender_id=contender.pk, value=value)
    ListCount.objects.all().delete()  # Counted in the process after each vote; start afresh.
    MethodStanding.objects.all().delete()
    return contender_list


def primary_connection() -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or "postgres",
        password=db["PASSWORD"] or "",
        dbname=db["NAME"],
    )


def hold_list_lock(holder: psycopg.Connection, contender_list) -> None:
    """Take the lock a count takes, in another connection's open transaction."""
    holder.execute(
        f"SELECT id FROM {ContenderList._meta.db_table} WHERE id = %s FOR UPDATE",
        [contender_list.pk],
    )


def waiting_for_a_lock(watcher: psycopg.Connection) -> list[int]:
    """Server processes of the test database waiting on a row lock now."""
    rows = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query ILIKE '%%FOR UPDATE%%'"
    ).fetchall()
    return [pid for (pid,) in rows]


def eventually(condition, timeout: float = 60, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{what} never came true in {timeout} s")


def start_in_a_thread(job) -> tuple[threading.Thread, list[Exception]]:
    """Run `job` in a thread of its own (its own connection); the list gets what it raised."""
    errors = []

    def run():
        try:
            job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, errors


def test_a_second_count_of_a_list_waits_for_the_one_holding_it(voted_list, make_ranked_list):
    other_list = make_ranked_list(3)
    holder, watcher = primary_connection(), primary_connection()
    watcher.autocommit = True
    hold_list_lock(holder, voted_list)
    counting, errors = start_in_a_thread(
        lambda: count_list(ContenderList.objects.get(pk=voted_list.pk))
    )
    try:
        eventually(lambda: waiting_for_a_lock(watcher), what="the count waiting for the lock")
        count_list(other_list)  # Another list's count does not wait.
        assert not ListCount.objects.filter(contender_list=voted_list).exists()
    finally:
        holder.commit()
        counting.join(timeout=60)
        holder.close()
        watcher.close()

    assert not errors
    assert ListCount.objects.filter(contender_list=voted_list).count() == len(CountedMethod)


def test_counts_of_one_list_at_the_same_instant_store_one_whole_result(voted_list):
    errors = run_at_once([lambda: count_list(ContenderList.objects.get(pk=voted_list.pk))] * 4)

    assert errors == []
    stored = MethodStanding.objects.filter(contender_list=voted_list)
    assert stored.count() == 4 * len(CountedMethod)
    assert find_count_drift(voted_list) == []


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_a_count_whose_worker_process_is_killed_runs_again(voted_list, tmp_path):
    broker = OwnRedis()
    broker.start()
    log_path = tmp_path / "worker.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "techvote", "worker"),
            *("--concurrency", "1", "--pool", "prefork", "--loglevel", "INFO"),
        ],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "techvote.test_settings",
            "DATABASE_URL": postgres_url(connection.settings_dict),
            "REDIS_URL": broker.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    holder, watcher = primary_connection(), primary_connection()
    watcher.autocommit = True
    try:
        eventually(lambda: " ready." in log_path.read_text(), what="the worker being ready")
        hold_list_lock(holder, voted_list)
        Celery(broker=broker.url).send_task("comments.tasks.count_list_task", args=[voted_list.pk])
        first = eventually(lambda: waiting_for_a_lock(watcher), what="the count running")

        os.kill(pool_process_of(worker.pid), signal.SIGKILL)
        again = eventually(
            lambda: [pid for pid in waiting_for_a_lock(watcher) if pid not in first],
            what="the count running again in a new pool process",
        )
        holder.commit()

        eventually(
            lambda: (
                ListCount.objects.filter(contender_list=voted_list).count() == len(CountedMethod)
            ),
            what="the count stored",
        )
    finally:
        holder.close()
        watcher.close()
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
        broker.stop()

    assert again
    assert "WorkerLostError" in log_path.read_text()
    assert find_count_drift(voted_list) == []


def waiting_for_the_bootstrap_lock(watcher: psycopg.Connection) -> list[int]:
    rows = watcher.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
    ).fetchall()
    return [pid for (pid,) in rows]


def test_a_second_bootstrap_of_a_list_waits_while_its_count_goes_on(voted_list):
    count_list(voted_list)  # And, in the process, the bootstrap it queues.
    ListCount.objects.update(bootstrap_digest="")  # Forgotten: the next one resamples.
    holder, watcher = primary_connection(), primary_connection()
    watcher.autocommit = holder.autocommit = True
    holder.execute("SELECT pg_advisory_lock(%s, %s)", [BOOTSTRAP_LOCK, voted_list.pk])
    resampling, errors = start_in_a_thread(
        lambda: bootstrap_list(ContenderList.objects.get(pk=voted_list.pk))
    )
    try:
        eventually(lambda: waiting_for_the_bootstrap_lock(watcher), what="the bootstrap waiting")
        # The count takes no bootstrap lock (nor queues one here: one waits already).
        cache.set(BOOTSTRAP_PENDING_KEY.format(list_id=voted_list.pk), True)
        count_list(voted_list)
        assert set(ListCount.objects.values_list("bootstrap_digest", flat=True)) == {""}
    finally:
        holder.close()  # A bootstrap's worker gone: its lock goes with the connection.
        resampling.join(timeout=60)
        watcher.close()

    assert not errors
    stored = ListCount.objects.filter(contender_list=voted_list)
    assert {count.bootstrap_digest == count.inputs_digest for count in stored} == {True}


def pool_process_of(worker_pid: int) -> int:
    """The one prefork pool process of the worker: the process running its task."""
    children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])
