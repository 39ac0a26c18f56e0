"""The mutation score of the last `make mutation` run, equivalent mutants set aside.

mutmut's own summary counts every mutant; some cannot change behaviour
(`equivalent.txt`), and counting them as survivors would understate the
tests. Others only PostgreSQL can kill (`postgres-only.txt`: races between two
requests, SQL that SQLite accepts); on SQLite they are set aside too, and
counted in the line that says so. This reads mutmut's results from
`mutants/`, prints each mutant left alive, then the score. A listed mutant
that no longer survives, or no longer exists, is reported: the lists must
follow the code.
"""

import json
import os
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


def mutant_statuses(mutants: Path = ROOT / "mutants") -> dict[str, str]:
    statuses = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
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
    equivalent, stale = matching(listed(HERE / "equivalent.txt"), statuses)
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    postgres_only, stale_pg = set(), []
    if not on_postgres:
        postgres_only, stale_pg = matching(listed(HERE / "postgres-only.txt"), statuses)
        postgres_only -= equivalent
    counted = {n: s for n, s in statuses.items() if n not in equivalent | postgres_only}
    for name in sorted(n for n, s in counted.items() if s != "killed"):
        print(f"    {name}: {counted[name]}")
    for pattern in stale + stale_pg:
        print(f"    {pattern}: listed, but no such mutant is alive")
    tally = Counter(counted.values())
    killed = tally["killed"]
    print(
        f"Mutation score: {killed / len(counted):.1%} ({killed} of {len(counted)} killed; "
        + ", ".join(
            f"{count} {status}" for status, count in sorted(tally.items()) if status != "killed"
        )
        + f"; set aside: {len(equivalent)} equivalent"
        + ("" if on_postgres else f", {len(postgres_only)} PostgreSQL-only")
        + ")"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
