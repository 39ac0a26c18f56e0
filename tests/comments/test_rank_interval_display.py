"""How sure a rank is, as pages show it: "3 (2 to 5)", tied bands, too few voters."""

import pytest
from django.template.loader import render_to_string

from cities.models import Contender
from comments.models import MIN_RESAMPLED_MEMBERS, CountedMethod, MethodStanding
from tests.comments.test_tallies import (
    WIKIPEDIA_BALLOTS,
    cast_ballots,
    count_and_bootstrap,
    lettered_list,
)

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"  # As the pages print a range.
EXPLAINED = "In brackets, the ranks it held in 95% of the recounts of this list"


def page_of(client, contender_id) -> str:
    contender = Contender.objects.select_related("city", "contender_list").get(pk=contender_id)
    return client.get(contender.get_comments_url()).content.decode()


def test_the_contender_page_shows_each_methods_rank_with_its_interval(client):
    contender_list, ids = lettered_list("ABCDE")
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)

    html = page_of(client, ids["E"])

    assert EXPLAINED in html
    for method in (CountedMethod.SCHULZE, CountedMethod.BORDA):
        standing = MethodStanding.objects.get(contender_id=ids["E"], method=method)
        assert standing.rank_lower is not None
        shown = f'#<span class="rank-interval">{standing.rank} '
        assert shown in html
        assert f"({standing.rank_lower}{DASH}{standing.rank_upper})" in html
    assert "Too few voters" not in html


def test_a_rank_whose_interval_spans_other_places_is_statistically_tied(client):
    contender_list, ids = lettered_list("ABCDE")
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)
    tied = MethodStanding.objects.filter(contender_list=contender_list, method="borda")
    tied = [row for row in tied if row.rank_lower != row.rank_upper]
    clear = MethodStanding.objects.filter(
        contender_list=contender_list, method="borda", rank_lower=1, rank_upper=1
    )
    assert tied  # 45 voters do not separate these five.

    assert "statistically tied" in page_of(client, tied[0].contender_id)
    for row in clear:
        assert "statistically tied" not in page_of(client, row.contender_id)


def test_too_few_voters_say_so_instead_of_an_interval(client):
    contender_list, ids = lettered_list("ABCDE")
    cast_ballots(contender_list, ids, {"ABCDE": MIN_RESAMPLED_MEMBERS - 1})
    count_and_bootstrap(contender_list)

    html = page_of(client, ids["A"])

    assert "Too few voters yet to say how sure this rank is." in html
    assert f"(1{DASH}1)" not in html


def test_an_uncounted_list_shows_no_method_ranks(client):
    _, ids = lettered_list("ABC")

    assert "Rank by the counted methods" not in page_of(client, ids["A"])


def test_the_interval_include_needs_only_a_standing():
    standing = MethodStanding(rank=3, rank_lower=2, rank_upper=5, band=1)
    standing.members = MIN_RESAMPLED_MEMBERS

    html = render_to_string("cities/_rank_interval.html", {"standing": standing})

    assert f'3 <span class="rank-interval__range" aria-hidden="true">(2{DASH}5)</span>' in html
    assert "likely between 2 and 5" in html
    assert "statistically tied" in html


def test_a_method_nobody_answered_shows_no_rank(client):
    contender_list, ids = lettered_list("ABCDE")
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_and_bootstrap(contender_list)  # Ballots, but no duels.

    html = page_of(client, ids["A"])

    assert "<dt>Duels (Bradley-Terry)</dt>" in html
    assert "Nobody has answered this way yet." in html
