"""The mutation score of the last `make mutation` run, equivalent mutants set aside.

mutmut's own summary counts every mutant; some cannot change behaviour (see
`equivalent.txt`), and counting them as survivors would understate the tests.
This reads mutmut's results from `mutants/`, leaves out the listed equivalent
mutants, and prints the score of the rest, then each survivor, so that a new
one is seen. A listed mutant that no longer exists, or that is now killed, is
reported too: the list must follow the code.
"""

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def equivalent_mutants(path: Path = HERE / "equivalent.txt") -> dict[str, str]:
    """Mutant name -> why it cannot change behaviour, from `name  # reason` lines."""
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


def main() -> int:
    statuses = mutant_statuses()
    if not statuses:
        print("No mutmut results under mutants/: run `make mutation` first.", file=sys.stderr)
        return 1
    equivalent = equivalent_mutants()
    stale = sorted(name for name in equivalent if statuses.get(name) not in {"survived"})
    counted = {name: status for name, status in statuses.items() if name not in equivalent}
    tally = Counter(counted.values())
    for name in sorted(n for n, s in counted.items() if s != "killed"):
        print(f"    {name}: {counted[name]}")
    for name in stale:
        print(f"    {name}: listed as equivalent but {statuses.get(name, 'gone')}")
    killed = tally["killed"]
    print(
        f"Mutation score: {killed / len(counted):.1%} ({killed} of {len(counted)} killed; "
        f"{len(equivalent) - len(stale)} equivalent set aside; "
        + ", ".join(f"{count} {status}" for status, count in sorted(tally.items()))
        + ")"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
