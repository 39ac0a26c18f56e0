"""A pytest plugin for mutation runs: each run starts from a migrated SQLite copy.

mutmut runs pytest once per mutant, and pytest-django would build the test
database from the migrations each time: seconds of set-up for tests that take
a fraction of that, and enough CPU time to trip mutmut's timeouts. Instead
`tests/mutation/run.py` migrates one template database before the run, and
every pytest session of the run (mutmut forks one per mutant, two at a time)
copies it to a file of its own and keeps it (`--reuse-db`), so sessions never
share a database and the schema and the migrations' rows (the Moderators
group) are those of the real migrations. On other databases it does nothing.

Loaded only by `make mutation` (`-p tests.mutation.fastdb` in pyproject's
`[tool.mutmut]`); the ordinary suite never sees it.
"""

import os
import shutil
from pathlib import Path

import pytest

# Set by tests/mutation/run.py once the template is migrated.
TEMPLATE_VARIABLE = "MUTATION_TEMPLATE_DATABASE"
_COPY = pytest.StashKey[Path]()


def pytest_configure(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    template = Path(os.environ.get(TEMPLATE_VARIABLE, ""))
    if database["ENGINE"] != "django.db.backends.sqlite3" or not template.is_file():
        return
    copy = template.with_name(f"mutation-{os.getpid()}.sqlite3")
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
