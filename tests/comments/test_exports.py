"""The daily open-data export: a zip anyone can recount with its bundled verify.py.

The verifier runs as a user would run it: `python3 -I verify.py PATH` in an
interpreter of its own, isolated from the site's code and settings.
"""

import csv
import hashlib
import io
import itertools
import json
import subprocess
import sys
import zipfile
from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from cities.models import ContenderList, ContenderStatus
from comments.ballots import save_ballot
from comments.counts import recount_list
from comments.demo import load_demo_data
from comments.duels import answer_duel, next_duel
from comments.exports import (
    PUBLISHED_METHODS,
    ExportRefused,
    export_list,
    find_chain_breaks,
    manifest_of,
)
from comments.models import MethodStanding, OpenDataExport, Vote
from comments.tallies import count_list, find_count_drift
from comments.tasks import export_every_list
from comments.uncertainty import find_bootstrap_drift
from comments.votes import cast_vote
from techvote.celery import app
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import today


def run_verifier(verifier, *paths):
    """The bundled verify.py in a separate, isolated interpreter."""
    return subprocess.run(
        [sys.executable, "-I", str(verifier), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def saved(export, folder, name=None):
    """The export's zip written where a download would land."""
    path = folder / (name or export.filename)
    path.write_bytes(bytes(export.content))
    return path


def unpacked(export, folder):
    target = folder / export.filename.removesuffix(".zip")
    with zipfile.ZipFile(io.BytesIO(bytes(export.content))) as archive:
        archive.extractall(target)
    return target


def table(folder, name):
    with open(folder / f"{name}.csv", newline="") as file:
        return list(csv.DictReader(file))


def rewrite(folder, name, rows, *, rehash=True):
    """Overwrite a table's CSV; with `rehash`, also its manifest entry, as a forger would."""
    with open(folder / f"{name}.csv", "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    if rehash:
        manifest = json.loads((folder / "manifest.json").read_text())
        data = (folder / f"{name}.csv").read_bytes()
        manifest["files"][f"{name}.csv"] = {
            "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))


@pytest.fixture
def small_list(db):
    """Five cities, six members voting, three with a ballot, four with duels, one pending city."""
    contender_list = ContenderListFactory()
    contenders = [
        ContenderFactory(contender_list=contender_list, city=CityFactory()) for _ in range(5)
    ]
    ContenderFactory(
        contender_list=contender_list, city=CityFactory(), status=ContenderStatus.PENDING
    )
    members = [UserFactory() for _ in range(6)]
    for number, member in enumerate(members):
        for place, contender in enumerate(contenders):
            if (number + place) % 3:
                cast_vote(user=member, contender_id=contender.pk, value=1 if place < 3 else -1)
    for member, order in zip(members[:3], ([4, 0, 1], [1, 4], [4, 1, 0, 2]), strict=True):
        save_ballot(
            user=member,
            contender_list_id=contender_list.pk,
            contender_ids=[contenders[index].pk for index in order],
        )
    for number, member in enumerate(members[2:]):
        for round_ in range(4):
            duel = next_duel(user=member, contender_list=contender_list)
            # The contender that joined first wins, but for every third answer,
            # a "can't decide" every fifth.
            first, second = sorted((duel.left_id, duel.right_id))
            winner = None if (number + round_) % 5 == 4 else first
            if (number + round_) % 3 == 2:
                winner = second
            answer_duel(
                user=member,
                contender_list_id=contender_list.pk,
                number=duel.number,
                left_id=duel.left_id,
                right_id=duel.right_id,
                winner_id=winner,
            )
    return contender_list


@pytest.mark.django_db
def test_the_bundled_verifier_recounts_every_demo_list_as_the_site_published(tmp_path):
    load_demo_data()
    out = io.StringIO()
    call_command("export_open_data", stdout=out, stderr=io.StringIO())
    lists = list(ContenderList.objects.order_by("pk"))
    assert f"Open data: {len(lists)} lists exported for {today():%Y-%m-%d}" in out.getvalue()

    for contender_list in lists:
        export = OpenDataExport.objects.get(contender_list=contender_list, day=today())
        contenders = contender_list.contenders.filter(status=ContenderStatus.APPROVED).count()
        done = run_verifier(unpacked(export, tmp_path) / "verify.py", saved(export, tmp_path))
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout == f"all {len(PUBLISHED_METHODS) * contenders} ranks match\n"

    # Run with no argument, it checks the folder it was unpacked into.
    startups = OpenDataExport.objects.get(contender_list__slug="best-city-for-tech-startups")
    folder = unpacked(startups, tmp_path / "again")
    assert run_verifier(folder / "verify.py").stdout == "all 75 ranks match\n"

    # The export publishes what the site shows: the demo's Schulze winner is Tel Aviv.
    results = {
        (row["method"], row["contender_id"]): row["rank"] for row in table(folder, "results")
    }
    cities = {row["contender_id"]: row["city"] for row in table(folder, "contenders")}
    firsts = {method: cities[c] for (method, c), rank in results.items() if rank == "1"}
    assert {method: firsts[method] for method in ("net", "wilson", "schulze", "borda")} == {
        "net": "San Jose",
        "wilson": "San Jose",
        "schulze": "Tel Aviv",
        "borda": "Tel Aviv",
    }
    published = MethodStanding.objects.filter(
        contender_list=startups.contender_list, method__in=PUBLISHED_METHODS
    )
    assert published.exists()
    for standing in published:
        assert results[(standing.method, str(standing.contender_id))] == str(standing.rank)


def test_a_corrupted_vote_is_caught_even_with_its_hash_rewritten(small_list, tmp_path):
    export = export_list(contender_list=small_list).export
    folder = unpacked(export, tmp_path)
    assert run_verifier(folder / "verify.py").returncode == 0

    votes = table(folder, "votes")
    votes[0]["value"] = str(-int(votes[0]["value"]))
    rewrite(folder, "votes", votes)
    done = run_verifier(folder / "verify.py")
    assert done.returncode == 1
    assert done.stdout.startswith("MISMATCH: net: contender ")

    rewrite(folder, "votes", table(folder, "votes")[1:], rehash=False)
    done = run_verifier(folder / "verify.py")
    assert done.returncode == 1
    assert done.stdout.startswith("MISMATCH: votes.csv: SHA-256 ")


def test_a_duel_given_to_the_other_side_is_caught(small_list, tmp_path):
    folder = unpacked(export_list(contender_list=small_list).export, tmp_path)
    duels = table(folder, "duels")
    assert {row["winner_id"] for row in duels} > {""}  # Decided duels and "can't decide".
    flipped = next(row for row in duels if row["winner_id"])
    loser = (
        flipped["left_id"] if flipped["winner_id"] == flipped["right_id"] else flipped["right_id"]
    )
    for row in duels:  # Every duel of that pair, so the fit moves well past its tolerance.
        if {row["left_id"], row["right_id"]} == {flipped["left_id"], flipped["right_id"]}:
            row["winner_id"] = loser
    rewrite(folder, "duels", duels)
    done = run_verifier(folder / "verify.py")
    assert done.returncode == 1
    assert done.stdout.startswith("MISMATCH: duels: contender ")


def test_a_ballot_moved_a_place_is_caught(small_list, tmp_path):
    folder = unpacked(export_list(contender_list=small_list).export, tmp_path)
    entries = table(folder, "ballot_entries")
    first, second = entries[0], entries[1]
    first["position"], second["position"] = second["position"], first["position"]
    rewrite(folder, "ballot_entries", entries)
    done = run_verifier(folder / "verify.py")
    assert done.returncode == 1
    assert "MISMATCH: " in done.stdout
    assert "schulze" in done.stdout or "borda" in done.stdout


def test_the_exports_of_a_list_chain_and_an_old_day_rewritten_breaks_the_next(
    small_list, tmp_path
):
    days = [today() - timedelta(days=2), today() - timedelta(days=1), today()]
    exports = [export_list(contender_list=small_list, day=day).export for day in days]
    assert exports[0].previous_manifest_sha256 == ""
    for before, after in itertools.pairwise(exports):
        assert after.previous_manifest_sha256 == before.manifest_sha256
        assert json.loads(manifest_of(bytes(after.content)))["previous_manifest_sha256"] == (
            hashlib.sha256(manifest_of(bytes(before.content))).hexdigest()
        )
    assert find_chain_breaks(contender_list=small_list) == []
    paths = [saved(export, tmp_path) for export in exports]
    verifier = unpacked(exports[-1], tmp_path) / "verify.py"
    assert run_verifier(verifier, *paths).stdout == "all 75 ranks match, 3 exports chained\n"

    # A forger rewrites the first day consistently: its own files and manifest agree.
    folder = unpacked(exports[0], tmp_path / "forged")
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["exported_at"] = "2020-01-01T00:00:00+00:00"
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
    forged_manifest = (folder / "manifest.json").read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for item in sorted(folder.iterdir()):
            archive.write(item, item.name)
    OpenDataExport.objects.filter(pk=exports[0].pk).update(
        content=buffer.getvalue(), manifest_sha256=hashlib.sha256(forged_manifest).hexdigest()
    )

    assert find_chain_breaks(contender_list=small_list) == [
        f"{days[1]}: names {exports[0].manifest_sha256} as the previous manifest"
    ]
    paths[0].write_bytes(buffer.getvalue())
    done = run_verifier(verifier, *paths)
    assert done.returncode == 1
    assert "names " + exports[0].manifest_sha256 + " as the previous manifest" in done.stdout


def test_a_day_is_exported_once_and_the_chain_only_grows_forwards(small_list):
    first = export_list(contender_list=small_list)
    again = export_list(contender_list=small_list)
    assert first.created
    assert not again.created
    assert again.export.pk == first.export.pk
    assert OpenDataExport.objects.count() == 1
    with pytest.raises(ExportRefused, match="has a later export"):
        export_list(contender_list=small_list, day=today() - timedelta(days=1))
    with pytest.raises(ExportRefused, match="has not begun"):
        export_list(contender_list=small_list, day=today() + timedelta(days=1))
    assert OpenDataExport.objects.count() == 1


def test_it_holds_only_what_counts_under_pseudonyms_stable_within_a_list(small_list, tmp_path):
    member = small_list.contenders.first().votes.first().user
    voided = Vote.objects.filter(contender__contender_list=small_list).last()
    Vote.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    recount_list(small_list)  # As a moderator's void does.
    other_list = ContenderListFactory()
    ContenderFactory(contender_list=other_list, city=CityFactory())
    cast_vote(user=member, contender_id=other_list.contenders.get().pk, value=1)

    days = [today() - timedelta(days=1), today()]
    folders = [
        unpacked(export_list(contender_list=small_list, day=day).export, tmp_path / str(day))
        for day in days
    ]
    other = unpacked(export_list(contender_list=other_list).export, tmp_path / "other")

    contenders = table(folders[0], "contenders")
    assert len(contenders) == 5  # The pending city is left out.
    counted = Vote.objects.filter(contender__contender_list=small_list, voided_at=None)
    votes = table(folders[0], "votes")
    assert len(votes) == counted.count()
    assert table(folders[1], "votes") == votes  # The same pseudonyms the next day.
    members = {row["member"] for row in votes}
    other_members = {row["member"] for row in table(other, "votes")}
    assert len(other_members) == 1
    assert not members & other_members  # The same member, unlinkable across lists.
    text = "".join(
        (folder / name).read_text() for folder in folders for name in ("votes.csv", "votes.json")
    )
    assert member.username not in text
    assert json.loads((folders[0] / "votes.json").read_text())["rows"] == [
        [row["member"], int(row["contender_id"]), int(row["value"])] for row in votes
    ]
    # The voided vote is out of the export and out of the counts it published.
    assert run_verifier(folders[0] / "verify.py").returncode == 0


def test_counts_not_yet_run_are_run_before_the_export(small_list, tmp_path):
    contender = small_list.contenders.filter(status=ContenderStatus.APPROVED).last()
    # Rows written behind the queue's back: the stored Schulze and Borda are stale.
    Vote.objects.filter(contender=contender, value=-1).update(value=1)
    recount_list(small_list)
    assert find_count_drift(small_list)
    folder = unpacked(export_list(contender_list=small_list).export, tmp_path)
    assert run_verifier(folder / "verify.py").stdout == "all 25 ranks match\n"


def test_rank_intervals_not_yet_resampled_are_resampled_before_the_export(small_list, tmp_path):
    count_list(small_list)  # The bootstrap it queues has not run: no interval stored.

    folder = unpacked(export_list(contender_list=small_list).export, tmp_path)

    published = [row for row in table(folder, "results") if row["method"] == "borda"]
    assert published
    assert all(row["rank_lower"] for row in published)
    assert find_bootstrap_drift(small_list) == []


def test_without_a_key_outside_debug_nothing_is_exported(small_list, settings):
    settings.OPEN_DATA_PSEUDONYM_KEY = ""
    with pytest.raises(ImproperlyConfigured, match="OPEN_DATA_PSEUDONYM_KEY"):
        export_list(contender_list=small_list)
    assert not OpenDataExport.objects.exists()


def test_the_command_refuses_a_malformed_day_and_an_unknown_list(small_list):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_open_data", "--day", "yesterday")
    with pytest.raises(CommandError, match="No list has the slug"):
        call_command("export_open_data", "--list", "nowhere")
    out = io.StringIO()
    call_command(
        "export_open_data",
        "--list",
        small_list.slug,
        "--day",
        f"{today() - timedelta(days=3):%Y-%m-%d}",
        stdout=out,
        stderr=io.StringIO(),
    )
    assert OpenDataExport.objects.get().day == today() - timedelta(days=3)
    assert date.fromisoformat(out.getvalue().split(" for ")[1][:10]) == today() - timedelta(days=3)


def test_an_unreadable_export_or_an_unknown_method_fails_with_a_message(small_list, tmp_path):
    folder = unpacked(export_list(contender_list=small_list).export, tmp_path)
    (folder / "README.txt").unlink()
    done = run_verifier(folder / "verify.py")
    assert (done.returncode, done.stdout) == (
        1,
        "MISMATCH: README.txt is listed in the manifest but missing\n",
    )
    done = run_verifier(folder / "verify.py", tmp_path / "nothing.zip")
    assert done.returncode == 1
    assert done.stdout.startswith("MISMATCH: not a readable export: FileNotFoundError")

    results = table(folder, "results")
    results[0]["method"] = "coin-toss"
    rewrite(folder, "results", results)
    (folder / "README.txt").write_text("")
    manifest = json.loads((folder / "manifest.json").read_text())
    del manifest["files"]["README.txt"]
    (folder / "manifest.json").write_text(json.dumps(manifest))
    done = run_verifier(folder / "verify.py")
    assert done.stdout == (
        "MISMATCH: the export publishes a method this verifier cannot recount: coin-toss\n"
    )


def test_the_schedule_exports_every_list_each_day(small_list, settings):
    entry = settings.CELERY_BEAT_SCHEDULE["export-open-data"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].is_due(timezone.now() - timedelta(days=1)).is_due
    other = ContenderListFactory()
    export_every_list()
    export_every_list()  # A second run the same day changes nothing.
    assert sorted(OpenDataExport.objects.values_list("contender_list", "day")) == [
        (small_list.pk, today()),
        (other.pk, today()),
    ]
