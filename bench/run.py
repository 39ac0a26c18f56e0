"""Load-test TechVote under gunicorn and print one table.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/techvote_bench python -m bench.run

Builds the benchmark world (bench/generate.py), starts gunicorn with the
production settings plus the benchmark floors (bench/settings.py), and drives
it with wrk: the two floors (a hello-world view, a 50-row template with no
database), the pages anonymous visitors and signed-in members read, and votes,
comments and ballot saves (a whole top ten each) posted by signed-in members
with sessions and CSRF tokens. For
each it prints requests per second, median and 99th-percentile latency, SQL
statements per request and the largest worker's memory, with the ratio to the
floor it is measured against. After the votes it counts the votes whose rows
never reached the counters and checks every stored count against the rows;
after the ballot saves, that every ballot holds the ten cities it was sent.
Then it grows the big list tenfold and measures the pages again.

--tiny builds a small world and loads each scenario for a second: what CI
runs so that the generator and the runner keep working. --only counting
times the counting jobs alone, without gunicorn or wrk; with --keep-world it
times them on the world the database already holds (and grows nothing
unless --grow-to says so).
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from urllib.parse import quote

from bench import generate

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parent
LUA = BENCH_DIR / "lua" / "requests.lua"
# The Redis database the benchmark may flush (its rate-limit counters); two
# benchmarks at once on one machine need one each (and a --port each).
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
# Big enough that the big list has a second page of contenders.
BIG_LIST = "bench-list-0"  # Half the world's contenders; the one grown tenfold.
TINY_WORLD = {
    "contenders": 120,
    "users": 500,
    "votes": 5_000,
    "comments": 500,
    "thumbs": 500,
    "ballots": 500,
    "duels": 1_000,
}


@dataclass
class Scenario:
    """One load: what is sent, and the floor it is compared with (and the target ratio)."""

    name: str
    requests: list[tuple[str, str, str, str]]  # method, path, cookie, body
    floor: str | None = None
    target: float | None = None
    result: dict = field(default_factory=dict)
    # Further floors to show the ratio to, each with its target.
    also: tuple[tuple[str, float], ...] = ()


def say(message: str) -> None:
    sys.stderr.write(f"== {message}\n")
    sys.stderr.flush()


def ensure_database(url: str) -> None:
    """Create the database DATABASE_URL names if it does not exist yet."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            say(f"Created the database {name}")


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


def server_environment() -> dict[str, str]:
    """The production settings, served over plain HTTP to this machine."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # wrk speaks plain HTTP to 127.0.0.1; HTTPS would measure TLS instead.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "LOG_LEVEL": "WARNING",
    }
    if "REDIS_URL" not in env and redis_reachable():
        env["REDIS_URL"] = BENCH_REDIS_URL
    return env


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Server:
    """gunicorn with the benchmark settings, for the length of a `with` block."""

    def __init__(self, port: int, workers: int, env: dict[str, str]):
        self.port, self.workers, self.env = port, workers, env
        self.process = None

    def __enter__(self):
        command = [sys.executable, "-m", "gunicorn", "techvote.wsgi", "--log-level", "warning"]
        command += ["--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}"]
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # It could not bind: measure no other server.
                raise SystemExit(f"gunicorn exited; is port {self.port} in use?")
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2).read()
                self.warm()
                return self
            except OSError:  # Refused, reset or timed out while it starts (URLError too).
                time.sleep(0.3)
        self.process.kill()
        raise SystemExit("gunicorn did not answer /healthz within a minute")

    def warm(self) -> None:
        """Have every worker serve a page from the database before anything is counted.

        A worker's first request also opens its database connection, which
        runs statements of its own: counted, they made the first scenario
        after a start look two statements dearer (issue 16's 2 then 4). The
        requests go out at once so that each worker takes some.
        """
        from techvote.middleware import FRESH_COOKIE

        with ThreadPoolExecutor(max_workers=4 * self.workers) as pool:
            for _ in range(2):
                list(
                    pool.map(
                        lambda _: self.statements("GET", "/", f"{FRESH_COOKIE}=1", ""),
                        range(4 * self.workers),
                    )
                )

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_memory_mb(self) -> float:
        """Resident memory of the largest worker, in MB."""
        largest = 0
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                lines = status.read_text().splitlines()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in lines if ":" in line)
            if int(fields.get("PPid", "0").strip()) == self.process.pid:
                largest = max(largest, int(fields.get("VmRSS", "0 kB").split()[0]))
        return largest / 1024

    def statements(self, method: str, path: str, cookie: str, body: str) -> int:
        """SQL statements one request runs, from the X-Query-Count header."""
        data = body.encode() if method == "POST" else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        if cookie:
            request.add_header("Cookie", cookie)
        if data:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            response = urllib.request.build_opener(NoRedirect).open(request, timeout=30)
        except urllib.error.HTTPError as answer:  # Redirects land here too.
            response = answer
        with response:
            response.read()
            return int(response.headers.get("X-Query-Count", "-1"))


def run_wrk(server, requests, *, duration, connections, threads, workdir) -> dict:
    """Drive one round of a load with wrk; return its numbers."""
    request_file = Path(workdir) / "requests.tsv"
    request_file.write_text("".join("\t".join(request) + "\n" for request in requests))
    command = ["wrk", f"--threads={threads}", f"--connections={connections}"]
    command += [f"--duration={duration}s", "--timeout=10s", f"--script={LUA}", server.url]
    command += ["--", str(request_file), str(threads)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    result = json.loads(line.removeprefix("BENCH_JSON "))
    result["rps"] = result["requests"] / result["seconds"]
    return result


def create_clients(prefix: str, count: int) -> list[tuple[object, str, str]]:
    """Verified members with a session and a CSRF secret: (member, cookie header, secret)."""
    from allauth.account.models import EmailAddress
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.utils import timezone

    User = get_user_model()
    joined = timezone.now() - timezone.timedelta(days=400)
    members = User.objects.bulk_create(
        User(username=f"{prefix}{n}", email=f"{prefix}{n}@bench.example", date_joined=joined)
        for n in range(count)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=member, email=member.email, verified=True, primary=True)
        for member in members
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    clients = []
    for member in members:
        session = store()
        session[SESSION_KEY] = str(member.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = member.get_session_auth_hash()
        session.create()
        secret = secrets.token_hex(16)  # 32 characters: Django's CSRF secret length.
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={secret}"
        )
        clients.append((member, cookie, secret))
    return clients


def create_pools(size: int) -> dict[str, list]:
    """Signed-in members for each kind of load, so that rate limits never meet."""
    return {
        kind: create_clients(kind, count)
        for kind, count in [
            ("reader", min(size, 200)),
            ("barevoter", size),
            ("voter", size),
            ("dueler", size),
            ("commenter", size),
            ("balloter", size),
        ]
    }


def build_scenarios(pools: dict[str, list], requests_per_post: int):
    """Every load the table shows: floors, pages, the bare vote, the vote, the duel, the
    comment, the ballot save."""
    from django.utils import timezone

    from cities.models import Contender, ContenderList
    from comments.duel_page import duel_token
    from comments.duels import DuelPair
    from comments.models import BALLOT_SIZE

    big = ContenderList.objects.order_by("pk").first()
    contenders = list(Contender.objects.approved().ranked(big).values_list("pk", "city__slug"))
    deep_page = max(2, (len(contenders) - 10 + 24) // 25)
    list_path = f"/lists/{big.slug}/"

    def get(path):
        return [("GET", path, "", "")]

    def posts(pool, path_of, body_of, count):
        # Member k % pool posts about contender k // pool: never the same pair twice.
        requests = []
        for k in range(min(count, len(pool) * len(contenders))):
            _, cookie, secret = pool[k % len(pool)]
            contender_id, city_slug = contenders[(k // len(pool)) % len(contenders)]
            body = f"csrfmiddlewaretoken={secret}&{body_of(k)}"
            requests.append(("POST", path_of(contender_id, city_slug), cookie, body))
        return requests

    floors = {
        "hello": Scenario("floor: hello world", get("/bench/hello/")),
        "rows": Scenario("floor: 50-row template", get("/bench/rows/")),
        "bare": Scenario(
            "floor: bare vote (insert + F())",
            posts(
                pools["barevoter"],
                lambda pk, slug: f"/bench/bare-vote/{pk}/",
                lambda k: "value=1",
                requests_per_post,
            ),
        ),
    }
    pages = [
        Scenario("home (anonymous)", get("/"), "hello", 0.5),
        Scenario("list, first page (anonymous)", get(list_path), "hello", 0.5),
        Scenario(
            f"list, page {deep_page} (anonymous)",
            get(f"{list_path}?page={deep_page}"),
            "hello",
            0.5,
        ),
        Scenario("city page (anonymous)", get(f"/cities/{contenders[0][1]}/"), "hello", 0.5),
        Scenario(
            "contender page, with its chart (anonymous)",
            get(f"{list_path}{contenders[0][1]}/"),
            "hello",
            0.5,
        ),
        Scenario(
            "list at the start of today (anonymous)",
            get(f"{list_path}?on={timezone.localdate():%Y-%m-%d}"),
            "hello",
            0.5,
        ),
        Scenario("site search (anonymous)", get("/search/?q=benchville+00042"), "hello", 0.5),
        Scenario(
            "list, first page (signed in)",
            [("GET", list_path, cookie, "") for _, cookie, _ in pools["reader"]],
            "rows",
            0.9,
            # What a page without a database costs: the signed-in page's goal.
            also=(("hello", 0.3),),
        ),
    ]
    vote = Scenario(
        "vote POST (signed in)",
        posts(
            pools["voter"],
            lambda pk, slug: f"/contenders/{pk}/vote/",
            lambda k: f"value=1&next={list_path}",
            requests_per_post,
        ),
        "bare",
        0.8,
    )

    def duels(pool, count):
        # Member k % pool answers its duel number k // pool + 1, on neighbouring
        # contenders, with the token the duel page would have signed for it.
        requests = []
        for k in range(min(count, len(pool) * len(contenders))):
            member, cookie, secret = pool[k % len(pool)]
            place = (k // len(pool)) % len(contenders)
            pair = DuelPair(
                number=k // len(pool) + 1,
                left_id=contenders[place][0],
                right_id=contenders[(place + 1) % len(contenders)][0],
            )
            token = duel_token(user=member, contender_list=big, pair=pair)
            body = f"csrfmiddlewaretoken={secret}&duel={quote(token)}&answer=left"
            requests.append(("POST", f"{list_path}duel/", cookie, body))
        return requests

    duel = Scenario(
        "duel POST (signed in)", duels(pools["dueler"], requests_per_post), "bare", 0.8
    )
    comment = Scenario(
        "comment POST (signed in)",
        posts(
            pools["commenter"],
            lambda pk, slug: f"{list_path}{slug}/comments/",
            lambda k: f"body=Benchmark+comment+{k}+about+fast+trains+and+late+labs.",
            min(requests_per_post, len(pools["commenter"]) * 4),
        ),
    )

    def ballot_body(k):
        # A full top ten of the big list, a different one on each save of a member.
        chosen = [contenders[(k + j) % len(contenders)][0] for j in range(BALLOT_SIZE)]
        places = enumerate(chosen, start=1)
        return "&".join(f"contender={pk}&position-{pk}={place}" for place, pk in places)

    ballot = Scenario(
        "ballot save POST (signed in)",
        posts(
            pools["balloter"],
            lambda pk, slug: f"{list_path}ballot/",
            ballot_body,
            requests_per_post,
        ),
        "bare",
        0.5,
    )
    return floors, pages, vote, duel, comment, ballot


def half_written_ballots() -> int:
    """Ballots of the benchmark's members that do not hold the whole top ten they posted."""
    from django.db.models import Count

    from comments.models import BALLOT_SIZE, Ballot

    ballots = Ballot.objects.filter(user__username__startswith="balloter")
    return ballots.annotate(size=Count("entries")).exclude(size=BALLOT_SIZE).count()


def measure(server, scenarios, options, workdir) -> None:
    """Count each scenario's statements, then load them in turn, round after round.

    A fresh request's statements and a shared one's: a post is counted on the
    last requests of its list, which the load does not reach, and on the
    second of them (the first vote of a day on a list also takes the day's
    snapshot of ranks). The rounds go through every scenario before the next
    round starts, so that a slow spell of the machine touches a floor and the
    pages measured against it alike; each figure is the median of the rounds,
    with their range beside it. A post never repeats across rounds: each
    round sends its own share of the request list.
    """
    from techvote.middleware import FRESH_COOKIE  # It bypasses every shared cache.

    for scenario in scenarios:
        method, path, cookie, body = scenario.requests[0]
        fresh = f"{FRESH_COOKIE}=1"
        fresh_cookie = f"{cookie}; {fresh}" if cookie else fresh
        if method == "GET":
            scenario.result["sql_fresh"] = server.statements(method, path, fresh_cookie, body)
            for _ in range(4 * options.workers):  # Fill every worker's shared caches.
                server.statements(method, path, cookie, body)
            scenario.result["sql"] = server.statements(method, path, cookie, body)
        else:
            server.statements(*scenario.requests[-1])
            scenario.result["sql"] = scenario.result["sql_fresh"] = server.statements(
                *scenario.requests[-2]
            )
    rounds = {scenario.name: [] for scenario in scenarios}
    for number in range(options.rounds):
        for scenario in scenarios:
            requests = scenario.requests
            if requests[0][0] == "POST":  # Leave the last two, counted above, unsent.
                share = (len(requests) - 2) // options.rounds
                requests = requests[number * share : (number + 1) * share]
            result = run_wrk(
                server,
                requests,
                duration=options.duration,
                connections=options.connections,
                threads=options.threads,
                workdir=workdir,
            )
            rounds[scenario.name].append(result)
            time.sleep(1)  # wrk stops counting with requests still in flight; let them finish.
            say(
                f"{scenario.name}, round {number + 1}: {result['rps']:.0f} req/s, "
                f"p99 {result['p99_ms']:.1f} ms, {result['failed']} failed"
            )
    for scenario in scenarios:
        scenario.result.update(summarise_rounds(rounds[scenario.name]))
        scenario.result["memory_mb"] = server.worker_memory_mb()


def summarise_rounds(rounds: list[dict]) -> dict:
    """The median of each figure over the rounds, their range of req/s, and the totals."""
    rps = [result["rps"] for result in rounds]
    return {
        "rps": statistics.median(rps),
        "rps_low": min(rps),
        "rps_high": max(rps),
        "rounds": len(rounds),
        "p50_ms": statistics.median(result["p50_ms"] for result in rounds),
        "p99_ms": statistics.median(result["p99_ms"] for result in rounds),
        "ok": sum(result["ok"] for result in rounds),
        "failed": sum(result["failed"] for result in rounds),
        "wrapped": any(result["wrapped"] for result in rounds),
    }


def lost_votes() -> int:
    """Votes whose row exists but whose count never reached the contender's counters."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(ABS(COALESCE(v.up, 0) - c.upvotes) "
            "+ ABS(COALESCE(v.down, 0) - c.downvotes)), 0) FROM cities_contender c "
            "LEFT JOIN (SELECT contender_id, COUNT(*) FILTER (WHERE value = 1) AS up, "
            "COUNT(*) FILTER (WHERE value = -1) AS down FROM comments_vote "
            "WHERE voided_at IS NULL GROUP BY contender_id) v ON v.contender_id = c.id"
        )
        return cursor.fetchone()[0]


def drifted_values() -> int:
    """What `recompute_rankings --check` reports: stored counts that differ from the rows."""
    from cities.models import ContenderList
    from comments.counts import find_drift

    return sum(len(find_drift(contender_list)) for contender_list in ContenderList.objects.all())


def flush_bench_cache(env: dict[str, str]) -> None:
    if env.get("REDIS_URL") == BENCH_REDIS_URL:
        import redis

        redis.Redis.from_url(BENCH_REDIS_URL).flushdb()


# Times one job's own function in a fresh process: its peak memory is the
# job's plus Django's, never the benchmark's. The count's process queues no
# bootstrap (CELERY_TASK_ALWAYS_EAGER off: it would run in the count's time);
# the bootstrap forgets the last one first, so that it resamples, not skips.
COUNT_JOB_SCRIPT = """
import sys, time, django
django.setup()
from cities.models import ContenderList
from comments.models import ListCount
from comments.tallies import count_list
from comments.uncertainty import bootstrap_list
job, contender_list = sys.argv[1], ContenderList.objects.get(slug=sys.argv[2])
if job == "bootstrap":
    ListCount.objects.filter(contender_list=contender_list).update(bootstrap_digest="")
started = time.perf_counter()
(bootstrap_list if job == "bootstrap" else count_list)(contender_list)
print(time.perf_counter() - started)
"""
COUNT_JOBS = {
    "count": "the count: Schulze, Borda and Duels",
    "bootstrap": "the bootstrap: every method's rank intervals",
}


def _run_job(env: dict[str, str], job: str, slug: str) -> dict:
    """Seconds and peak memory of one job (COUNT_JOB_SCRIPT) in a process of its own."""
    process = subprocess.Popen(
        [sys.executable, "-c", COUNT_JOB_SCRIPT, job, slug],
        env={**env, "CELERY_TASK_ALWAYS_EAGER": "false"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    output, error = process.stdout.read(), process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)  # The usage of this child alone.
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"The {job} job failed:\n{error.decode()}")
    return {"seconds": float(output.split()[-1]), "peak_mb": usage.ru_maxrss / 1024}


def time_count_job(env: dict[str, str], slug: str) -> dict:
    """Run the queued count (comments.tallies.count_list) on one list, then the bootstrap it
    queues (comments.uncertainty.bootstrap_list): seconds and peak memory of each."""
    from cities.models import Contender
    from comments.models import BallotEntry, Duel, Vote

    result = {
        "contenders": Contender.objects.approved().filter(contender_list__slug=slug).count(),
        "votes": Vote.objects.filter(contender__contender_list__slug=slug).count(),
        "ballot_entries": BallotEntry.objects.filter(ballot__contender_list__slug=slug).count(),
        "duels": Duel.objects.filter(contender_list__slug=slug).count(),
    }
    for job in COUNT_JOBS:
        result[job] = _run_job(env, job, slug)
        say(
            f"{job} job, {slug}: {result['contenders']:,} contenders, "
            f"{result[job]['seconds']:.2f} s, peak {result[job]['peak_mb']:.0f} MB"
        )
    return result


def count_job_table(runs: list[dict], out) -> None:
    out.write(
        "\nThe counting jobs on the big list (from its votes, ballots and duels, reading "
        "and storing included; each in a process of its own, with its peak memory):\n\n"
        "| Big list | job | votes | ballot entries | duels | seconds | peak MB |\n"
        "|---|---|---|---|---|---|---|\n"
    )
    for run in runs:
        for job, name in COUNT_JOBS.items():
            out.write(
                f"| {run['contenders']:,} contenders | {name} | {run['votes']:,} "
                f"| {run['ballot_entries']:,} | {run['duels']:,} "
                f"| {run[job]['seconds']:.2f} | {run[job]['peak_mb']:.0f} |\n"
            )


def time_counting_only(env: dict[str, str], options, world_contenders: int) -> None:
    """--only counting: the counting jobs on the big list, and again once it is grown."""
    runs = [time_count_job(env, BIG_LIST)]
    if options.grow_to > world_contenders:
        say(f"Growing the big list by {options.grow_to - world_contenders:,} contenders")
        generate.grow_big_list(options.grow_to - world_contenders, out=sys.stderr)
        runs.append(time_count_job(env, BIG_LIST))
    count_job_table(runs, sys.stdout)


def table(scenarios, floors, out) -> None:
    columns = [
        "Scenario",
        "req/s (range)",
        "p50 ms",
        "p99 ms",
        "SQL fresh/shared",
        "worker MB",
        "vs floor",
    ]
    out.write("| " + " | ".join(columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    for scenario in scenarios:
        r = scenario.result
        ratios = []
        if scenario.floor:
            for floor, target in ((scenario.floor, scenario.target), *scenario.also):
                share = r["rps"] / floors[floor].result["rps"]
                verdict = "met" if share >= target else "MISSED"
                named = f" of {floor}" if scenario.also else ""
                ratios.append(f"{share:.2f}{named} (target {target}) {verdict}")
        ratio = "; ".join(ratios)
        cells = [
            scenario.name,
            f"{r['rps']:.0f} ({r['rps_low']:.0f}-{r['rps_high']:.0f})",
            f"{r['p50_ms']:.1f}",
            f"{r['p99_ms']:.1f}",
            f"{r['sql_fresh']} / {r['sql']}",
            f"{r['memory_mb']:.1f}",
            ratio,
        ]
        out.write("| " + " | ".join(cells) + " |\n")


def growth_table(small_pages, large_pages, size, out) -> None:
    out.write(f"\nThe same pages with the big list grown to {size:,} contenders:\n\n")
    out.write(
        "| Page | SQL fresh, 1x | SQL fresh, 10x | worker MB, 1x | worker MB, 10x | growth |\n"
    )
    out.write("|---|---|---|---|---|---|\n")
    for small, large in zip(small_pages, large_pages, strict=True):
        before, after = small.result, large.result
        change = after["memory_mb"] / before["memory_mb"] - 1
        out.write(
            f"| {small.name} | {before['sql_fresh']} | {after['sql_fresh']} | "
            f"{before['memory_mb']:.1f} | {after['memory_mb']:.1f} | {change:+.1%} |\n"
        )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    generate.add_arguments(parser)
    parser.add_argument("--duration", type=int, default=10, help="seconds per load")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--grow-to", type=int, default=10_000, help="contenders, 2nd run")
    parser.add_argument("--rounds", type=int, default=3, help="loads of each scenario")
    parser.add_argument("--tiny", action="store_true", help="a small world, 1 s a load (CI)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--only", choices=["counting"], help="only time the counting jobs, without web load"
    )
    parser.add_argument(
        "--keep-world", action="store_true", help="use the world the database holds, build none"
    )
    options = parser.parse_args(argv)
    if options.tiny:
        for name, value in TINY_WORLD.items():
            setattr(options, name, value)
        options.duration, options.grow_to, options.reports, options.rounds = 1, 600, 50, 1

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database the benchmark may fill.")
    if shutil.which("wrk") is None and options.only is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    ensure_database(os.environ["DATABASE_URL"])
    env = server_environment()
    for name in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "REDIS_URL"):
        if name in env:
            os.environ[name] = env[name]
    generate.setup_django()
    from django.core.management import call_command

    world = generate.world_from(options)
    if options.keep_world:
        from cities.models import Contender

        call_command("migrate", verbosity=0)
        world.contenders = Contender.objects.count()
    else:
        say(f"Building the world: {world}")
        generate.build(world, replace=True, out=sys.stderr)
    if options.only == "counting":
        time_counting_only(env, options, world.contenders)
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    pools = create_pools(200 if options.tiny else 2_000)
    requests_per_post = 3_000 * options.duration * options.rounds
    floors, pages, vote, duel, comment, ballot = build_scenarios(pools, requests_per_post)
    flush_bench_cache(env)

    with tempfile.TemporaryDirectory() as workdir:
        with Server(options.port, options.workers, env) as server:
            measure(server, [floors["hello"], floors["rows"], *pages], options, workdir)
            measure(server, [floors["bare"]], options, workdir)
            floors["bare"].result["lost"] = lost_votes()
            # Bare votes move two counters and no Wilson bound: rebuild before the real ones.
            call_command("recompute_rankings", verbosity=0)
            measure(server, [vote], options, workdir)
            vote.result["lost"] = lost_votes()
            vote.result["drift"] = drifted_values()
            measure(server, [duel], options, workdir)
            measure(server, [comment], options, workdir)
            measure(server, [ballot], options, workdir)
            ballot.result["half_written"] = half_written_ballots()

        out = sys.stdout
        cache = "Redis" if env.get("REDIS_URL") else "per process"
        out.write(
            f"\nTechVote benchmark: {len(pools['reader'])} signed-in readers; world: "
            f"{world.contenders:,} contenders in {world.lists} lists, {world.users:,} members, "
            f"{world.votes:,} votes, {world.comments:,} comments. gunicorn {options.workers} "
            f"sync workers, wrk {options.connections} connections, {options.duration} s a load, "
            f"median of {options.rounds} rounds, "
            f"{os.cpu_count()} CPUs, cache {cache}.\n\n"
        )
        scenarios = [
            floors["hello"],
            floors["rows"],
            *pages,
            floors["bare"],
            vote,
            duel,
            comment,
            ballot,
        ]
        table(scenarios, floors, out)
        for name, scenario in (("Bare votes", floors["bare"]), ("Votes", vote)):
            wrapped = " (the request list wrapped)" if scenario.result["wrapped"] else ""
            out.write(
                f"\n{name}: {scenario.result['ok']:,} answered, {scenario.result['lost']} lost "
                f"(Vote rows missing from the counters){wrapped}."
            )
        drift = vote.result["drift"]
        out.write(f"\nrecompute_rankings --check after the votes: {drift} drifted values.")
        saves = ballot.result
        out.write(
            f"\nBallot saves: {saves['ok']:,} answered, {saves['failed']} refused, "
            f"{saves['half_written']} ballots not holding the ten cities posted.\n"
        )
        count_runs = [time_count_job(env, BIG_LIST)]

        if options.grow_to > world.contenders:
            say(f"Growing the big list to {options.grow_to:,} contenders")
            generate.grow_big_list(options.grow_to - world.contenders, out=sys.stderr)
            flush_bench_cache(env)
            large_pages = build_scenarios(pools, requests_per_post)[1]
            with Server(options.port, options.workers, env) as server:
                measure(server, large_pages, options, workdir)
            growth_table(pages, large_pages, options.grow_to, out)
            count_runs.append(time_count_job(env, BIG_LIST))
        count_job_table(count_runs, out)
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        results = {s.name: s.result for s in scenarios}
        options.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
