#!/usr/bin/env python3
"""Recount a TechVote open-data export and check it against what the site published.

This file travels inside every export (exports are zips made by
comments/exports.py) and runs on a plain Python 3.11 or newer, with the
standard library only:

    python3 verify.py                  # the export in this file's folder
    python3 verify.py export.zip       # a zip as downloaded
    python3 verify.py day1.zip day2.zip ...   # several days: also checks the chain

It checks that every file matches the SHA-256 the manifest lists, then
recounts every published method from the raw rows (votes.csv,
ballot_entries.csv, duels.csv) with the definitions below, and compares each
contender's rank and score with results.csv. It prints "all N ranks match", or the
first difference and exits 1. Given several exports of one list, oldest
first, it also checks that each manifest names the SHA-256 of the one
before it, so an old day rewritten breaks every later one.

The definitions (the same as the site's comments/counting/ and
comments/wilson.py, which the site's tests hold this file to):

- Contenders are in the order they joined the list: ascending contender_id.
  Every tie goes to the contender that joined first.
- net: up votes minus down votes, highest first.
- wilson: the lower bound of the Wilson score interval of the share of up
  votes, z = WILSON_Z (one-sided 80%), highest first, then net votes.
- Preferences: a member with a ballot ranks its contenders in position
  order, above every contender it leaves out; a member without one counts
  through their votes as three tiers (up, no vote, down).
- borda: a contender's points are the (member, other contender) pairs in
  which the member prefers it; highest first.
- schulze: strongest paths over the head-to-head table d[i][j] (members who
  prefer i to j); i beats j when p[i][j] > p[j][i]; contenders ranked by how
  many beat them, then Borda, then join order. Above CONDORCET_LIMIT
  contenders only the leading CONDORCET_LIMIT by Borda are counted this way
  and the rest follow by Borda.
- duels: Bradley-Terry strengths p fitted (maximum likelihood) to the decided
  duels, i beating j with chance p_i / (p_i + p_j); each contender also plays
  `duel_prior` (the manifest's definitions) virtual duels won and as many
  lost against a virtual contender of strength 1, so the fit always exists.
  Score: 100 x the mean over j != i of p_i / (p_i + p_j); ranked by strength.
  The fit is found by iteration, here and on the site by different code, so
  its scores are compared within DUEL_SCORE_TOLERANCE and its order only
  where two strengths differ by more than DUEL_STRENGTH_TOLERANCE (relative).

NumPy, when installed, speeds the strongest paths and the duels' fit up on
big lists; the result is the same without it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import math
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

# z of a one-sided 80% bound; the site's own (comments/wilson.py imports it).
WILSON_Z = 1.281551565545
Z_SQUARED = WILSON_Z**2
CONDORCET_LIMIT = 1_000
MANIFEST = "manifest.json"
DUEL_SCORE_TOLERANCE = 1e-6  # Points out of 100.
DUEL_STRENGTH_TOLERANCE = 1e-7
FIT_TOLERANCE = 1e-12  # Largest change of a log-strength at convergence.


class Mismatch(Exception):
    """The export does not hold what it claims: the message says where."""


# --- Reading an export -------------------------------------------------------


class Export:
    """The files of one export, from a zip or a folder, by name."""

    def __init__(self, path: Path):
        self.path = path
        if path.is_dir():
            self._read = lambda name: (path / name).read_bytes()
            self._names = {item.name for item in path.iterdir() if item.is_file()}
        else:
            archive = zipfile.ZipFile(path)
            self._read = archive.read
            self._names = set(archive.namelist())
        if MANIFEST not in self._names:
            raise Mismatch(f"{path}: no {MANIFEST}")
        self.manifest_bytes = self._read(MANIFEST)
        self.manifest = json.loads(self.manifest_bytes)

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()

    def check_files(self) -> None:
        """Every listed file is there with its SHA-256 and size."""
        for name, listed in sorted(self.manifest["files"].items()):
            if name not in self._names:
                raise Mismatch(f"{name} is listed in the manifest but missing")
            data = self._read(name)
            digest = hashlib.sha256(data).hexdigest()
            if digest != listed["sha256"] or len(data) != listed["bytes"]:
                raise Mismatch(
                    f"{name}: SHA-256 {digest} ({len(data)} bytes), "
                    f"the manifest lists {listed['sha256']} ({listed['bytes']} bytes)"
                )

    def has(self, name: str) -> bool:
        return name in self._names

    def table(self, name: str) -> list[dict[str, str]]:
        """The rows of a table's CSV file, as dictionaries of strings."""
        text = self._read(f"{name}.csv").decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))


# --- The definitions ---------------------------------------------------------


def wilson_lower_bound(upvotes: int, downvotes: int) -> float:
    """Lower bound of the Wilson score interval for the share of up votes (0 with no votes)."""
    total = upvotes + downvotes
    if total == 0:
        return 0.0
    share = upvotes / total
    centre = share + Z_SQUARED / (2 * total)
    margin = WILSON_Z * math.sqrt((share * (1 - share) + Z_SQUARED / (4 * total)) / total)
    return max(0.0, (centre - margin) / (1 + Z_SQUARED / total))


def ranks_by(keys: list) -> list[int]:
    """1-based ranks from sort keys (smaller first) aligned with the contenders."""
    order = sorted(range(len(keys)), key=lambda index: (keys[index], index))
    ranks = [0] * len(keys)
    for place, index in enumerate(order, start=1):
        ranks[index] = place
    return ranks


def vote_counts(n: int, votes: list[tuple[str, int, int]]) -> tuple[list[int], list[int]]:
    """Up and down votes per contender index."""
    up, down = [0] * n, [0] * n
    for _member, contender, value in votes:
        if value == 1:
            up[contender] += 1
        elif value == -1:
            down[contender] += 1
        else:
            raise Mismatch(f"a vote of {value}: votes are 1 or -1")
    return up, down


def net_ranks(n: int, votes: list[tuple[str, int, int]]) -> tuple[list[int], list[float]]:
    up, down = vote_counts(n, votes)
    scores = [u - d for u, d in zip(up, down, strict=True)]
    return ranks_by([-score for score in scores]), [float(score) for score in scores]


def wilson_ranks(n: int, votes: list[tuple[str, int, int]]) -> tuple[list[int], list[float]]:
    up, down = vote_counts(n, votes)
    bounds = [wilson_lower_bound(u, d) for u, d in zip(up, down, strict=True)]
    return ranks_by([(-b, -(u - d)) for b, u, d in zip(bounds, up, down, strict=True)]), bounds


def preferences(
    votes: list[tuple[str, int, int]], ballots: list[tuple[str, int, int]]
) -> list[dict[int, int]]:
    """Each member's nonzero tiers by contender index (0, unranked or unvoted, is implied).

    A ballot of L entries gives L to its first place down to 1 to its last,
    gaps in positions closing up; a member's votes count only without a ballot.
    """
    by_ballot: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for member, contender, position in ballots:
        by_ballot[member].append((position, contender))
    tiers: dict[str, dict[int, int]] = {}
    for member, entries in by_ballot.items():
        entries.sort()
        tiers[member] = {
            contender: len(entries) - place for place, (_, contender) in enumerate(entries)
        }
    for member, contender, value in votes:
        if member not in by_ballot:
            tiers.setdefault(member, {})[contender] = value
    return list(tiers.values())


def borda_scores(n: int, prefs: list[dict[int, int]]) -> list[float]:
    """Per contender, the (member, other contender) pairs in which the member prefers it.

    A stored entry beats the member's stored entries in lower tiers, and every
    unstored (tier 0) contender when its tier is positive; an unstored
    contender beats the member's negative entries. That last term is added to
    every contender (`floor`) and taken back from the stored ones, so a member
    costs what they stored, not the size of the list.
    """
    points, floor = [0] * n, 0
    for tiers in prefs:
        stored = sorted(tiers.items(), key=lambda item: item[1])
        negatives = sum(1 for _, tier in stored if tier < 0)
        unstored = n - len(stored)
        floor += negatives
        below = 0
        for place, (contender, tier) in enumerate(stored):
            if place and tier != stored[place - 1][1]:
                below = place
            points[contender] += below + (unstored if tier > 0 else 0) - negatives
    return [float(value + floor) for value in points]


def pairwise(counted: list[int], prefs: list[dict[int, int]]) -> list[list[int]]:
    """d[a][b] over the counted contenders (positions in `counted`): members preferring a to b."""
    k = len(counted)
    position = {contender: place for place, contender in enumerate(counted)}
    pairs = [[0] * k for _ in range(k)]
    above_zero, below_zero = [0] * k, [0] * k
    for tiers in prefs:
        stored = [(position[c], t) for c, t in tiers.items() if c in position]
        for a, tier_a in stored:
            if tier_a > 0:
                above_zero[a] += 1
            else:
                below_zero[a] += 1
            row = pairs[a]
            for b, tier_b in stored:
                # Each pair's own say, less what the tier-0 terms below already give it.
                row[b] += (tier_a > tier_b) - (tier_a > 0) - (tier_b < 0)
    return [
        [0 if a == b else pairs[a][b] + above_zero[a] + below_zero[b] for b in range(k)]
        for a in range(k)
    ]


def strongest_paths(d: list[list[int]]) -> list[list[int]]:
    """p[i][j]: the strength of the strongest path from i to j (widest-path Floyd-Warshall)."""
    k = len(d)
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None and k > 50:
        table = np.array(d, dtype=np.int64).reshape(k, k)
        paths = np.where(table > table.T, table, 0)
        for via in range(k):
            np.maximum(paths, np.minimum(paths[:, via, None], paths[None, via, :]), out=paths)
        np.fill_diagonal(paths, 0)
        return paths.tolist()
    paths = [[d[i][j] if d[i][j] > d[j][i] else 0 for j in range(k)] for i in range(k)]
    for via in range(k):
        through = paths[via]
        for i in range(k):
            to_via = paths[i][via]
            if to_via == 0 or i == via:
                continue
            row = paths[i]
            for j in range(k):
                if j != i and j != via:
                    weakest = to_via if to_via < through[j] else through[j]
                    if weakest > row[j]:
                        row[j] = weakest
    for i in range(k):
        paths[i][i] = 0
    return paths


def schulze_ranks(n: int, prefs: list[dict[int, int]], borda: list[float]) -> list[int]:
    """Ranks by Schulze with the site's tie-break and subset rule."""
    by_borda = sorted(range(n), key=lambda index: (-borda[index], index))
    counted = by_borda[:CONDORCET_LIMIT]
    paths = strongest_paths(pairwise(counted, prefs))
    k = len(counted)
    beaten_by = [sum(1 for b in range(k) if paths[b][a] > paths[a][b]) for a in range(k)]
    within = sorted(range(k), key=lambda a: (beaten_by[a], -borda[counted[a]], counted[a]))
    order = [counted[a] for a in within] + by_borda[CONDORCET_LIMIT:]
    ranks = [0] * n
    for place, index in enumerate(order, start=1):
        ranks[index] = place
    return ranks


def duel_wins(duels: list[tuple[str, int, int, int | None]]) -> dict[tuple[int, int], int]:
    """wins[(i, j)]: decided duels in which i beat j. "Can't decide" carries no winner."""
    wins: dict[tuple[int, int], int] = defaultdict(int)
    for _member, left, right, winner in duels:
        if winner is None:
            continue
        if winner not in (left, right):
            raise Mismatch(f"a duel of {left} and {right} won by {winner}, who was not in it")
        wins[winner, right if winner == left else left] += 1
    return wins


def solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """x with matrix @ x = vector (matrix symmetric positive definite): NumPy, or elimination."""
    try:
        import numpy as np
    except ImportError:
        np = None
    if np is not None:
        return np.linalg.solve(np.array(matrix), np.array(vector)).tolist()
    n = len(vector)
    rows = [[*row, value] for row, value in zip(matrix, vector, strict=True)]
    for column in range(n):
        pivot = rows[column][column]
        for below in range(column + 1, n):
            factor = rows[below][column] / pivot
            if factor:
                row, top = rows[below], rows[column]
                for k in range(column, n + 1):
                    row[k] -= factor * top[k]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (rows[i][n] - sum(rows[i][k] * x[k] for k in range(i + 1, n))) / rows[i][i]
    return x


def bradley_terry(n: int, wins: dict[tuple[int, int], int], prior: float) -> list[float]:
    """Strengths (geometric mean 1): Newton's method on the log-likelihood in log p.

    With prior 0 the likelihood is flat along "every strength times c"; a
    constant added to the system fixes that direction (the gradient has no
    part along it), and the plain maximum-likelihood fit is found when it exists.
    """
    if n == 0:
        return []
    matches: dict[tuple[int, int], int] = defaultdict(int)
    won = [0.0] * n
    for (winner, loser), times in wins.items():
        matches[min(winner, loser), max(winner, loser)] += times
        won[winner] += times
    gauge = 1.0 if prior == 0 else 0.0

    def log_likelihood(theta: list[float]) -> float:
        total = sum(prior * (t - 2 * math.log1p(math.exp(t))) for t in theta)
        for (winner, loser), times in wins.items():
            total += times * (theta[winner] - _log_add(theta[winner], theta[loser]))
        return total

    theta = [0.0] * n
    for _ in range(200):
        gradient = [won[i] + prior for i in range(n)]
        curvature = [[gauge] * n for _ in range(n)]  # Minus the Hessian, plus the gauge.
        for i in range(n):
            chance = 1 / (1 + math.exp(-theta[i]))  # Of beating the virtual contender.
            gradient[i] -= 2 * prior * chance
            curvature[i][i] += 2 * prior * chance * (1 - chance)
        for (i, j), times in matches.items():
            chance = 1 / (1 + math.exp(theta[j] - theta[i]))  # Of i beating j.
            gradient[i] -= times * chance
            gradient[j] -= times * (1 - chance)
            weight = times * chance * (1 - chance)
            curvature[i][i] += weight
            curvature[j][j] += weight
            curvature[i][j] -= weight
            curvature[j][i] -= weight
        step = solve(curvature, gradient)
        before, scale = log_likelihood(theta), 1.0
        # Halve the step until it climbs; near the top a step changes the
        # likelihood by less than its rounding, so "climbs" allows for that.
        while scale > 1e-9:
            trial = [t + scale * d for t, d in zip(theta, step, strict=True)]
            if log_likelihood(trial) >= before - 1e-12 * abs(before):
                break
            scale /= 2
        else:
            break  # Nothing climbs: the top, to the precision of floats.
        theta = trial
        if scale * max(map(abs, step)) < FIT_TOLERANCE:
            break
    mean = sum(theta) / n
    return [math.exp(t - mean) for t in theta]


def _log_add(a: float, b: float) -> float:
    """log(e^a + e^b) without overflow."""
    high, low = (a, b) if a > b else (b, a)
    return high + math.log1p(math.exp(low - high))


def win_chances(strengths: list[float]) -> list[float]:
    """All Our Ideas' score: 100 x the mean over j != i of p_i / (p_i + p_j); 50 when alone."""
    n = len(strengths)
    if n < 2:
        return [50.0] * n
    return [100 * (sum(p / (p + q) for q in strengths) - 0.5) / (n - 1) for p in strengths]


def duel_ranks(
    n: int, duels: list[tuple[str, int, int, int | None]], prior: float
) -> tuple[list[int], list[float], list[float]]:
    """Ranks (by strength, ties to join order), scores and strengths per contender index."""
    strengths = bradley_terry(n, duel_wins(duels), prior)
    return ranks_by([-p for p in strengths]), win_chances(strengths), strengths


def recount(
    n: int,
    votes: list[tuple[str, int, int]],
    ballots: list[tuple[str, int, int]],
    duels: list[tuple[str, int, int, int | None]] = (),
    duel_prior: float = 1.0,
) -> dict[str, tuple[list[float], ...]]:
    """Every method's ranks and scores (and the duels' strengths) per contender index."""
    prefs = preferences(votes, ballots)
    borda = borda_scores(n, prefs)
    return {
        "net": net_ranks(n, votes),
        "wilson": wilson_ranks(n, votes),
        "borda": (ranks_by([-points for points in borda]), borda),
        "schulze": (schulze_ranks(n, prefs, borda), borda),
        "duels": duel_ranks(n, duels, duel_prior),
    }


# --- Checking ----------------------------------------------------------------


def check_export(export: Export) -> int:
    """Recount the export and compare it with its results; the number of ranks that match."""
    export.check_files()
    contender_ids = sorted(int(row["contender_id"]) for row in export.table("contenders"))
    index = {contender: place for place, contender in enumerate(contender_ids)}
    n = len(contender_ids)

    def place_of(table: str, value: str) -> int:
        contender = int(value)
        if contender not in index:
            raise Mismatch(f"{table}.csv names contender {contender}, not in contenders.csv")
        return index[contender]

    def rows(table: str, value: str) -> list[tuple[str, int, int]]:
        return [
            (row["member"], place_of(table, row["contender_id"]), int(row[value]))
            for row in export.table(table)
        ]

    def duel_rows() -> list[tuple[str, int, int, int | None]]:
        if "duels" not in export.manifest["methods"] and not export.has("duels.csv"):
            return []  # An export from before duels were published.
        return [
            (
                row["member"],
                place_of("duels", row["left_id"]),
                place_of("duels", row["right_id"]),
                place_of("duels", row["winner_id"]) if row["winner_id"] else None,
            )
            for row in export.table("duels")
        ]

    definitions = export.manifest.get("definitions", {})
    counted = recount(
        n,
        rows("votes", "value"),
        rows("ballot_entries", "position"),
        duel_rows(),
        float(definitions.get("duel_prior", 1.0)),
    )
    published: dict[str, dict[int, tuple[int, float]]] = defaultdict(dict)
    for row in export.table("results"):
        published[row["method"]][int(row["contender_id"])] = (
            int(row["rank"]),
            float(row["score"]),
        )
    unknown = sorted((set(published) | set(export.manifest["methods"])) - set(counted))
    if unknown:
        raise Mismatch(f"the export publishes a method this verifier cannot recount: {unknown[0]}")
    matched = 0
    for method in export.manifest["methods"]:
        theirs = published[method]
        missing = [contender for contender in contender_ids if contender not in theirs]
        if missing:
            raise Mismatch(f"{method}: contender {missing[0]} has no published rank")
        if method == "duels":
            _check_fitted(theirs, counted[method], contender_ids)
        else:
            _check_exact(method, theirs, counted[method], contender_ids)
        matched += n
    return matched


def _check_exact(method, theirs, mine, contender_ids) -> None:
    """Every rank and score exactly as recounted."""
    ranks, scores = mine
    for place, contender in enumerate(contender_ids):
        rank, score = theirs[contender]
        if ranks[place] != rank:
            raise Mismatch(
                f"{method}: contender {contender} is published at rank {rank}, "
                f"the recount puts it at {ranks[place]}"
            )
        if scores[place] != score:
            raise Mismatch(
                f"{method}: contender {contender} is published with score {score!r}, "
                f"the recount gives {scores[place]!r}"
            )


def _check_fitted(theirs, mine, contender_ids) -> None:
    """The duels' scores within tolerance, and their published order one the recount allows.

    Two fits of the same model agree to far better than the tolerances but
    not to the last bit, so an order is wrong only where it puts a contender
    above one whose strength is clearly greater.
    """
    _ranks, scores, strengths = mine
    for place, contender in enumerate(contender_ids):
        _rank, score = theirs[contender]
        if abs(scores[place] - score) > DUEL_SCORE_TOLERANCE:
            raise Mismatch(
                f"duels: contender {contender} is published with score {score!r}, "
                f"the recount gives {scores[place]!r}"
            )
    order = sorted(range(len(contender_ids)), key=lambda place: theirs[contender_ids[place]][0])
    if [theirs[contender_ids[place]][0] for place in order] != list(range(1, len(order) + 1)):
        raise Mismatch("duels: the published ranks are not 1 to N, each once")
    for above, below in itertools.pairwise(order):
        if strengths[below] - strengths[above] > DUEL_STRENGTH_TOLERANCE * strengths[above]:
            raise Mismatch(
                f"duels: contender {contender_ids[above]} is published at rank "
                f"{theirs[contender_ids[above]][0]}, above contender {contender_ids[below]}, "
                f"whose recounted strength is greater ({strengths[below]:.6f} against "
                f"{strengths[above]:.6f})"
            )


def check_chain(exports: list[Export]) -> None:
    """Each manifest names the SHA-256 of the manifest before it."""
    for before, after in itertools.pairwise(exports):
        named = after.manifest.get("previous_manifest_sha256")
        if named != before.manifest_sha256:
            raise Mismatch(
                f"{after.path}: names {named} as the previous manifest, "
                f"but {before.path}'s manifest has SHA-256 {before.manifest_sha256}"
            )


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or [Path(__file__).resolve().parent]
    try:
        exports = [Export(path) for path in paths]
        matched = sum(check_export(export) for export in exports)
        check_chain(exports)
    except Mismatch as difference:
        print(f"MISMATCH: {difference}")
        return 1
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        # json.JSONDecodeError and UnicodeDecodeError are ValueErrors too.
        print(f"MISMATCH: not a readable export: {type(error).__name__}: {error}")
        return 1
    chained = f", {len(exports)} exports chained" if len(exports) > 1 else ""
    print(f"all {matched} ranks match{chained}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
