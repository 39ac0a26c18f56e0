"""DATABASE_REPLICA_URL in the deployed settings: an alias per replica, and nothing without it."""

import json

import pytest
from django.core.exceptions import MiddlewareNotUsed

from techvote import replicas
from tests.test_settings import run_manage

SHOW_DATABASES = (
    "import json; from django.conf import settings; from django.db import router; "
    "print(json.dumps({'aliases': list(settings.DATABASES), "
    "'replicas': settings.DATABASE_REPLICAS, "
    "'hosts': {a: d['HOST'] for a, d in settings.DATABASES.items()}, "
    "'mirrors': {a: d['TEST'].get('MIRROR') for a, d in settings.DATABASES.items()}, "
    "'routers': [type(r).__name__ for r in router.routers]}))"
)


def databases(**env: str) -> dict:
    result = run_manage(
        "shell",
        "-c",
        SHOW_DATABASES,
        SECRET_KEY="replica-settings-test-key",
        DATABASE_URL="postgres://techvote@primary:5432/techvote",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_each_replica_url_becomes_an_alias_the_router_reads_from():
    found = databases(
        DATABASE_REPLICA_URL="postgres://techvote@replica-a:5432/techvote, "
        "postgres://techvote@replica-b:5432/techvote"
    )

    assert found["aliases"] == ["default", "replica_1", "replica_2"]
    assert found["replicas"] == ["replica_1", "replica_2"]
    assert found["hosts"] == {
        "default": "primary",
        "replica_1": "replica-a",
        "replica_2": "replica-b",
    }
    # Tests make no database on a read-only server: replicas mirror the primary.
    assert found["mirrors"] == {"default": None, "replica_1": "default", "replica_2": "default"}
    assert found["routers"] == ["ReplicaRouter"]


def test_without_the_variable_there_is_one_database_and_no_router():
    found = databases()

    assert found["aliases"] == ["default"]
    assert found["replicas"] == []
    assert found["routers"] == []


def test_a_replica_of_another_kind_of_database_stops_start_up():
    result = run_manage(
        "check",
        SECRET_KEY="replica-settings-test-key",
        DATABASE_URL="postgres://techvote@primary:5432/techvote",
        DATABASE_REPLICA_URL="sqlite:///replica.sqlite3",
    )

    assert result.returncode != 0
    assert "DATABASE_REPLICA_URL must name the same kind of database" in result.stderr


def test_without_replicas_the_middleware_takes_itself_out(settings):
    settings.DATABASE_REPLICAS = []

    with pytest.raises(MiddlewareNotUsed):
        replicas.ReplicaReadsMiddleware(lambda request: None)


def test_with_replicas_a_writer_reads_the_primary_at_least_replica_fresh_seconds(settings):
    from techvote.middleware import fresh_seconds

    settings.ANONYMOUS_PAGE_SECONDS = 3
    settings.REPLICA_FRESH_SECONDS = 5
    settings.DATABASE_REPLICAS = []
    assert fresh_seconds() == 3, "without replicas, as long as shared pages"
    settings.DATABASE_REPLICAS = ["replica_1"]
    assert fresh_seconds() == 5
    settings.ANONYMOUS_PAGE_SECONDS = 30
    assert fresh_seconds() == 30
