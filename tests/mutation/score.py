"""The mutation score of the last `make mutation` run, equivalent mutants set aside.

mutmut's own summary counts every mutant; some cannot change behaviour
(`equivalent.txt`), and counting them as survivors would understate the
tests. Others only PostgreSQL can kill (`postgres-only.txt`: races between two
requests, SQL that SQLite accepts): they count by their result in the
PostgreSQL run (`mutants/postgres/mutants/`), and where that run has not
tried them they are set aside, in the line that says so. Every other mutant
counts by the SQLite run (`mutants/`). This prints each mutant left alive,
then the score. A listed mutant that no longer survives on SQLite, or no
longer exists, is reported: the lists must follow the code.
"""

import json
import sys
from collections import Counter
from fnmatch import fnmatchcase
from pathlib import Path

from mutmut.stats import status_by_exit_code

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ALIVE = {"survived", "no tests"}


def listed(path: Path) -> dict[str, str]:
    """Mutant name (or pattern) -> why, from `name  # reason` lines."""
    reasons = {}
    for line in path.read_text().splitlines():
        name, _, reason = line.partition("#")
        if name.strip():
            reasons[name.strip()] = reason.strip()
    return reasons


SQLITE_RUN = ROOT / "mutants"
POSTGRES_RUN = ROOT / "mutants" / "postgres" / "mutants"


def mutant_statuses(mutants: Path = SQLITE_RUN) -> dict[str, str]:
    statuses = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        if mutants == SQLITE_RUN and (SQLITE_RUN / "postgres") in meta.parents:
            continue
        for name, exit_code in json.loads(meta.read_text())["exit_code_by_key"].items():
            statuses[name] = status_by_exit_code[exit_code]
    return statuses


def matching(patterns, statuses: dict[str, str]) -> tuple[set[str], list[str]]:
    """The mutants the patterns name, and the patterns that name no living mutant."""
    names, stale = set(), []
    for pattern in patterns:
        found = {n for n in statuses if fnmatchcase(n, pattern) and statuses[n] in ALIVE}
        names |= found
        if not found:
            stale.append(pattern)
    return names, stale


def main() -> int:
    statuses = mutant_statuses()
    if not statuses:
        print("No mutmut results under mutants/: run `make mutation` first.", file=sys.stderr)
        return 1
    on_postgres = {
        name: status
        for name, status in mutant_statuses(POSTGRES_RUN).items()
        if status != "not checked"
    }
    patterns = listed(HERE / "postgres-only.txt")
    stale_pg = matching(patterns, statuses)[1]
    postgres_only = {n for n in statuses if any(fnmatchcase(n, p) for p in patterns)}
    # The PostgreSQL-only mutants count by the PostgreSQL run, where it tried them;
    # one it has not tried is set aside, unless SQLite killed it already.
    final = {**statuses, **{n: on_postgres[n] for n in postgres_only if n in on_postgres}}
    not_run_on_postgres = {
        n for n in postgres_only if n not in on_postgres and statuses[n] != "killed"
    }
    equivalent, stale = matching(listed(HERE / "equivalent.txt"), final)
    counted = {n: s for n, s in final.items() if n not in equivalent | not_run_on_postgres}
    for name in sorted(n for n, s in counted.items() if s != "killed"):
        where = "PostgreSQL" if name in on_postgres and name in postgres_only else "SQLite"
        print(f"    {name}: {counted[name]} ({where})")
    for pattern in stale + stale_pg:
        print(f"    {pattern}: listed, but no such mutant is alive")
    tally = Counter(counted.values())
    killed = tally["killed"]
    by_postgres = Counter(on_postgres[n] for n in postgres_only if n in on_postgres)
    alive = [f"{count} {status}" for status, count in sorted(tally.items()) if status != "killed"]
    print(
        f"Mutation score: {killed / len(counted):.1%} ({killed} of {len(counted)} killed; "
        + "".join(f"{part}; " for part in alive)
        + f"set aside: {len(equivalent)} equivalent"
        + (
            f", {len(not_run_on_postgres)} PostgreSQL-only not run on PostgreSQL"
            if not_run_on_postgres
            else ""
        )
        + ")"
    )
    run = len(counted) - tally["not checked"]
    if tally["not checked"] and run:
        print(
            f"Of the {run} run so far: {killed} killed, {killed / run:.1%} "
            f"({tally['not checked']} not run yet)"
        )
    print(
        f"PostgreSQL-only mutants counted by their PostgreSQL run: {sum(by_postgres.values())} "
        + "("
        + ", ".join(f"{count} {status}" for status, count in sorted(by_postgres.items()))
        + ")"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
