import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cities.demo.loader import DEMO_DIR
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
from comments.counts import find_drift
from comments.demo import DEMO_DUELS_PER_VOTER, demo_duel, load_demo_data
from comments.models import Ballot, BallotEntry, CountedMethod, Duel, MethodStanding, Vote

pytestmark = pytest.mark.django_db
User = get_user_model()

MAIN_LIST = "most-high-tech-cities"
COMMUNITY_TOP_TEN = [
    "Tokyo",
    "Bangalore",
    "Seoul",
    "Paris",
    "New York",
    "San Francisco",
    "Shanghai",
    "Dubai",
    "Taipei",
    "Hong Kong",
]


def database_snapshot() -> dict:
    """Every column of every row the loader writes, including sector links."""
    models = [Sector, Source, City, Organization, Fact, ContenderList, Contender]
    snapshot = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    snapshot["city sectors"] = list(
        City.sectors.through.objects.order_by("pk").values_list("city_id", "sector_id")
    )
    snapshot["votes"] = list(Vote.objects.order_by("pk").values())
    snapshot["ballots"] = list(Ballot.objects.order_by("pk").values())
    snapshot["ballot entries"] = list(BallotEntry.objects.order_by("pk").values())
    snapshot["duels"] = list(Duel.objects.order_by("pk").values())
    snapshot["ranked counts"] = list(
        MethodStanding.objects.order_by("contender", "method").values(
            "contender", "method", "rank", "score"
        )
    )
    snapshot["users"] = list(User.objects.order_by("pk").values())
    return snapshot


def main_list_ranking() -> list[str]:
    main = ContenderList.objects.get(slug=MAIN_LIST)
    return list(Contender.objects.approved().ranked(main).values_list("city__name", flat=True))


def test_main_list_holds_the_fifty_community_cities_in_their_order():
    load_demo_data()

    ranking = main_list_ranking()

    assert len(ranking) == 50
    assert ranking[:10] == COMMUNITY_TOP_TEN
    assert ranking[10:13] == ["London", "Helsinki", "Singapore"]
    assert ranking[-1] == "Düsseldorf"


def test_loading_twice_changes_nothing():
    load_demo_data()
    before = database_snapshot()

    report = load_demo_data()

    assert report.changed == 0
    assert database_snapshot() == before


def test_hubs_from_the_article_have_profiles_and_sourced_figures():
    load_demo_data()

    for slug in ["san-jose", "munich", "nairobi", "cape-town"]:
        city = City.objects.get(slug=slug)
        assert city.profile
        assert city.summary
        assert city.latitude is not None
        assert city.longitude is not None
    shenzhen_firms = Fact.objects.get(city__slug="shenzhen", label="Technology firms")
    assert "16,000" in shenzhen_firms.value
    assert shenzhen_firms.source.key == "innovation-hubs-article"


def test_every_city_has_a_profile_coordinates_sectors_and_organizations():
    load_demo_data()

    cities = City.objects.with_profile()
    assert len(cities) >= 55
    for city in cities:
        assert len(city.profile.split()) >= 100, city.slug
        assert -90 <= city.latitude <= 90
        assert -180 <= city.longitude <= 180
        assert city.sectors.all(), city.slug
        assert city.organizations.all(), city.slug


def test_cities_stand_in_several_lists():
    load_demo_data()

    assert ContenderList.objects.count() >= 4
    seoul = City.objects.get(slug="seoul")
    assert seoul.contenders.approved().count() >= 3


def test_suggested_cities_wait_unranked_for_a_moderator():
    load_demo_data()

    munich = Contender.objects.get(contender_list__slug=MAIN_LIST, city__slug="munich")
    assert munich.status == Contender.Status.PENDING
    assert "Munich" not in main_list_ranking()


def test_reloading_keeps_a_moderators_decision():
    load_demo_data()
    tokyo = Contender.objects.get(contender_list__slug=MAIN_LIST, city__slug="tokyo")
    Contender.objects.filter(pk=tokyo.pk).update(status=Contender.Status.REJECTED)

    load_demo_data()

    tokyo.refresh_from_db()
    assert tokyo.status == Contender.Status.REJECTED
    assert main_list_ranking()[0] == "Bangalore"


def test_command_reports_what_it_wrote():
    city_files = len(list((DEMO_DIR / "cities").glob("*.toml")))

    call_command("load_demo_data", stdout=(first := io.StringIO()))
    call_command("load_demo_data", stdout=(second := io.StringIO()))

    assert f"Cities: {city_files} created" in first.getvalue()
    assert "0 rows written" in second.getvalue()


def test_demo_rankings_come_from_votes_in_the_community_order():
    load_demo_data()

    for contender_list in ContenderList.objects.all():
        assert find_drift(contender_list) == [], contender_list.slug
    main = Contender.objects.approved().ranked(ContenderList.objects.get(slug=MAIN_LIST))
    scores = list(main.values_list("score", flat=True))
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores), "no rank may rest on a tie"
    assert (
        sum(c.upvotes + c.downvotes for c in main)
        == Vote.objects.filter(contender__contender_list__slug=MAIN_LIST).count()
    )


def test_the_wilson_list_also_ends_in_its_file_order():
    load_demo_data()

    ai_list = ContenderList.objects.get(ranking=RankingMethod.WILSON)
    leaders = Contender.objects.approved().ranked(ai_list).with_city()[:3]
    assert [c.city.slug for c in leaders] == [
        "san-jose",
        "san-francisco",
        "beijing",
    ]


def test_demo_voters_cannot_log_in():
    load_demo_data()

    voters = User.objects.filter(votes__isnull=False).distinct()
    assert voters.count() >= 60
    assert not any(voter.has_usable_password() for voter in voters)


def leader(slug: str, method: str | None = None) -> str:
    """The city first in a demo list by net votes (None) or by a ranked method's standings."""
    contender_list = ContenderList.objects.get(slug=slug)
    if method is None:
        return (
            Contender.objects.approved()
            .ranked(contender_list, RankingMethod.NET_VOTES)
            .values_list("city__slug", flat=True)[0]
        )
    standings = MethodStanding.objects.filter(contender_list=contender_list, method=method)
    return standings.get(rank=1).contender.city.slug


def test_demo_voters_cast_ballots_on_every_open_list():
    load_demo_data()

    open_lists = ContenderList.objects.filter(is_open=True)
    assert Ballot.objects.count() == 40 * open_lists.count()
    assert not Ballot.objects.filter(contender_list__is_open=False).exists()
    assert set(BallotEntry.objects.values_list("position", flat=True)) == set(range(1, 11))
    call_command("rank_lists", "--check", stdout=io.StringIO(), stderr=io.StringIO())


def test_demo_voters_answer_duels_on_every_open_list_mostly_for_the_better_placed():
    load_demo_data()

    open_lists = ContenderList.objects.filter(is_open=True)
    voters = User.objects.filter(email__endswith="@demo.techvote.example").count()
    assert Duel.objects.count() == DEMO_DUELS_PER_VOTER * voters * open_lists.count()
    assert Duel.objects.filter(winner=None).exists()  # Some "can't decide".
    for contender_list in open_lists:
        order = list(
            Contender.objects.approved().ranked(contender_list).values_list("pk", flat=True)
        )
        decided = contender_list.duels.exclude(winner=None)
        favourites = sum(
            order.index(duel.winner_id)
            == min(order.index(duel.left_id), order.index(duel.right_id))
            for duel in decided
        )
        assert 0.6 < favourites / decided.count() < 0.9  # Mostly, with upsets.
    call_command("rank_lists", "--check", stdout=io.StringIO(), stderr=io.StringIO())


def test_the_methods_agree_on_the_demo_lists_but_the_startup_list():
    load_demo_data()

    for contender_list in ContenderList.objects.exclude(slug="best-city-for-tech-startups"):
        net_leader = leader(contender_list.slug)
        assert leader(contender_list.slug, CountedMethod.SCHULZE) == net_leader
    # San Jose has the most up votes; the members' own top tens put Tel Aviv first.
    assert leader("best-city-for-tech-startups") == "san-jose"
    assert leader("best-city-for-tech-startups", CountedMethod.SCHULZE) == "tel-aviv"
    assert leader("best-city-for-tech-startups", CountedMethod.BORDA) == "tel-aviv"


def test_the_startup_list_is_ranked_by_schulze_on_its_page(client):
    """The demo's one Schulze list: its page leads with the ballots' favourite."""
    load_demo_data()

    startups = ContenderList.objects.get(slug="best-city-for-tech-startups")
    assert startups.ranking == RankingMethod.SCHULZE
    page = client.get(startups.get_absolute_url()).context["page"]
    assert page.top_ten[0].city.slug == "tel-aviv"
    assert page.top_ten[0].rank == 1
    assert page.top_ten[0].is_condorcet_winner
    san_jose = next(c for c in page.top_ten if c.city.slug == "san-jose")
    assert (RankingMethod.NET_VOTES, 1) in {(o.method, o.rank) for o in san_jose.other_ranks}


def test_a_demo_duel_is_always_between_two_contenders_even_on_short_lists():
    for size in range(2, 12):
        for voter in range(72):
            for number in range(1, DEMO_DUELS_PER_VOTER + 1):
                left, right, winner = demo_duel(size, voter, number)
                assert left != right
                assert {left, right} <= set(range(size))
                assert winner in (left, right, None)
