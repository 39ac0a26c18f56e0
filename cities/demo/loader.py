"""Loads the demo data in this folder: sectors, sources, cities, lists and votes.

Every row is looked up by its natural key (a slug, or a name within a city)
and written only when it is missing or differs, so loading twice changes
nothing. Rows a moderator added are left alone; nothing is deleted.

Demo voters (accounts nobody can log in to) vote on every list so that the
rankings come from votes, in the order the list file gives, and hold the demo
conversation in comments.toml.
"""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from cities.models import (
    City,
    Contender,
    ContenderList,
    Fact,
    Organization,
    RankingMethod,
    Sector,
    Source,
)
from comments.models import (
    BALLOT_SIZE,
    Ballot,
    BallotEntry,
    Comment,
    CommentVote,
    Vote,
    VoteValue,
)
from comments.ranking import recount_list
from comments.tallies import count_list

User = get_user_model()

DEMO_DIR = Path(__file__).resolve().parent
COORDINATE = Decimal("0.0001")


class DemoDataError(Exception):
    """The demo files contradict themselves (a list names an unknown city...)."""


@dataclass
class LoadReport:
    """What a load did, per kind of row: created, updated or unchanged."""

    counts: dict[str, Counter] = field(default_factory=dict)

    def record(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for kind, c in self.counts.items()
        ]


def _read(name: str) -> dict:
    with open(DEMO_DIR / name, "rb") as f:
        return tomllib.load(f)


def _sync(report: LoadReport, model: type[models.Model], lookup: dict, values: dict):
    """Create the row, or bring its fields to `values`; record which happened."""
    kind = model._meta.verbose_name_plural.capitalize()
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values)
        row.full_clean()
        row.save()
        report.record(kind, "created")
        return row
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.full_clean()
        row.save(update_fields=changed)
        report.record(kind, "updated")
    else:
        report.record(kind, "unchanged")
    return row


def _load_city(report: LoadReport, data: dict, sectors: dict, sources: dict) -> City:
    city = _sync(
        report,
        City,
        {"slug": data["slug"]},
        {
            "name": data["name"],
            "also_known_as": data.get("also_known_as", ""),
            "country": data["country"],
            "continent": data["continent"],
            "latitude": Decimal(str(data["latitude"])).quantize(COORDINATE),
            "longitude": Decimal(str(data["longitude"])).quantize(COORDINATE),
            "population": data.get("population"),
            "summary": data["summary"].strip(),
            "profile": data["profile"].strip(),
        },
    )
    try:
        wanted = {sectors[slug].pk for slug in data["sectors"]}
    except KeyError as error:
        raise DemoDataError(f"{data['slug']}: unknown sector {error}") from None
    if set(city.sectors.values_list("pk", flat=True)) != wanted:
        city.sectors.set(wanted)
    for item in data.get("organizations", []):
        _sync(
            report,
            Organization,
            {"city": city, "name": item["name"]},
            {"kind": item["kind"], "description": item.get("description", "")},
        )
    for position, item in enumerate(data.get("facts", []), start=1):
        if item["source"] not in sources:
            raise DemoDataError(f"{data['slug']}: unknown source {item['source']!r}")
        _sync(
            report,
            Fact,
            {"city": city, "label": item["label"]},
            {
                "value": item["value"],
                "unit": item.get("unit", ""),
                "source_id": sources[item["source"]].pk,
                "year": item.get("year"),
                "position": position,
            },
        )
    return city


def _load_list(report: LoadReport, data: dict, cities: dict) -> ContenderList:
    contender_list = _sync(
        report,
        ContenderList,
        {"slug": data["slug"]},
        {
            "title": data["title"],
            "question": data["question"],
            "description": data["description"].strip(),
            "is_open": data["is_open"],
            "position": data["position"],
            "ranking": data.get("ranking", RankingMethod.NET_VOTES),
        },
    )
    entries = [(slug, Contender.Status.APPROVED) for slug in data["contenders"]]
    entries += [(slug, Contender.Status.PENDING) for slug in data.get("suggested", [])]
    for slug, status in entries:
        if slug not in cities:
            raise DemoDataError(f"list {data['slug']}: unknown city {slug!r}")
        # An existing contender keeps whatever status a moderator gave it.
        _contender, created = Contender.objects.get_or_create(
            contender_list=contender_list, city=cities[slug], defaults={"status": status}
        )
        report.record("Contenders", "created" if created else "unchanged")
    return contender_list


# Demo voters are named from these words: 12 x 6 = 72 accounts.
VOTER_ADJECTIVES = [
    "quantum", "pixel", "neon", "silicon", "fiber", "cloud",
    "lambda", "vector", "photon", "cyber", "turbo", "nano",
]  # fmt: skip
VOTER_NOUNS = ["fox", "owl", "otter", "heron", "lynx", "panda"]
DEMO_EMAIL_DOMAIN = "demo.techvote.example"


def _demo_voters(report: LoadReport) -> list:
    """The demo accounts: verified addresses, unusable passwords."""
    names = [f"{adjective}_{noun}" for adjective in VOTER_ADJECTIVES for noun in VOTER_NOUNS]
    existing = {user.username: user for user in User.objects.filter(username__in=names)}
    voters = []
    for name in names:
        user = existing.get(name)
        if user is None:
            user = User(username=name, email=f"{name}@{DEMO_EMAIL_DOMAIN}")
            user.set_unusable_password()
            user.save()
            EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        report.record("Demo voters", "created" if name not in existing else "unchanged")
        voters.append(user)
    return voters


def demo_tally(position: int) -> tuple[int, int]:
    """Up and down votes for the contender at `position` (0 = first) of a demo list.

    Up votes fall and down votes never rise as the position grows, so both
    the net score and the Wilson bound put the list in its file order.
    """
    return 60 - position, position // 10


def _load_demo_votes(report: LoadReport, contender_list: ContenderList, slugs: list, voters):
    """Votes that give each contender its demo tally, then counts and ranks from the rows."""
    contenders = {
        c.city.slug: c
        for c in contender_list.contenders.select_related("city").filter(city__slug__in=slugs)
    }
    existing = set(
        Vote.objects.filter(contender__in=contenders.values()).values_list("user", "contender")
    )
    new_votes = []
    for position, slug in enumerate(slugs):
        contender = contenders[slug]
        up, down = demo_tally(position)
        start = position * 7  # Spread the voters so no one votes the same on everything.
        for offset in range(up + down):
            voter = voters[(start + offset) % len(voters)]
            if (voter.pk, contender.pk) in existing:
                report.record("Demo votes", "unchanged")
                continue
            value = VoteValue.UP if offset < up else VoteValue.DOWN
            new_votes.append(Vote(user=voter, contender=contender, value=value))
            report.record("Demo votes", "created")
    Vote.objects.bulk_create(new_votes)
    recount_list(contender_list)


# How many demo voters rank their own top ten on each open list.
DEMO_BALLOTS_PER_LIST = 40


def demo_ballot(slugs: list[str], voter_number: int, favourite: str | None = None) -> list[str]:
    """The top ten demo voter `voter_number` ranks: the list's order, best first, with two
    neighbours below the first place swapped (which two depends on the voter), and
    `favourite` moved to the first place where the list names one."""
    top = list(slugs[: BALLOT_SIZE + 1])
    if favourite is not None:
        top.remove(favourite)
        top.insert(0, favourite)
    swap = 1 + voter_number % (len(top) - 2)
    top[swap], top[swap + 1] = top[swap + 1], top[swap]
    return top[:BALLOT_SIZE]


def _load_demo_ballots(report: LoadReport, contender_list: ContenderList, data: dict, voters):
    """The demo voters' ballots on an open list; an existing ballot is left as it is."""
    if not contender_list.is_open:
        return
    contenders = dict(
        contender_list.contenders.filter(city__slug__in=data["contenders"]).values_list(
            "city__slug", "pk"
        )
    )
    balloted = set(contender_list.ballots.values_list("user", flat=True))
    new_ballots = {}
    for number, voter in enumerate(voters[:DEMO_BALLOTS_PER_LIST]):
        if voter.pk in balloted:
            report.record("Demo ballots", "unchanged")
            continue
        new_ballots[voter.pk] = demo_ballot(
            data["contenders"], number, data.get("ballot_favourite")
        )
        report.record("Demo ballots", "created")
    created = Ballot.objects.bulk_create(
        Ballot(user_id=user_id, contender_list=contender_list) for user_id in new_ballots
    )
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=ballot, contender_id=contenders[slug], position=position)
        for ballot in created
        for position, slug in enumerate(new_ballots[ballot.user_id], start=1)
    )


def _load_thumbs(comment: Comment, likes: int, dislikes: int, voters) -> None:
    """Thumbs from demo voters other than the author, and the counters from them."""
    others = [voter for voter in voters if voter.pk != comment.author_id]
    start = comment.pk * 5 % len(others)
    chosen = [others[(start + offset) % len(others)] for offset in range(likes + dislikes)]
    CommentVote.objects.bulk_create(
        CommentVote(
            user=voter, comment=comment, value=VoteValue.UP if i < likes else VoteValue.DOWN
        )
        for i, voter in enumerate(chosen)
    )
    Comment.objects.filter(pk=comment.pk).update(
        upvotes=likes, downvotes=dislikes, score=likes - dislikes
    )


def _load_demo_comments(report: LoadReport, voters) -> None:
    """The demo conversation: comments, replies and thumbs, spread over the past weeks."""
    by_name = {voter.username: voter for voter in voters}
    contenders = {
        (c.contender_list.slug, c.city.slug): c
        for c in Contender.objects.select_related("contender_list", "city")
    }
    now = timezone.now()
    for number, item in enumerate(_read("comments.toml")["comment"]):
        contender = contenders.get((item["list"], item["city"]))
        if contender is None:
            raise DemoDataError(f"comment {number}: {item['city']} is not in {item['list']}")
        # Older comments first in the file, a few hours apart; replies follow them.
        posted = now - timedelta(hours=(140 - number) * 2.5)
        root = _load_comment(report, contender, item, by_name, voters, posted, parent=None)
        for offset, reply in enumerate(item.get("reply", []), start=1):
            _load_comment(
                report,
                contender,
                reply,
                by_name,
                voters,
                posted + timedelta(hours=offset * 3),
                root,
            )


def _load_comment(report, contender, item, by_name, voters, posted, parent):
    author = by_name[item["author"]]
    body = item["body"].strip()
    comment = Comment.objects.filter(contender=contender, author=author, body=body).first()
    if comment is not None:
        report.record("Demo comments", "unchanged")
        return comment
    comment = Comment.objects.create(contender=contender, author=author, body=body, parent=parent)
    Comment.objects.filter(pk=comment.pk).update(created_at=posted)
    _load_thumbs(comment, item["likes"], item["dislikes"], voters)
    report.record("Demo comments", "created")
    return comment


@transaction.atomic
def load_demo_data() -> LoadReport:
    """Load every demo file into the database; safe to run again."""
    report = LoadReport()
    sectors = {
        slug: _sync(report, Sector, {"slug": slug}, {"name": item["name"]})
        for slug, item in _read("sectors.toml").items()
    }
    sources = {
        key: _sync(
            report,
            Source,
            {"key": key},
            {"title": item["title"], "author": item.get("author", ""), "url": item.get("url", "")},
        )
        for key, item in _read("sources.toml").items()
    }
    cities = {}
    for path in sorted((DEMO_DIR / "cities").glob("*.toml")):
        with open(path, "rb") as f:
            data = tomllib.load(f)
        if data["slug"] != path.stem:
            raise DemoDataError(f"{path.name}: slug {data['slug']!r} differs from the file name")
        try:
            cities[data["slug"]] = _load_city(report, data, sectors, sources)
        except ValidationError as error:
            raise DemoDataError(f"{path.name}: {error}") from error
    voters = _demo_voters(report)
    lists = [(data, _load_list(report, data, cities)) for data in _read("lists.toml")["list"]]
    _load_demo_comments(report, voters)
    for data, contender_list in lists:
        _load_demo_votes(report, contender_list, data["contenders"], voters)
        _load_demo_ballots(report, contender_list, data, voters)
        count_list(contender_list)  # Schulze and Borda, from the votes and ballots.
    return report
