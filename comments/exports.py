"""The daily open-data export of a list: everything counted, and a chain of manifests.

An export is a zip that anyone can recount (comments/verify.py travels in
it): the list and its approved contenders, every counted vote and ballot
entry and duel with the member replaced by a pseudonym (comments.pseudonyms),
and the published result of every method, with the rank intervals of the
methods the bootstrap resamples. Each table is written twice, as CSV
and as JSON. manifest.json lists each file's SHA-256 and size and the
SHA-256 of the list's previous manifest, so the exports of a list form a
chain: rewriting an old day changes its manifest's hash, which the next
day's manifest no longer names.

Tables and methods are registries (TABLES, PUBLISHED_METHODS): a new table
or method is one entry, with its recount in verify.py.

Everything in an export is read from one snapshot of the database (one
REPEATABLE READ transaction on PostgreSQL; SQLite's transactions already
are one), and only when the stored Schulze, Borda and Duels results were counted,
and their rank intervals resampled, from exactly the rows read (the count's
and the bootstrap's digests); otherwise the list is counted and resampled
first. So the export's results always follow from its own rows.
"""

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass, fields
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod, ranking_order
from comments import verify
from comments.models import CountedMethod, ListCount, MethodStanding, OpenDataExport
from comments.pseudonyms import pseudonyms
from comments.tallies import ListInputs, count_list, read_inputs
from comments.uncertainty import bootstrap_list

FORMAT = "techvote-open-data/1"
MANIFEST = verify.MANIFEST
VERIFIER = "verify.py"
README = "README.txt"
SNAPSHOT_ATTEMPTS = 3  # Counts retried when votes keep arriving between a count and its read.


class ExportRefused(Exception):
    """An export that would break the chain or describe a day not yet begun."""


@dataclass(frozen=True)
class Snapshot:
    """What one export holds, read at one instant."""

    contender_list: ContenderList
    day: date
    exported_at: datetime
    contenders: list[Contender]  # Approved, in join order.
    inputs: ListInputs
    members: dict[int, str]  # Member id -> pseudonym.
    results: dict[str, dict[int, "Standing"]]  # Method -> contender id -> its standing.


@dataclass(frozen=True)
class Standing:
    """A contender's published result by one method; the interval where one was resampled."""

    rank: int
    score: float
    rank_lower: int | None = None
    rank_upper: int | None = None
    top_ten_chance: float | None = None
    conservative_rank: int | None = None


# A standing's columns in results.csv, and the MethodStanding fields they are read from.
STANDING_FIELDS = tuple(field.name for field in fields(Standing))


@dataclass(frozen=True)
class Table:
    """One table of an export: its columns and how to draw its rows from a snapshot."""

    name: str
    columns: tuple[str, ...]
    rows: Callable[[Snapshot], Iterable[Sequence]]


def _list_rows(snapshot: Snapshot) -> Iterator[Sequence]:
    contender_list = snapshot.contender_list
    yield (
        contender_list.slug,
        contender_list.title,
        contender_list.question,
        contender_list.ranking,
        contender_list.is_open,
        snapshot.day.isoformat(),
        snapshot.exported_at.isoformat(),
    )


def _contender_rows(snapshot: Snapshot) -> Iterator[Sequence]:
    for contender in snapshot.contenders:
        city = contender.city
        yield (
            contender.pk,
            city.slug,
            city.name,
            city.country,
            contender.created_at.isoformat(),
            contender.upvotes,
            contender.downvotes,
            contender.score,
            contender.wilson_lower,
        )


def _member_rows(rows, members: dict[int, str]) -> Iterator[Sequence]:
    for member_id, contender_id, value in rows.tolist():
        yield members[member_id], contender_id, value


def _duel_rows(snapshot: Snapshot) -> Iterator[Sequence]:
    for member_id, left_id, right_id, winner_id in snapshot.inputs.duel_rows.tolist():
        yield snapshot.members[member_id], left_id, right_id, winner_id or None


def _result_rows(snapshot: Snapshot) -> Iterator[Sequence]:
    for method, standings in snapshot.results.items():
        for contender in snapshot.contenders:
            yield method, contender.pk, *astuple(standings[contender.pk])


TABLES: tuple[Table, ...] = (
    Table(
        "list",
        ("slug", "title", "question", "ranking", "is_open", "day", "exported_at"),
        _list_rows,
    ),
    Table(
        "contenders",
        (
            "contender_id",
            "city_slug",
            "city",
            "country",
            "joined_at",
            "upvotes",
            "downvotes",
            "score",
            "wilson_lower",
        ),
        _contender_rows,
    ),
    Table(
        "votes",
        ("member", "contender_id", "value"),
        lambda snapshot: _member_rows(snapshot.inputs.vote_rows, snapshot.members),
    ),
    Table(
        "ballot_entries",
        ("member", "contender_id", "position"),
        lambda snapshot: _member_rows(snapshot.inputs.ballot_rows, snapshot.members),
    ),
    Table("duels", ("member", "left_id", "right_id", "winner_id"), _duel_rows),
    Table(
        "results",
        ("method", "contender_id", *STANDING_FIELDS),
        _result_rows,
    ),
)


def _live_standings(method: str) -> Callable[[ContenderList], dict[int, Standing]]:
    """A live method's ranks as the list page reads them: through its ranking index."""
    score_field = {RankingMethod.NET_VOTES: "score", RankingMethod.WILSON: "wilson_lower"}[method]

    def read(contender_list: ContenderList) -> dict[int, Standing]:
        rows = (
            Contender.objects.approved()
            .filter(contender_list=contender_list)
            .order_by(*ranking_order(method))
            .values_list("pk", score_field)
        )
        return {pk: Standing(rank, float(score)) for rank, (pk, score) in enumerate(rows, start=1)}

    return read


def _counted_standings(method: str) -> Callable[[ContenderList], dict[int, Standing]]:
    """A counted method's ranks as its last count stored them, with their intervals."""

    def read(contender_list: ContenderList) -> dict[int, Standing]:
        rows = MethodStanding.objects.filter(
            contender_list=contender_list, method=method
        ).values_list("contender_id", *STANDING_FIELDS)
        return {pk: Standing(*values) for pk, *values in rows}

    return read


# Every method an export publishes, by the name verify.py recounts it under.
PUBLISHED_METHODS: dict[str, Callable[[ContenderList], dict[int, Standing]]] = {
    "net": _live_standings(RankingMethod.NET_VOTES),
    "wilson": _live_standings(RankingMethod.WILSON),
    "schulze": _counted_standings(CountedMethod.SCHULZE),
    "borda": _counted_standings(CountedMethod.BORDA),
    "duels": _counted_standings(CountedMethod.BRADLEY_TERRY),
}


@contextmanager
def _one_snapshot():
    """A read-only transaction in which every statement sees the same committed state."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _read_snapshot(contender_list: ContenderList, day: date) -> Snapshot | None:
    """Everything the export holds, or None when the stored counts or rank intervals are not
    of these rows."""
    with _one_snapshot():
        inputs = read_inputs(contender_list)
        digests = set(
            ListCount.objects.filter(contender_list=contender_list).values_list(
                "method", "inputs_digest", "bootstrap_digest"
            )
        )
        if digests != {(method, inputs.digest, inputs.digest) for method in CountedMethod.values}:
            return None
        contenders = list(
            Contender.objects.approved()
            .filter(contender_list=contender_list)
            .with_city()
            .order_by("pk")
        )
        results = {method: read(contender_list) for method, read in PUBLISHED_METHODS.items()}
    member_ids = set(inputs.vote_rows[:, 0].tolist()) | set(inputs.ballot_rows[:, 0].tolist())
    return Snapshot(
        contender_list=contender_list,
        day=day,
        exported_at=timezone.now(),
        contenders=contenders,
        inputs=inputs,
        members=pseudonyms(contender_list_id=contender_list.pk, member_ids=member_ids),
        results=results,
    )


def _csv(table: Table, rows: list[Sequence]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(rows)
    return text.getvalue().encode()


def _json(table: Table, rows: list[Sequence]) -> bytes:
    document = {"table": table.name, "columns": list(table.columns), "rows": rows}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def export_files(snapshot: Snapshot, *, previous_manifest_sha256: str) -> dict[str, bytes]:
    """Every file of the export by name, the manifest included."""
    files = {}
    for table in TABLES:
        rows = [list(row) for row in table.rows(snapshot)]
        files[f"{table.name}.csv"] = _csv(table, rows)
        files[f"{table.name}.json"] = _json(table, rows)
    files[VERIFIER] = Path(verify.__file__).read_bytes()
    files[README] = _readme(snapshot).encode()
    manifest = {
        "format": FORMAT,
        "list": snapshot.contender_list.slug,
        "day": snapshot.day.isoformat(),
        "exported_at": snapshot.exported_at.isoformat(),
        "previous_manifest_sha256": previous_manifest_sha256,
        "methods": list(PUBLISHED_METHODS),
        "definitions": {
            "wilson_z": verify.WILSON_Z,
            "condorcet_limit": verify.CONDORCET_LIMIT,
            "duel_prior": settings.DUEL_PRIOR_DUELS,
        },
        "files": {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
            for name, data in sorted(files.items())
        },
    }
    files[MANIFEST] = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
    return files


def _readme(snapshot: Snapshot) -> str:
    return (
        f"TechVote open data: {snapshot.contender_list.title}, {snapshot.day:%d %B %Y}.\n\n"
        "Each table is here as CSV and as JSON. Members appear as pseudonyms: the same\n"
        "member has the same pseudonym in every export of this list and different ones\n"
        "in other lists.\n\n"
        "Recount every published ranking from the votes, ballots and duels yourself:\n\n"
        "    python3 verify.py\n\n"
        "Give it several days' zips, oldest first, to check that none was rewritten:\n\n"
        "    python3 verify.py day1.zip day2.zip\n\n"
        "manifest.json holds each file's SHA-256 and the previous day's manifest hash.\n"
    )


def zip_bytes(files: dict[str, bytes], *, day: date) -> bytes:
    """A zip of the files, in name order, dated the export's day: the same files, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return buffer.getvalue()


def manifest_of(content: bytes) -> bytes:
    """The manifest's bytes inside an export's zip."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(MANIFEST)


@dataclass(frozen=True)
class ExportResult:
    export: OpenDataExport
    created: bool  # False: the day was exported already and is left as it was.


def export_list(*, contender_list: ContenderList, day: date | None = None) -> ExportResult:
    """Export the list for `day` (today, UTC, by default), once: a day's export never changes.

    Refused for a day after today, and for a day before the list's latest
    export (it would have to slot into the chain, changing later manifests).
    """
    today = timezone.now().date()
    day = day or today
    if day > today:
        raise ExportRefused(f"{day:%Y-%m-%d} has not begun yet.")
    existing = OpenDataExport.objects.filter(contender_list=contender_list, day=day).first()
    if existing is not None:
        return ExportResult(existing, created=False)
    for _attempt in range(SNAPSHOT_ATTEMPTS):
        snapshot = _read_snapshot(contender_list, day)
        if snapshot is not None:
            break
        # The stored counts or intervals were not of the rows read (a bootstrap
        # of rows it already resampled is skipped).
        count_list(contender_list)
        bootstrap_list(contender_list)
    else:
        raise ExportRefused(f"{contender_list.slug}: votes kept changing while it was counted.")
    return _store(snapshot)


def _store(snapshot: Snapshot) -> ExportResult:
    contender_list, day = snapshot.contender_list, snapshot.day
    try:
        with transaction.atomic():
            # Exports of one list take turns, so each chains to the one before it.
            list(ContenderList.objects.select_for_update().filter(pk=contender_list.pk))
            exports = OpenDataExport.objects.filter(contender_list=contender_list)
            existing = exports.filter(day=day).first()
            if existing is not None:
                return ExportResult(existing, created=False)
            if exports.filter(day__gt=day).exists():
                raise ExportRefused(
                    f"{contender_list.slug} has a later export than {day:%Y-%m-%d}: "
                    "an earlier day cannot join the chain."
                )
            previous = exports.filter(day__lt=day).order_by("-day").first()
            files = export_files(
                snapshot,
                previous_manifest_sha256=previous.manifest_sha256 if previous else "",
            )
            content = zip_bytes(files, day=day)
            export = OpenDataExport.objects.create(
                contender_list=contender_list,
                day=day,
                manifest_sha256=hashlib.sha256(files[MANIFEST]).hexdigest(),
                previous_manifest_sha256=previous.manifest_sha256 if previous else "",
                size=len(content),
                content=content,
            )
    except IntegrityError:  # Another process stored the day meanwhile.
        return ExportResult(
            OpenDataExport.objects.get(contender_list=contender_list, day=day), created=False
        )
    return ExportResult(export, created=True)


def find_chain_breaks(*, contender_list: ContenderList) -> list[str]:
    """Where the list's exports stop chaining, oldest first (empty when every link holds).

    Each export's manifest must hash to what its row says, and name the hash
    of the export before it as actually stored, so an old day rewritten,
    even with its row's hash updated to match, breaks the next day's link.
    """
    breaks, previous = [], ""
    for export in OpenDataExport.objects.filter(contender_list=contender_list).order_by("day"):
        manifest = manifest_of(bytes(export.content))
        digest = hashlib.sha256(manifest).hexdigest()
        named = json.loads(manifest).get("previous_manifest_sha256")
        if digest != export.manifest_sha256:
            breaks.append(f"{export.day}: the manifest hashes to {digest}, the row says otherwise")
        if named != previous:
            breaks.append(f"{export.day}: names {named or 'nothing'} as the previous manifest")
        previous = digest
    return breaks
