"""Finding cities, lists and contenders by the words a visitor types.

PostgreSQL ranks full-text matches, stemmed and by word prefix, with GIN
indexes (migration 0002_search_indexes); other databases fall back to
case-insensitive word starts, every word somewhere in the fields. A site
search that finds no city looks for near misses of its name ("tokio"):
trigram similarity on PostgreSQL (pg_trgm, migration 0007_search_trigram),
difflib's close matches elsewhere.
"""

import difflib
import re

from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    TrigramSimilarity,
)
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


# How alike a name must be to count as a near miss, from 0 to 1: pg_trgm's
# own default for `%`, which "tokio" and "Tokyo" (0.33) pass and "Tokyo" and
# "Kyoto" (0.09) do not; difflib's ratio is a different measure ("tokio" and
# "Tokyo" give 0.8), so it has its own.
TRIGRAM_THRESHOLD = 0.3
DIFFLIB_CUTOFF = 0.75
NEAR_MISSES_LIMIT = 5


def words_in_fields(terms: str, fields: list[str], *, word_starts: bool = False) -> Q:
    """Every word must appear in one of the fields (case-insensitive).

    As a substring, or with `word_starts` at the start of a word, as full-text
    search matches it: then "AI" finds "AI Research" but not "Dubai". The
    regular expression runs in Python's `re` on SQLite, where a word boundary
    is "\\b", and PostgreSQL spells the start of a word "\\m".
    """
    boundary = r"\m" if connection.vendor == "postgresql" else r"\b"
    condition = Q()
    for word in terms.split():
        any_field = Q()
        for field in fields:
            if word_starts:
                any_field |= Q(**{f"{field}__iregex": boundary + re.escape(word)})
            else:
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
    return queryset.filter(words_in_fields(terms, fields, word_starts=True)).order_by(then)


def near_misses(queryset, terms: str, *, field: str, limit: int = NEAR_MISSES_LIMIT) -> list:
    """Rows whose `field` is spelt nearly like the words, most alike first.

    For a search that found nothing: "tokio" finds Tokyo. PostgreSQL compares
    trigrams (one query, the trigram index); elsewhere difflib compares the
    words with every value of the field (two queries, all the values read:
    fine for a development database of a few hundred cities).
    """
    if connection.vendor == "postgresql":
        return list(
            queryset.annotate(likeness=TrigramSimilarity(field, terms))
            .filter(**{f"{field}__trigram_similar": terms})
            .order_by("-likeness", field)[:limit]
        )
    values = dict(queryset.values_list(field, "pk"))
    folded = {value.casefold(): value for value in values}
    close = difflib.get_close_matches(terms.casefold(), folded, n=limit, cutoff=DIFFLIB_CUTOFF)
    found = queryset.in_bulk([values[folded[value]] for value in close])
    return [found[values[folded[value]]] for value in close]


def names_the_title(terms: str, title: str) -> bool:
    """Every word starts a word of the title: "startup" names "Best City for Tech Startups"."""
    title_words = re.findall(r"\w+", title.casefold())
    return all(
        any(word.startswith(term) for word in title_words)
        for term in re.findall(r"\w+", terms.casefold())
    )
