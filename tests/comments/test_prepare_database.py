"""prepare_database: the containers' migrate and demo load, one container at a time."""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from comments.management.commands.prepare_database import PREPARE_LOCK
from tests.servers import BASE_DIR, postgres_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_migrates_and_says_so(capsys):
    call_command("prepare_database", verbosity=0)

    assert capsys.readouterr().out.strip() == "Database prepared."


@pytest.mark.postgres
def test_a_second_container_waits_for_the_one_preparing():
    db = connection.settings_dict
    holder = psycopg.connect(postgres_url(db), autocommit=True)
    holder.execute("SELECT pg_advisory_lock(%s)", [PREPARE_LOCK])  # The first container.
    second = subprocess.Popen(
        [sys.executable, "manage.py", "prepare_database", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "techvote.test_settings",
            "DATABASE_URL": postgres_url(db),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not holder.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event = 'advisory'"
        ).fetchone()[0]:
            assert second.poll() is None, second.stdout.read()
            assert time.monotonic() < deadline, "the second container never asked for the lock"
            time.sleep(0.05)
        assert second.poll() is None, "it went ahead while the first was preparing"
    finally:
        holder.execute("SELECT pg_advisory_unlock(%s)", [PREPARE_LOCK])
        holder.close()
    output, _ = second.communicate(timeout=120)

    assert second.returncode == 0, output
    assert output.strip().endswith("Database prepared.")
