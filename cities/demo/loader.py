"""Loads the demo data in this folder: sectors, sources, cities and lists.

Every row is looked up by its natural key (a slug, or a name within a city)
and written only when it is missing or differs, so loading twice changes
nothing. Rows a moderator added are left alone; nothing is deleted.

The demo votes and comments (comments.toml) are comments' rows, loaded by
comments/demo.py, which calls this first: `load_demo_data` lives there.
"""

import tomllib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models

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


def read_demo_file(name: str) -> dict:
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


def load_demo_cities(report: LoadReport) -> list[tuple[dict, ContenderList]]:
    """Sectors, sources, cities, lists and contenders; each list with its file entry.

    The votes and comments on them are comments' rows, loaded by comments.demo.
    """
    sectors = {
        slug: _sync(report, Sector, {"slug": slug}, {"name": item["name"]})
        for slug, item in read_demo_file("sectors.toml").items()
    }
    sources = {
        key: _sync(
            report,
            Source,
            {"key": key},
            {"title": item["title"], "author": item.get("author", ""), "url": item.get("url", "")},
        )
        for key, item in read_demo_file("sources.toml").items()
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
    return [
        (data, _load_list(report, data, cities)) for data in read_demo_file("lists.toml")["list"]
    ]
