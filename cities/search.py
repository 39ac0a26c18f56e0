"""Finding cities, lists and contenders by the words a visitor types.

PostgreSQL ranks full-text matches, stemmed and by word prefix, with GIN
indexes (migration 0002_search_indexes); other databases fall back to
case-insensitive substrings, every word somewhere in the fields.
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Q

# The words a site search matches, by weight: a hit in the name counts most.
CITY_SEARCH_VECTOR = (
    SearchVector("name", "also_known_as", weight="A", config="english")
    + SearchVector("country", weight="B", config="english")
    + SearchVector("summary", weight="C", config="english")
)
CITY_SEARCH_FIELDS = ["name", "also_known_as", "country", "summary"]

LIST_SEARCH_VECTOR = SearchVector("title", weight="A", config="english") + SearchVector(
    "question", "description", weight="B", config="english"
)
LIST_SEARCH_FIELDS = ["title", "question", "description"]

# What "Search this list" matches: the contender's city and country.
CONTENDER_SEARCH_FIELDS = ["city__name", "city__also_known_as", "city__country"]


def words_in_fields(terms: str, fields: list[str]) -> Q:
    """Every word must appear in one of the fields (case-insensitive substrings)."""
    condition = Q()
    for word in terms.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


def prefix_search_query(terms: str) -> SearchQuery | None:
    """A full-text query where every word must start a word in the document.

    Only letters and digits reach the query, so no search syntax can get in;
    "tok jap" becomes `tok:* & jap:*` and finds Tokyo, Japan.
    """
    words = re.findall(r"\w+", terms)
    if not words:
        return None
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words), search_type="raw", config="english"
    )


def site_search(queryset, terms: str, *, vector: SearchVector, fields: list[str], then: str):
    """Rows matching the words, best first.

    PostgreSQL ranks full-text matches, stemmed and by word prefix ("startups"
    finds "startup", "shenzh" finds "Shenzhen"); other databases fall back to
    substrings of `fields`. Ties go by `then`.
    """
    if connection.vendor == "postgresql":
        query = prefix_search_query(terms)
        if query is None:
            return queryset.none()
        return (
            queryset.annotate(search=vector)
            .filter(search=query)
            .annotate(relevance=SearchRank(F("search"), query))
            .order_by("-relevance", then)
        )
    return queryset.filter(words_in_fields(terms, fields)).order_by(then)
