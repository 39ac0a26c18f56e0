"""A pytest plugin for mutation runs: each run starts from a migrated copy of the database.

mutmut runs pytest once per mutant, and pytest-django would build the test
database from the migrations each time: seconds of set-up for tests that take
a fraction of that, and enough CPU time to trip mutmut's timeouts. Instead
`tests/mutation/run.py` migrates one template database before the run, and
every pytest session of the run (mutmut forks one per mutant, two at a time)
copies it to a database of its own and keeps it (`--reuse-db`), so sessions
never share a database and the schema and the migrations' rows (the
Moderators group) are those of the real migrations. On SQLite the copy is a
file; on PostgreSQL it is `CREATE DATABASE ... TEMPLATE`, dropped when the
session ends (`run.py` drops any that a killed session left).

Loaded only by `make mutation` (`-p tests.mutation.fastdb` in pyproject's
`[tool.mutmut]`); the ordinary suite never sees it.
"""

import os
import shutil
import time
from pathlib import Path

import pytest

# Set by tests/mutation/run.py once the template is migrated.
TEMPLATE_VARIABLE = "MUTATION_TEMPLATE_DATABASE"
_COPY = pytest.StashKey[Path]()
_POSTGRES_COPY = pytest.StashKey[str]()


def maintenance(database):
    """A connection to the server's `postgres` database, outside any transaction."""
    import psycopg

    return psycopg.connect(
        dbname="postgres",
        user=database["USER"] or None,
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
        autocommit=True,
    )


def _clone_postgres(config, database, template: str) -> None:
    import psycopg

    copy = f"{template.removesuffix('_template')}_{os.getpid()}"
    with maintenance(database) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        for attempt in range(10):
            try:
                connection.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{template}"')
                break
            except psycopg.errors.ObjectInUse:
                # Another session's clone reads the template this instant.
                if attempt == 9:
                    raise
                time.sleep(0.2)
    database.setdefault("TEST", {}).update(NAME=copy, MIGRATE=False)
    config.option.reuse_db = True
    config.option.create_db = False
    config.stash[_POSTGRES_COPY] = copy


def pytest_configure(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    template = os.environ.get(TEMPLATE_VARIABLE, "")
    if database["ENGINE"] == "django.db.backends.postgresql" and template:
        _clone_postgres(config, database, template)
        return
    if database["ENGINE"] != "django.db.backends.sqlite3" or not Path(template).is_file():
        return
    copy = Path(template).with_name(f"mutation-{os.getpid()}.sqlite3")
    shutil.copyfile(template, copy)
    # Already migrated: Django checks the tables are there and loads no migrations.
    database.setdefault("TEST", {}).update(NAME=str(copy), MIGRATE=False)
    config.option.reuse_db = True
    config.option.create_db = False
    config.stash[_COPY] = copy


def pytest_unconfigure(config):
    copy = config.stash.get(_COPY, None)
    if copy is not None:
        for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            path.unlink(missing_ok=True)
    postgres_copy = config.stash.get(_POSTGRES_COPY, None)
    if postgres_copy is not None:
        from django.conf import settings
        from django.db import connections

        connections.close_all()
        with maintenance(settings.DATABASES["default"]) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{postgres_copy}" WITH (FORCE)')
