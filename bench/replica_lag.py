"""How far a streaming standby trails its primary: the lag a page read from a replica may see.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/techvote_bench python -m bench.replica_lag
    python -m bench.replica_lag --commits 1000

It makes a hot standby of the cluster behind DATABASE_URL the way the
replica tests do (tests/standby.py: pg_basebackup -R, then pg_ctl on a free
port; the primary must allow a replication connection from 127.0.0.1),
then commits one small row change after another on the primary and, after
each commit, asks the standby until it has replayed that commit. It prints
the median, 99th percentile and worst of those waits and a one-line
summary against REPLICA_FRESH_SECONDS, the time a member who has just
posted reads from the primary only. A scratch table is created in that
database and dropped at the end; the standby is removed.
"""

import argparse
import statistics
import sys
import time

import dj_database_url
import psycopg

from techvote.progress import Progress
from tests.standby import Standby

PROBE_TABLE = "replica_lag_probe"


def measure(primary: dict, commits: int) -> list[float]:
    """Seconds from each commit's return on the primary to its replay on the standby."""
    reason = Standby.unavailable(primary)
    if reason:
        sys.exit(f"no standby can be made: {reason}")
    params = {
        "host": primary["HOST"] or "127.0.0.1",
        "port": primary["PORT"] or 5432,
        "user": primary["USER"] or "postgres",
        "password": primary.get("PASSWORD") or "",
        "dbname": primary["NAME"],
    }
    with psycopg.connect(**params, autocommit=True) as writer:
        writer.execute(f"CREATE TABLE IF NOT EXISTS {PROBE_TABLE} (id int PRIMARY KEY, n bigint)")
        writer.execute(f"INSERT INTO {PROBE_TABLE} VALUES (1, 0) ON CONFLICT DO NOTHING")
        standby = Standby(primary)
        try:
            standby.create()
            standby.start()
            standby.wait_until_caught_up()
            with psycopg.connect(
                **{**params, "host": "127.0.0.1", "port": standby.port}, autocommit=True
            ) as reader:
                return _waits(writer, reader, commits)
        finally:
            standby.remove()
            writer.execute(f"DROP TABLE IF EXISTS {PROBE_TABLE}")


def _waits(writer: psycopg.Connection, reader: psycopg.Connection, commits: int) -> list[float]:
    waits = []
    progress = Progress("commits", commits)
    for _ in range(commits):
        writer.execute(f"UPDATE {PROBE_TABLE} SET n = n + 1 WHERE id = 1")
        committed = time.perf_counter()
        # Past the commit record: the transaction has committed and flushed.
        lsn = writer.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        while not reader.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
        ).fetchone()[0]:
            pass
        waits.append(time.perf_counter() - committed)
        progress.advance()
    progress.finish()
    return waits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--fresh-seconds", type=float, default=5.0)
    arguments = parser.parse_args()
    primary = dj_database_url.config()
    if primary.get("ENGINE") != "django.db.backends.postgresql":
        sys.exit("DATABASE_URL must name a PostgreSQL database")

    waits = sorted(measure(primary, arguments.commits))
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
    print(
        f"replica lag over {len(waits)} commits: median {statistics.median(waits) * 1000:.2f} ms, "
        f"p99 {p99 * 1000:.2f} ms, worst {waits[-1] * 1000:.2f} ms; "
        f"{'within' if waits[-1] < arguments.fresh_seconds else 'BEYOND'} the "
        f"{arguments.fresh_seconds:g} s a writer reads from the primary"
    )


if __name__ == "__main__":
    main()
