"""Time the ranked counting methods on a synthetic list, without Django or a database.

    python -m bench.counting                  # 1,000 contenders with the bootstrap, then 10,000
    python -m bench.counting --contenders 1000 --rounds 200

One big list: 50,000 voting members casting 1,000,000 up/down votes and
200,000 duels, and 100,000 ballots of 1 to 10 contenders. A member has one
ballot per list, so the ballots come from 100,000 members: 25,000 of the
voters (whose ballot then replaces their votes) and 75,000 members who cast
only a ballot. Popularity is skewed as on the site (Zipf, a few contenders
get most votes, ballot places and duels); each contender has a hidden
quality that tilts its votes, ballot places and duels.

For each step it prints seconds and the peak memory NumPy and SciPy
allocated during it (tracemalloc), then the process's peak resident size
and a one-line summary against the targets: the Schulze + Borda job within
5 s and, with the bootstrap, within 60 s, for the 1,000-contender list.
"""

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from comments.counting.bootstrap import (
    bootstrap_borda,
    bootstrap_bradley_terry,
    bootstrap_schulze,
)
from comments.counting.borda import borda_scores
from comments.counting.bradley_terry import Duels, bradley_terry_strengths, duels_from_rows
from comments.counting.pairwise import pairwise_matrix
from comments.counting.preferences import tier_matrix
from comments.counting.ranks import order_by_score
from comments.counting.schulze import CONDORCET_LIMIT, count_schulze, strongest_paths
from techvote.progress import Progress

JOB_TARGET_SECONDS = 5.0
BOOTSTRAP_TARGET_SECONDS = 60.0


@dataclass(frozen=True)
class SyntheticList:
    """The benchmark list's preferences as the counting functions take them."""

    tiers: Any
    rows: dict  # tier_matrix's arguments: the ballot and vote rows as a query returns them
    duels: Duels
    members: int
    votes: int
    ballots: int


def zipf_popularity(count: int, generator: np.random.Generator, exponent: float = 1.1):
    """Shares summing to 1, a few large and a long tail, in random order."""
    weights = 1.0 / np.arange(1, count + 1) ** exponent
    generator.shuffle(weights)
    return weights / weights.sum()


def build_list(
    *,
    contenders: int,
    voters: int = 50_000,
    votes: int = 1_000_000,
    ballots: int = 100_000,
    duels: int = 200_000,
    seed: int = 1,
) -> SyntheticList:
    """Generate the list's vote, ballot and duel rows and build the counting inputs."""
    generator = np.random.default_rng(seed)
    popularity = zipf_popularity(contenders, generator)
    quality = generator.uniform(0.2, 0.9, contenders)

    # Votes: distinct (member, contender) pairs, contenders by popularity;
    # draw more until there are enough, as the most popular saturate.
    keys = np.empty(0, dtype=np.int64)
    while len(keys) < votes:
        drawn = generator.integers(0, voters, votes) * contenders + generator.choice(
            contenders, votes, p=popularity
        )
        keys = np.unique(np.concatenate([keys, drawn]))
    keys = generator.permutation(keys)[:votes]
    vote_member, vote_contender = keys // contenders, keys % contenders
    vote_value = np.where(generator.random(votes) < quality[vote_contender], 1, -1)

    # Ballots: each member picks 1-10 contenders by popularity without
    # replacement (Gumbel top-k), ordered by quality plus personal taste.
    ballot_member = np.concatenate(
        [
            generator.choice(voters, voters // 2, replace=False),
            voters + np.arange(ballots - voters // 2),
        ]
    )
    members = voters + ballots - voters // 2
    rows, columns, positions = [], [], []
    log_popularity = np.log(popularity)
    # Gumbel keys for a block of ballots at a time: about 5 million floats.
    block = max(1, 5_000_000 // contenders)
    for start in range(0, ballots, block):
        chunk = ballot_member[start : start + block]
        length = generator.integers(1, 11, len(chunk))
        keys = log_popularity + generator.gumbel(size=(len(chunk), contenders))
        chosen = np.argpartition(-keys, 10, axis=1)[:, :10]
        taste = quality[chosen] + generator.normal(0, 0.25, chosen.shape)
        ordered = np.take_along_axis(chosen, np.argsort(-taste, axis=1), axis=1)
        keep = np.arange(10)[None, :] < length[:, None]
        rows.append(np.repeat(chunk, length))
        columns.append(ordered[keep])
        positions.append(np.broadcast_to(np.arange(1, 11), ordered.shape)[keep])
    preference_rows = {
        "n_members": members,
        "n_contenders": contenders,
        "ballot_members": np.concatenate(rows),
        "ballot_contenders": np.concatenate(columns),
        "ballot_positions": np.concatenate(positions),
        "vote_members": vote_member,
        "vote_contenders": vote_contender,
        "vote_values": vote_value,
    }
    tiers = tier_matrix(**preference_rows)

    # Duels: popular contenders meet more; the stronger wins more often.
    first = generator.choice(contenders, duels, p=popularity)
    second = (first + generator.integers(1, contenders, duels)) % contenders
    strength = np.exp(4 * quality)
    first_wins = generator.random(duels) < strength[first] / (strength[first] + strength[second])
    duel_rows = duels_from_rows(
        n_members=members,
        n_contenders=contenders,
        members=generator.integers(0, voters, duels),
        winners=np.where(first_wins, first, second),
        losers=np.where(first_wins, second, first),
    )
    return SyntheticList(
        tiers=tiers,
        rows=preference_rows,
        duels=duel_rows,
        members=members,
        votes=votes,
        ballots=ballots,
    )


def measure(label: str, step: Callable[[], Any], results: list) -> Any:
    """Run one step, keep (label, seconds, peak MB) and return the step's value."""
    tracemalloc.start()
    started = time.perf_counter()
    value = step()
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    results.append((label, seconds, peak))
    return value


def with_progress(label: str, rounds: int, run: Callable[[Callable[[int], None]], Any]) -> Any:
    progress = Progress(label, rounds)
    value = run(progress.advance)
    progress.finish()
    return value


def bench_list(contenders: int, rounds: int, *, limit: int, subset: int) -> list:
    results: list = []
    world = measure(
        f"generate {contenders:,}-contender list",
        lambda: build_list(contenders=contenders),
        results,
    )
    tiers = measure("tier matrix from the rows", lambda: tier_matrix(**world.rows), results)
    counted = min(contenders, limit)
    # The leading contenders by Borda: the ones the Schulze count tabulates.
    leading = order_by_score(borda_scores(tiers))[:counted]
    measure(
        f"pairwise matrix ({counted:,} x {counted:,})",
        lambda: pairwise_matrix(tiers, contenders=leading),
        results,
    )
    measure("Borda", lambda: borda_scores(tiers), results)
    table = pairwise_matrix(tiers, contenders=leading)
    measure(f"strongest paths ({counted:,})", lambda: strongest_paths(table), results)
    measure(
        "Schulze + Borda job (whole count)", lambda: count_schulze(tiers, limit=limit), results
    )
    measure("Bradley-Terry", lambda: bradley_terry_strengths(world.duels.wins()), results)
    if rounds:
        measure(
            f"bootstrap Borda ({rounds} rounds)",
            lambda: with_progress(
                "Borda", rounds, lambda tick: bootstrap_borda(tiers, rounds=rounds, progress=tick)
            ),
            results,
        )
        measure(
            f"bootstrap Schulze ({rounds} rounds, leading {subset})",
            lambda: with_progress(
                "Schulze",
                rounds,
                lambda tick: bootstrap_schulze(
                    tiers, rounds=rounds, subset=subset, limit=limit, progress=tick
                ),
            ),
            results,
        )
        measure(
            f"bootstrap Bradley-Terry ({rounds} rounds)",
            lambda: with_progress(
                "Bradley-Terry",
                rounds,
                lambda tick: bootstrap_bradley_terry(world.duels, rounds=rounds, progress=tick),
            ),
            results,
        )
    print(
        f"\n{contenders:,} contenders: {world.members:,} members, {world.votes:,} votes, "
        f"{world.ballots:,} ballots, {world.duels.by_member.sum():,.0f} duels"
    )
    print(f"| {'Step':<48} | {'seconds':>8} | {'peak MB':>8} |")
    print(f"|{'-' * 50}|{'-' * 10}|{'-' * 10}|")
    for label, seconds, peak in results:
        print(f"| {label:<48} | {seconds:8.2f} | {peak:8.1f} |")
    return results


def verdict(seconds: float, target: float) -> str:
    return "met" if seconds <= target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--contenders",
        type=int,
        action="append",
        help="list size (repeatable); default 1,000 then 10,000",
    )
    parser.add_argument("--rounds", type=int, default=200, help="bootstrap rounds (0: none)")
    parser.add_argument("--limit", type=int, default=CONDORCET_LIMIT)
    parser.add_argument("--subset", type=int, default=100, help="Schulze bootstrap subset")
    args = parser.parse_args(argv)
    sizes = args.contenders or [1_000, 10_000]
    # One BLAS thread, as the counting jobs keep to (comments.tallies.one_blas_thread).
    with threadpool_limits(limits=1, user_api="blas"):
        summary = [summarise(size, args) for size in sizes]
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of the process: {peak_rss:,.0f} MB")
    print("Summary: " + "; ".join(summary))
    return 0


def summarise(size: int, args) -> str:
    """Bench one list size and say how it fares against the targets, in one line."""
    # The bootstrap targets are for the 1,000-contender list; bigger ones count once.
    rounds = args.rounds if size <= 1_000 else 0
    results = bench_list(size, rounds, limit=args.limit, subset=args.subset)
    timing = {label.split(" (")[0]: seconds for label, seconds, _ in results}
    job = timing["tier matrix from the rows"] + timing["Schulze + Borda job"]
    booted = sum(s for label, s, _ in results if label.startswith("bootstrap"))
    line = f"{size:,} contenders: tier matrix + Schulze + Borda {job:.1f} s"
    if size <= 1_000:
        line += f" (target {JOB_TARGET_SECONDS:.0f} s: {verdict(job, JOB_TARGET_SECONDS)})"
    if rounds:
        total = job + timing["Bradley-Terry"] + booted
        line += (
            f", with Bradley-Terry and the bootstraps {total:.1f} s (target "
            f"{BOOTSTRAP_TARGET_SECONDS:.0f} s: {verdict(total, BOOTSTRAP_TARGET_SECONDS)})"
        )
    return line


if __name__ == "__main__":
    sys.exit(main())
