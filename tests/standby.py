"""A streaming hot standby of the test PostgreSQL, made for the tests that need a real replica.

`pg_basebackup -R` copies the running cluster into a temporary folder and
writes the standby's connection to it; `pg_ctl` starts that copy on a free
port as a hot standby, which then replays what the primary commits, as a
production replica does. The primary must accept a replication connection
from 127.0.0.1 (a `host replication ...` line in pg_hba.conf; CI adds it).
PostgreSQL refuses to run as root, so as root the copy belongs to, and
runs as, the `postgres` user.

Where no standby can be made, `Standby.unavailable()` says why, and the
tests skip with that reason, unless REQUIRE_STANDBY is set (CI sets it):
then they fail, so a CI run never passes without having used a standby.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from tests.servers import free_port, wait_for_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


class Standby:
    """One hot standby of the primary described by Django's `settings_dict`."""

    def __init__(self, primary: dict):
        self.primary = primary
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="techvote-standby-"))
        self.data = self.folder / "data"

    # --- Whether one can be made here -----------------------------------------

    @classmethod
    def unavailable(cls, primary: dict) -> str | None:
        """Why no standby of `primary` can be made here, or None when one can."""
        if primary["ENGINE"] != "django.db.backends.postgresql":
            return "a standby needs PostgreSQL: run with DATABASE_URL=postgres://..."
        missing = [tool for tool in ("pg_basebackup", "pg_ctl") if not (PG_BIN / tool).exists()]
        if missing:
            return f"PostgreSQL's {' and '.join(missing)} not found in {PG_BIN} (set PG_BIN)"
        if os.geteuid() == 0 and not _has_user("postgres"):
            return "running as root and no postgres user to run the standby as"
        try:
            # Connecting at all is what pg_hba.conf decides.
            psycopg.connect(**_primary_params(primary), replication="true").close()
        except psycopg.Error as error:
            return (
                "the primary refuses a replication connection (add "
                f"'host replication all 127.0.0.1/32 trust' to its pg_hba.conf): {error}"
            )
        return None

    # --- Its life ---------------------------------------------------------------

    def create(self) -> None:
        """Copy the primary with pg_basebackup -R and write the standby's own configuration."""
        params = _primary_params(self.primary)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            PG_BIN / "pg_basebackup",
            "--pgdata",
            self.data,
            "--host",
            params["host"],
            "--port",
            params["port"],
            "--username",
            params["user"],
            "--write-recovery-conf",
            "--wal-method=stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        # Debian keeps the configuration outside the data folder, so the copy
        # has none: it gets its own, on its own port and socket folder.
        self._write(
            "postgresql.conf",
            f"port = {self.port}\n"
            "listen_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{self.folder}'\n"
            "hot_standby = on\n"
            "fsync = off\n"
            "shared_buffers = 16MB\n" + self._settings_a_standby_must_match(),
        )
        self._write("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")
        self._write("pg_ident.conf", "")

    def _settings_a_standby_must_match(self) -> str:
        """A hot standby refuses to start with fewer of these than its primary has."""
        names = (
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        )
        with psycopg.connect(**_primary_params(self.primary)) as primary:
            values = [primary.execute(f"SHOW {name}").fetchone()[0] for name in names]
        return "".join(f"{name} = {value}\n" for name, value in zip(names, values, strict=True))

    def start(self) -> None:
        self._run(
            PG_BIN / "pg_ctl",
            "start",
            "--pgdata",
            self.data,
            "--wait",
            "--log",
            self.folder / "standby.log",
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        self._run(PG_BIN / "pg_ctl", "stop", "--pgdata", self.data, "--mode", "fast", "--wait")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- Talking to it ------------------------------------------------------------

    def settings_dict(self) -> dict:
        """Django's settings for the standby's copy of the test database."""
        return {
            **self.primary,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "OPTIONS": {"connect_timeout": 2},
            "TEST": {"MIRROR": "default"},
        }

    def execute(self, sql: str):
        """Run one statement on the standby's test database; its first row."""
        params = {**_primary_params(self.primary), "host": "127.0.0.1", "port": self.port}
        with psycopg.connect(**params, autocommit=True) as connection:
            return connection.execute(sql).fetchone()

    def wait_until_caught_up(self, timeout: float = 20) -> float:
        """Wait until the standby has replayed all the primary wrote; the seconds it took."""
        with psycopg.connect(**_primary_params(self.primary), autocommit=True) as primary:
            target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            caught_up = self.execute(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0]
            if caught_up:
                return time.monotonic() - started
            time.sleep(0.01)
        raise TimeoutError(f"the standby did not replay up to {target} in {timeout} s")

    def pause_replay(self) -> None:
        """Hold the standby where it is: it keeps serving reads, of rows as they were."""
        self.execute("SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self.execute("SELECT pg_wal_replay_resume()")

    # --- Plumbing ------------------------------------------------------------------

    def _run(self, *command) -> None:
        command = [str(part) for part in command]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        env = {**os.environ, "PGPASSWORD": self.primary.get("PASSWORD") or ""}
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.folder,
            env=env,
        )

    def _write(self, name: str, text: str) -> None:
        path = self.data / name
        path.write_text(text)
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")


def _primary_params(primary: dict) -> dict:
    return {
        "host": primary["HOST"] or "127.0.0.1",
        "port": str(primary["PORT"] or 5432),
        "user": primary["USER"] or "postgres",
        "password": primary.get("PASSWORD") or "",
        "dbname": primary["NAME"],
    }


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
