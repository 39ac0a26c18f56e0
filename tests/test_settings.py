"""The settings as deployed: run manage.py in a fresh process with a chosen environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# Variables a developer's shell might carry that would change the outcome.
SETTINGS_VARIABLES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    environment.update(DJANGO_SETTINGS_MODULE="techvote.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="techvote.example",
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_preloaded_hsts_year_passes_the_checklist_too():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="techvote.example",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_HSTS_PRELOAD="true",
    )

    assert result.returncode == 0, result.stderr


def test_production_will_not_serve_without_a_secret_key():
    result = run_manage("shell", "-c", "from django.conf import settings; settings.SECRET_KEY")

    assert result.returncode != 0
    assert "SECRET_KEY setting must not be empty" in result.stderr


def test_a_development_run_needs_no_environment():
    result = run_manage("check", DEBUG="1")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("CONN_MAX_AGE", "long")])
def test_malformed_variables_are_refused_by_name(name, value):
    result = run_manage("check", **{name: value, "SECRET_KEY": "x" * 60})

    assert result.returncode != 0
    assert name in result.stderr
    assert repr(value) in result.stderr


def test_redis_url_switches_the_shared_cache_from_the_database_to_redis():
    show = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"

    shared = run_manage("shell", "-c", show, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")
    local = run_manage("shell", "-c", show, DEBUG="1")

    assert "RedisWithDatabaseFallback" in shared.stdout
    assert "DatabaseCache" in local.stdout


def test_redis_url_makes_redis_the_queues_broker_and_tasks_leave_the_process():
    show = (
        "from techvote.celery import app; print(app.conf.broker_url, app.conf.task_always_eager)"
    )

    shared = run_manage("shell", "-c", show, DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/0")
    local = run_manage("shell", "-c", show, DEBUG="1")

    assert shared.stdout.split()[-2:] == ["redis://127.0.0.1:6379/0", "False"]
    assert local.stdout.split()[-2:] == ["memory://", "True"]


def test_web_processes_do_not_load_the_counting_libraries():
    """NumPy and SciPy cost each web worker tens of MB; only the counting job needs them."""
    show = (
        "import sys; from django.urls import resolve; resolve('/'); "
        "import comments.votes, comments.ballots, comments.moderation, comments.duel_page; "
        "print('numpy' in sys.modules, 'scipy' in sys.modules)"
    )

    result = run_manage("shell", "-c", show, DEBUG="1")

    assert result.stdout.split()[-2:] == ["False", "False"], result.stderr
