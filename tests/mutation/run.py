"""mutmut, made to see the services that run under `@transaction.atomic`.

mutmut 3 leaves every decorated function alone, because it cannot know what a
decorator does when the function is copied. Nearly every writer here is a
`@transaction.atomic` service, so without this wrapper the mutation score
would leave out the code it is meant to measure. The wrapper changes how
mutmut builds the mutants, not how the code runs: the trampoline that mutmut
puts in the function's place keeps the `@transaction.atomic` decorator, and
the copies it switches between (the original and each mutant) are plain
functions, so each call still opens exactly one transaction, as in production.

It also narrows `cities/models.py` to its ranking reads: the rest of that
module is model definitions and `__str__`s, outside the score's scope.

Usage is mutmut's own (`python tests/mutation/run.py run`, `... results`,
`... show NAME`); `make mutation` runs it and then `tests/mutation/score.py`.

Where `DATABASE_URL` names PostgreSQL, the run is the PostgreSQL half of
`make mutation`: it works in `mutants/postgres/` (a view of the project made
of links, so that mutmut's own `mutants/` there, its results and its test
timings, stay apart from the SQLite run's), migrates one template database,
and each test session clones it (`fastdb.py`). A `run` given no mutant names
runs the mutants of `postgres-only.txt` only: those SQLite cannot kill.
"""

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import libcst as cst
import libcst.matchers as m
from mutmut import __main__ as mutmut_main
from mutmut.mutation import file_mutation

ATOMIC = m.Decorator(decorator=m.Attribute(value=m.Name("transaction"), attr=m.Name("atomic")))

# The functions of a module that are in scope, where not all of them are.
ONLY_FUNCTIONS = {
    "cities/models.py": {
        "ranking_order",
        "ranks_before",
        "with_top",
        "approved",
        "ranked",
        "with_rank",
        "with_previous_rank",
        "_ahead_of_outer",
    },
}

_current_file = ""

# Where `migrate_template` leaves the database that `fastdb.py` copies: a
# file on SQLite, a database's name on PostgreSQL.
TEMPLATE_VARIABLE = "MUTATION_TEMPLATE_DATABASE"

# What the PostgreSQL run's view of the project links to (mutmut copies from it).
PROJECT_ENTRIES = [
    "api",
    "cities",
    "comments",
    "manage.py",
    "notifications",
    "pyproject.toml",
    "static",
    "techvote",
    "templates",
    "tests",
]


def _only_atomic(function: cst.FunctionDef) -> bool:
    return bool(function.decorators) and all(m.matches(d, ATOMIC) for d in function.decorators)


_create_mutations = file_mutation.create_mutations


def create_mutations(filename, code, *args, **kwargs):
    """Remember which file is being mutated, for `ONLY_FUNCTIONS`."""
    global _current_file
    _current_file = str(filename)
    return _create_mutations(filename, code, *args, **kwargs)


_skip_node_and_children = file_mutation.MutationVisitor._skip_node_and_children


def skip_node_and_children(self, node: cst.CSTNode) -> bool:
    """mutmut's rule, except that atomic services are mutated and out-of-scope ones are not."""
    if isinstance(node, cst.FunctionDef):
        outer = self.get_metadata(file_mutation.OuterFunctionProvider, node, None)
        only = ONLY_FUNCTIONS.get(_current_file)
        if outer is node and only is not None and node.name.value not in only:
            return True
        if _only_atomic(node):
            return False
    return _skip_node_and_children(self, node)


_function_trampoline_arrangement = file_mutation.function_trampoline_arrangement


def function_trampoline_arrangement(function, mutants, class_name):
    """Build mutmut's trampoline from the bare function, then put the decorator on it alone."""
    if not _only_atomic(function):
        return _function_trampoline_arrangement(function, mutants, class_name)
    bare = function.with_changes(decorators=[])
    declarations, nodes, assignments, names = _function_trampoline_arrangement(
        bare, mutants, class_name
    )
    trampoline = nodes[0].with_changes(decorators=[*function.decorators, *nodes[0].decorators])
    return declarations, [trampoline, *nodes[1:]], assignments, names


file_mutation.create_mutations = create_mutations
file_mutation.MutationVisitor._skip_node_and_children = skip_node_and_children
file_mutation.function_trampoline_arrangement = function_trampoline_arrangement


def migrate_template(root: Path) -> None:
    """Migrate the SQLite database each test session copies (see `fastdb.py`)."""
    template = root / "mutants" / "mutation-template.sqlite3"
    template.parent.mkdir(exist_ok=True)
    # Migrated beside it and put in place whole: a run of a few named
    # mutants beside a whole run never lets the other's sessions copy half
    # a database.
    migrating = template.with_name(f"mutation-template-{os.getpid()}.sqlite3")
    migrating.unlink(missing_ok=True)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techvote.test_settings",
        "DATABASE_URL": f"sqlite:///{migrating}",
    }
    for command in (["migrate", "--no-input"], ["createcachetable"]):
        manage = [sys.executable, "manage.py", *command, "--verbosity", "0"]
        subprocess.run(manage, cwd=root, env=environment, check=True)
    # Copies are taken file by file: nothing may stay behind in a WAL file.
    with sqlite3.connect(migrating) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    migrating.replace(template)
    os.environ[TEMPLATE_VARIABLE] = str(template)


def postgres_view(root: Path) -> Path:
    """`mutants/postgres/`: the project as links, for a mutmut run of its own."""
    view = root / "mutants" / "postgres"
    view.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_ENTRIES:
        link = view / name
        if not link.is_symlink():
            link.symlink_to(root / name)
    return view


def maintenance(url: str):
    """A connection to the server's `postgres` database, outside any transaction."""
    from dj_database_url import parse
    from fastdb import maintenance as connect

    return connect(parse(url))


def template_name(url: str) -> str:
    from dj_database_url import parse

    return f"test_{parse(url)['NAME']}_template"


def migrate_postgres_template(root: Path, url: str) -> str:
    """Migrate the PostgreSQL database each test session clones (see `fastdb.py`)."""
    template = template_name(url)
    with maintenance(url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{template}"')
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "techvote.test_settings",
        "DATABASE_URL": url.rsplit("/", 1)[0] + f"/{template}",
    }
    for command in (["migrate", "--no-input"], ["createcachetable"]):
        manage = [sys.executable, "manage.py", *command, "--verbosity", "0"]
        subprocess.run(manage, cwd=root, env=environment, check=True)
    os.environ[TEMPLATE_VARIABLE] = template
    return template


def drop_postgres_copies(url: str, template: str) -> None:
    """Drop the template and the clones that sessions killed by a timeout left behind."""
    with maintenance(url) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [template.removesuffix("_template").replace("_", r"\_") + r"\_%"],
        ).fetchall()
        for (name,) in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_only_patterns() -> list[str]:
    from score import listed

    return list(listed(Path(__file__).resolve().parent / "postgres-only.txt"))


def mutant_names(arguments: list[str]) -> list[str]:
    """The names among `run`'s arguments: not its options nor `--max-children`'s number."""
    names, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument == "--max-children":
            skip = True
        elif not argument.startswith("-"):
            names.append(argument)
    return names


def main() -> int:
    root = Path(__file__).resolve().parents[2]
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if sys.argv[1:2] == ["run"]:
            migrate_template(root)
        return mutmut_main.cli()
    os.chdir(postgres_view(root))
    if sys.argv[1:2] != ["run"]:
        return mutmut_main.cli()
    if not mutant_names(sys.argv[2:]):
        sys.argv += postgres_only_patterns()
    template = migrate_postgres_template(root, url)
    # Stopped with a signal, still drop what the run made.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        return mutmut_main.cli()
    finally:
        drop_postgres_copies(url, template)


if __name__ == "__main__":
    sys.exit(main())
