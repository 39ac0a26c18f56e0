"""Fill a PostgreSQL database with a benchmark world, in minutes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/techvote_bench \\
        python -m bench.generate --replace

By default: 10 lists holding 1,000 contenders (half of them in one big list),
50,000 members, 1,000,000 votes, 100,000 comments (a quarter of them
replies), 100,000 thumbs, 10,000 reports and 200,000 duels (all in the big
list). Popularity is skewed the way
votes on such a site are: a few cities get most of the votes and comments.
Big tables go in with COPY; counts and ranks are then rebuilt from the rows
by the site's own code, so the world starts with no drift.

It replaces everything in the database it is pointed at (with --replace), so
give it a database of its own.
"""

import argparse
import contextlib
import dataclasses
import itertools
import os
import random
import sys
import time
from datetime import timedelta

import django

from techvote.progress import Progress

WORDS = [
    "fast",
    "fibre",
    "metro",
    "robots",
    "chips",
    "startups",
    "labs",
    "campus",
    "rent",
    "trains",
    "quiet",
    "clean",
    "busy",
    "funding",
    "talent",
    "engineers",
    "coffee",
    "drones",
    "payments",
    "sensors",
    "grid",
    "solar",
    "towers",
    "night",
    "market",
    "cheap",
    "expensive",
    "friendly",
    "crowded",
    "smart",
    "open",
    "data",
    "free",
    "wifi",
    "airport",
    "late",
    "underground",
    "bikes",
    "ferry",
    "harbour",
    "university",
    "research",
    "hardware",
    "software",
    "factory",
]


@dataclasses.dataclass
class World:
    """How big a world to build."""

    lists: int = 10
    contenders: int = 1_000
    users: int = 50_000
    votes: int = 1_000_000
    comments: int = 100_000
    thumbs: int = 100_000
    reports: int = 10_000
    ballots: int = 100_000
    duels: int = 200_000
    seed: int = 42

    def list_sizes(self) -> list[int]:
        """Half the contenders in the first list, the rest shared by the others."""
        if self.lists == 1:
            return [self.contenders]
        big = self.contenders // 2
        rest = self.contenders - big
        others = [rest // (self.lists - 1)] * (self.lists - 1)
        others[0] += rest - sum(others)
        return [big, *others]


def zipf_shares(count: int, rng: random.Random, exponent: float = 1.1) -> list[float]:
    """Popularity shares that sum to 1, a few large and a long tail, in random order."""
    weights = [1 / (rank**exponent) for rank in range(1, count + 1)]
    rng.shuffle(weights)
    total = sum(weights)
    return [weight / total for weight in weights]


def spread(total: int, shares: list[float], cap: int) -> list[int]:
    """Split `total` by `shares`, no part above `cap`, the remainder to the largest shares."""
    parts = [min(cap, int(total * share)) for share in shares]
    missing = min(total, cap * len(shares)) - sum(parts)
    for index in sorted(range(len(shares)), key=lambda i: -shares[i]):
        if missing <= 0:
            break
        extra = min(cap - parts[index], missing)
        parts[index] += extra
        missing -= extra
    return parts


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 30))
    return " ".join(words).capitalize() + "."


def create_bench_cities(numbers) -> list:
    """Cities named Benchville 00000, 00001..., spread over countries and continents."""
    from cities.models import City, Continent

    return City.objects.bulk_create(
        City(
            name=f"Benchville {number:05d}",
            slug=f"benchville-{number:05d}",
            country=f"Benchland {number % 40}",
            continent=Continent.values[number % len(Continent.values)],
            latitude=(number % 170) - 85,
            longitude=(number % 350) - 175,
            summary="A benchmark city of fast networks, busy labs and many startups.",
            profile="Generated for the benchmark.\n\nIt has two paragraphs.",
        )
        for number in numbers
    )


def copy_rows(cursor, table: str, columns: list[str], rows, progress: Progress) -> None:
    """Stream rows into `table` with COPY."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            progress.advance()
    progress.finish()


def wipe(cursor) -> None:
    """Empty every table the site writes, keeping migrations, groups and permissions."""
    from allauth.account.models import EmailAddress
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    models = [
        *apps.get_app_config("comments").get_models(),
        *apps.get_app_config("cities").get_models(),
        EmailAddress,
        Session,
        get_user_model(),
    ]
    tables = sorted({model._meta.db_table for model in models if not model._meta.proxy})
    cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def copy_ballots(cursor, world: World, lists, contender_ids, vote_counts, rng, now) -> int:
    """Ballots shared among the lists by size, each ranking 3 to 10 of its list's 50
    most voted contenders: the members' top tens gather where the votes do."""
    sizes = [size for _, size in lists]
    ballot_counts = spread(world.ballots, [size / sum(sizes) for size in sizes], world.users)
    entries = []

    def ballots():
        ballot_ids = itertools.count(1)
        start = 0
        for (list_id, size), count in zip(lists, ballot_counts, strict=True):
            in_list = range(start, start + size)
            start += size
            popular = sorted(in_list, key=lambda i: -vote_counts[i])[:50]
            for user_id in rng.sample(range(1, world.users + 1), count):
                ballot_id = next(ballot_ids)
                chosen = rng.sample(popular, min(len(popular), rng.randint(3, 10)))
                entries.extend(
                    (ballot_id, contender_ids[i], position)
                    for position, i in enumerate(chosen, start=1)
                )
                yield ballot_id, user_id, list_id, now, now

    copy_rows(
        cursor,
        "comments_ballot",
        ["id", "user_id", "contender_list_id", "created_at", "updated_at"],
        ballots(),
        Progress("ballots", sum(ballot_counts)),
    )
    copy_rows(
        cursor,
        "comments_ballotentry",
        ["ballot_id", "contender_id", "position"],
        entries,
        Progress("ballot entries", len(entries)),
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('comments_ballot', 'id'), "
        "(SELECT COALESCE(MAX(id), 1) FROM comments_ballot))"
    )
    return sum(ballot_counts)


def copy_duels(cursor, world: World, list_id: int, contender_ids, vote_counts, rng, now) -> int:
    """Duels in one list: the first contender by its votes, the second any other, the
    winner by Bradley-Terry on a strength that grows with the votes, one in ten undecided.

    Each member's duels are numbered 1, 2... as the site numbers them.
    """
    weights = [count + 1 for count in vote_counts]
    numbers = {}

    def duels():
        firsts = rng.choices(range(len(contender_ids)), weights=weights, k=world.duels)
        for first in firsts:
            second = (first + rng.randrange(1, len(contender_ids))) % len(contender_ids)
            user_id = rng.randint(1, world.users)
            numbers[user_id] = numbers.get(user_id, 0) + 1
            left, right = contender_ids[first], contender_ids[second]
            if rng.random() < 0.1:
                winner = None
            else:
                chance = weights[first] / (weights[first] + weights[second])
                winner = left if rng.random() < chance else right
            yield user_id, list_id, numbers[user_id], left, right, winner, "", now

    copy_rows(
        cursor,
        "comments_duel",
        [
            "user_id",
            "contender_list_id",
            "number",
            "left_id",
            "right_id",
            "winner_id",
            "reason",
            "created_at",
        ],
        duels(),
        Progress("duels", world.duels),
    )
    return world.duels


def build(world: World, *, replace: bool, out=sys.stdout) -> None:
    """Build the world in the database DATABASE_URL names."""
    from django.core.management import call_command
    from django.db import DatabaseError, connection, transaction
    from django.utils import timezone

    from cities.models import Contender, ContenderList
    from comments.counts import recount_list

    if connection.vendor != "postgresql":
        raise SystemExit("The benchmark needs PostgreSQL: set DATABASE_URL=postgres://...")
    call_command("migrate", verbosity=0)
    if ContenderList.objects.exists() and not replace:
        raise SystemExit("The database has data; pass --replace to wipe it for the benchmark.")

    rng = random.Random(world.seed)
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        wipe(cursor)
        sizes = world.list_sizes()
        cities = create_bench_cities(range(max(sizes)))
        contender_ids, list_ids = [], []
        for number, size in enumerate(sizes):
            contender_list = ContenderList.objects.create(
                title=f"Bench List {number}", slug=f"bench-list-{number}", question="Which?"
            )
            list_ids.append(contender_list.pk)
            created = Contender.objects.bulk_create(
                Contender(contender_list=contender_list, city=city, status="approved")
                for city in cities[:size]
            )
            contender_ids += [contender.pk for contender in created]

        copy_rows(
            cursor,
            "auth_user",
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
            ],
            (
                (
                    i,
                    "!",
                    False,
                    f"bench{i}",
                    "",
                    "",
                    f"bench{i}@bench.example",
                    False,
                    True,
                    now - timedelta(days=400),
                )
                for i in range(1, world.users + 1)
            ),
            Progress("members", world.users),
        )
        copy_rows(
            cursor,
            "account_emailaddress",
            ["user_id", "email", "verified", '"primary"'],
            ((i, f"bench{i}@bench.example", True, True) for i in range(1, world.users + 1)),
            Progress("addresses", world.users),
        )

        vote_counts = spread(world.votes, zipf_shares(len(contender_ids), rng), world.users)

        def votes():
            for contender_id, count in zip(contender_ids, vote_counts, strict=True):
                liking = rng.uniform(0.55, 0.95)
                for user_id in rng.sample(range(1, world.users + 1), count):
                    when = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                    value = 1 if rng.random() < liking else -1
                    yield user_id, contender_id, value, when, when

        copy_rows(
            cursor,
            "comments_vote",
            ["user_id", "contender_id", "value", "created_at", "updated_at"],
            votes(),
            Progress("votes", sum(vote_counts)),
        )

        lists = list(zip(list_ids, sizes, strict=True))
        ballot_total = copy_ballots(cursor, world, lists, contender_ids, vote_counts, rng, now)
        big_size = sizes[0]
        duel_total = copy_duels(
            cursor,
            world,
            list_ids[0],
            contender_ids[:big_size],
            vote_counts[:big_size],
            rng,
            now,
        )

        comment_counts = spread(
            world.comments, zipf_shares(len(contender_ids), rng), world.comments
        )
        comment_ids = []

        def comments():
            next_id = itertools.count(1)
            for contender_id, count in zip(contender_ids, comment_counts, strict=True):
                roots = []
                for _ in range(count):
                    comment_id = next(next_id)
                    parent = rng.choice(roots) if roots and rng.random() < 0.25 else None
                    if parent is None:
                        roots.append(comment_id)
                    comment_ids.append(comment_id)
                    when = now - timedelta(minutes=rng.randint(1, 60 * 24 * 60))
                    author = rng.randint(1, world.users)
                    body = sentence(rng)
                    yield comment_id, contender_id, author, parent, body, when, "", 0, 0, 0

        copy_rows(
            cursor,
            "comments_comment",
            [
                "id",
                "contender_id",
                "author_id",
                "parent_id",
                "body",
                "created_at",
                "hidden_reason",
                "upvotes",
                "downvotes",
                "score",
            ],
            comments(),
            Progress("comments", sum(comment_counts)),
        )
        thumb_counts = spread(world.thumbs, zipf_shares(len(comment_ids), rng), world.users)

        def thumbs():
            for comment_id, count in zip(comment_ids, thumb_counts, strict=True):
                for user_id in rng.sample(range(1, world.users + 1), count):
                    yield user_id, comment_id, 1 if rng.random() < 0.8 else -1, now

        copy_rows(
            cursor,
            "comments_commentvote",
            ["user_id", "comment_id", "value", "created_at"],
            thumbs(),
            Progress("thumbs", sum(thumb_counts)),
        )
        reported = set()
        while len(reported) < min(world.reports, len(comment_ids) * world.users):
            reported.add((rng.choice(comment_ids), rng.randint(1, world.users)))
        copy_rows(
            cursor,
            "comments_report",
            ["comment_id", "reporter_id", "reason", "details", "resolution", "created_at"],
            ((comment, reporter, "spam", "", "", now) for comment, reporter in reported),
            Progress("reports", len(reported)),
        )
        cursor.execute(
            "UPDATE comments_comment AS c SET upvotes = t.up, downvotes = t.down, "
            "score = t.up - t.down FROM (SELECT comment_id, "
            "COUNT(*) FILTER (WHERE value = 1) AS up, COUNT(*) FILTER (WHERE value = -1) AS down "
            "FROM comments_commentvote GROUP BY comment_id) AS t WHERE c.id = t.comment_id"
        )
        for table in ("auth_user", "comments_comment"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )
        lists = list(ContenderList.objects.order_by("pk"))
        progress = Progress("rankings", len(lists))
        for contender_list in lists:
            recount_list(contender_list)
            progress.advance()
        progress.finish()
    with connection.cursor() as cursor:
        if connection.in_atomic_block:  # A test's transaction: statistics will do.
            cursor.execute("ANALYZE")
        else:
            # Settle the bulk load before anything is measured: statistics, the
            # visibility map, and the dirty pages written out now rather than
            # by a checkpoint in the middle of a load.
            cursor.execute("VACUUM (ANALYZE)")
            with contextlib.suppress(DatabaseError):  # Needs superuser or pg_checkpoint.
                cursor.execute("CHECKPOINT")
    out.write(
        f"World built in {time.monotonic() - started:.0f} s: {len(lists)} lists, "
        f"{len(contender_ids):,} contenders, {world.users:,} members, {sum(vote_counts):,} votes, "
        f"{len(comment_ids):,} comments, {sum(thumb_counts):,} thumbs, "
        f"{len(reported):,} reports, {ballot_total:,} ballots, {duel_total:,} duels.\n"
    )


def grow_big_list(extra: int, out=sys.stdout) -> None:
    """Add `extra` contenders (new cities, no votes yet) to the first list."""
    from django.db import transaction

    from cities.models import City, Contender, ContenderList

    with transaction.atomic():
        big = ContenderList.objects.order_by("pk").first()
        start = City.objects.count()
        cities = create_bench_cities(range(start, start + extra))
        Contender.objects.bulk_create(
            Contender(contender_list=big, city=city, status="approved") for city in cities
        )
    out.write(f"Added {extra:,} contenders to {big.title}.\n")


WORLD_FIELDS = [field.name for field in dataclasses.fields(World)]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = World()
    for name in WORLD_FIELDS:
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))


def world_from(arguments: argparse.Namespace) -> World:
    return World(**{name: getattr(arguments, name) for name in WORLD_FIELDS})


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    django.setup()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument("--replace", action="store_true", help="wipe the database first")
    arguments = parser.parse_args(argv)
    setup_django()
    build(world_from(arguments), replace=arguments.replace)


if __name__ == "__main__":
    main()
