"""Time an open-data export and its verifier on the benchmark's big synthetic list.

    python -m bench.open_data                       # 1,000 contenders, then 200 without NumPy
    python -m bench.open_data --contenders 300 --votes 100000 --ballots 20000 --duels 40000

No database: the list of bench.counting (1,000,000 votes from 50,000
voters, 100,000 ballots, 200,000 duels) is counted by comments.counting as the job counts
it, laid out as the export's tables by comments.exports (unsaved model
instances stand for the rows), zipped, and checked by the bundled
verify.py in an interpreter of its own (`python -I`), as a user would run
it, once with NumPy and once where NumPy cannot be imported. Prints the
seconds of each step, the zip's size and a one-line summary.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "techvote.test_settings")
django.setup()

import numpy as np  # noqa: E402

from bench.counting import build_list  # noqa: E402
from cities.models import City, Contender, ContenderList  # noqa: E402
from comments.counting.ranks import ranks_from_scores  # noqa: E402
from comments.counting.schulze import count_schulze  # noqa: E402
from comments.exports import Snapshot, Standing, export_files, zip_bytes  # noqa: E402
from comments.pseudonyms import pseudonyms  # noqa: E402
from comments.tallies import ListInputs, count_duels  # noqa: E402
from comments.wilson import wilson_lower_bound  # noqa: E402

WITHOUT_NUMPY = (
    "import runpy, sys; sys.modules['numpy'] = None; "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)


def duel_rows_of(duels, ids: np.ndarray) -> np.ndarray:
    """(member, left id, right id, winner id) per duel, from the synthetic list's duel table."""
    by_member = duels.by_member.tocoo()
    times = by_member.data.astype(int)
    members = np.repeat(by_member.row, times)
    winners = ids[np.repeat(duels.winners[by_member.col], times)]
    losers = ids[np.repeat(duels.losers[by_member.col], times)]
    return np.column_stack([members, winners, losers, winners])


def synthetic_snapshot(*, contenders: int, votes: int, ballots: int, duels: int) -> Snapshot:
    """The synthetic list as an export would read it, with every method's published ranks."""
    synthetic = build_list(
        contenders=contenders,
        votes=votes,
        ballots=ballots,
        duels=duels,
        voters=max(ballots // 2, 1_000),
    )
    rows = synthetic.rows
    ids = np.arange(1, contenders + 1)
    vote_rows = np.column_stack(
        [rows["vote_members"], ids[rows["vote_contenders"]], rows["vote_values"]]
    )
    ballot_rows = np.column_stack(
        [rows["ballot_members"], ids[rows["ballot_contenders"]], rows["ballot_positions"]]
    )
    up = np.bincount(rows["vote_contenders"], rows["vote_values"] == 1, minlength=contenders)
    down = np.bincount(rows["vote_contenders"], rows["vote_values"] == -1, minlength=contenders)
    up, down = up.astype(int), down.astype(int)
    score = up - down
    bound = np.array([wilson_lower_bound(u, d) for u, d in zip(up, down, strict=True)])
    count = count_schulze(synthetic.tiers)
    joined = datetime(2026, 1, 1, tzinfo=UTC)
    contender_rows = [
        Contender(
            pk=int(pk),
            city=City(slug=f"city-{pk}", name=f"City {pk}", country="Benchland"),
            created_at=joined,
            upvotes=int(up[i]),
            downvotes=int(down[i]),
            score=int(score[i]),
            wilson_lower=float(bound[i]),
        )
        for i, pk in enumerate(ids)
    ]
    net_ranks = ranks_from_scores(score)
    wilson_order = np.lexsort((ids, -score, -bound))
    wilson_ranks = np.empty(contenders, dtype=int)
    wilson_ranks[wilson_order] = np.arange(1, contenders + 1)
    borda_ranks = ranks_from_scores(count.borda)

    duel_rows = duel_rows_of(synthetic.duels, ids)
    duel_count = count_duels(ids, duel_rows)

    def by_id(ranks, scores):
        return {int(pk): Standing(int(ranks[i]), float(scores[i])) for i, pk in enumerate(ids)}

    members = np.unique(
        np.concatenate([vote_rows[:, 0], ballot_rows[:, 0], duel_rows[:, 0]])
    ).tolist()
    return Snapshot(
        contender_list=ContenderList(pk=1, slug="bench", title="Benchmark list"),
        day=date(2026, 12, 3),
        exported_at=joined,
        contenders=contender_rows,
        inputs=ListInputs(ids, ballot_rows, vote_rows, duel_rows),
        members=pseudonyms(contender_list_id=1, member_ids=members),
        results={
            "net": by_id(net_ranks, score),
            "wilson": by_id(wilson_ranks, bound),
            "schulze": by_id(count.ranks, count.borda),
            "borda": by_id(borda_ranks, count.borda),
            "duels": by_id(ranks_from_scores(duel_count.strengths), duel_count.scores),
        },
    )


def timed(label: str, step):
    started = time.perf_counter()
    value = step()
    seconds = time.perf_counter() - started
    print(f"{label:<42} {seconds:8.2f} s", flush=True)
    return value, seconds


def bench(*, contenders: int, votes: int, ballots: int, duels: int, numpy: bool) -> str:
    print(
        f"\n{contenders:,} contenders, {votes:,} votes, {ballots:,} ballots, {duels:,} duels",
        flush=True,
    )
    snapshot, _ = timed(
        "count and read (synthetic)",
        lambda: synthetic_snapshot(
            contenders=contenders, votes=votes, ballots=ballots, duels=duels
        ),
    )
    files, write_seconds = timed(
        "export files (CSV, JSON, manifest)",
        lambda: export_files(snapshot, previous_manifest_sha256=""),
    )
    content, zip_seconds = timed("zip", lambda: zip_bytes(files, day=snapshot.day))
    print(f"{'zip size':<42} {len(content) / 1e6:8.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.zip"
        path.write_bytes(content)
        zipfile.ZipFile(path).extractall(Path(folder) / "export")
        verifier = str(Path(folder) / "export" / "verify.py")
        command = [sys.executable, "-I", verifier, str(path)]
        if not numpy:
            command = [sys.executable, "-I", "-c", WITHOUT_NUMPY, verifier, str(path)]
        done, verify_seconds = timed(
            f"verify.py ({'with' if numpy else 'without'} NumPy)",
            lambda: subprocess.run(command, capture_output=True, text=True, check=False),
        )
    print(f"{'verify.py says':<42} {done.stdout.strip() or done.stderr.strip()[-200:]}")
    return (
        f"{contenders:,} contenders: export {write_seconds + zip_seconds:.1f} s, "
        f"{len(content) / 1e6:.1f} MB, verify {verify_seconds:.1f} s "
        f"{'with' if numpy else 'without'} NumPy ({done.stdout.strip()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contenders", type=int)
    parser.add_argument("--votes", type=int, default=1_000_000)
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--duels", type=int, default=200_000)
    arguments = parser.parse_args()
    if arguments.contenders:
        runs = [(arguments.contenders, arguments.votes, arguments.ballots, arguments.duels, True)]
    else:
        runs = [(1_000, 1_000_000, 100_000, 200_000, True), (200, 100_000, 20_000, 40_000, False)]
    summaries = [
        bench(contenders=c, votes=v, ballots=b, duels=d, numpy=numpy) for c, v, b, d, numpy in runs
    ]
    print("\nOpen data: " + "; ".join(summaries))


if __name__ == "__main__":
    main()
