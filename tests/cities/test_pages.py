import pytest
from django.urls import reverse

from cities.models import Contender
from comments.services import cast_vote, post_comment
from tests.factories import (
    CityFactory,
    ContenderFactory,
    FactFactory,
    OrganizationFactory,
    SectorFactory,
    UserFactory,
)
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


def list_url(contender_list, **query):
    url = reverse("cities:list_detail", args=[contender_list.slug])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def ranks_on(response, section: str) -> list[int]:
    return [contender.rank for contender in getattr(response.context["page"], section)]


# --- Home ---------------------------------------------------------------------


def test_home_shows_every_list_with_its_top_three(client, make_ranked_list):
    big = make_ranked_list(12, title="Most High Tech Cities")
    small = make_ranked_list(2, title="Greenest Smart City")

    response = client.get(reverse("cities:home"))

    assert response.status_code == 200
    teasers = {item.title: [c.rank for c in item.top] for item in response.context["lists"]}
    assert teasers == {big.title: [1, 2, 3], small.title: [1, 2]}
    top = at_rank(big, 1)
    assert top.city.name in response.content.decode()


def test_home_runs_the_same_queries_however_many_lists(
    client, make_ranked_list, django_assert_num_queries
):
    make_ranked_list(3)
    with django_assert_num_queries(2):
        client.get(reverse("cities:home"))

    for _ in range(4):
        make_ranked_list(30)
    with django_assert_num_queries(2):
        client.get(reverse("cities:home"))


# --- List page ------------------------------------------------------------------


def test_list_page_shows_the_top_ten_then_the_first_contenders(client, make_ranked_list):
    contender_list = make_ranked_list(40)

    response = client.get(list_url(contender_list))

    assert response.status_code == 200
    assert ranks_on(response, "top_ten") == list(range(1, 11))
    assert ranks_on(response, "contenders") == list(range(11, 36))
    html = response.content.decode()
    assert "The Top Ten" in html
    assert "The Contenders" in html
    assert contender_list.question in html
    assert 'href="?page=2#contenders"' in html


def test_load_more_link_leads_to_the_next_contenders(client, make_ranked_list):
    contender_list = make_ranked_list(40)

    response = client.get(list_url(contender_list, page=2))

    assert ranks_on(response, "top_ten") == []
    assert ranks_on(response, "contenders") == list(range(36, 41))
    assert "Load more contenders" not in response.content.decode()


def test_load_more_by_htmx_gets_the_next_rows_and_the_next_link(client, make_ranked_list):
    contender_list = make_ranked_list(70)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "contenders-list"}

    second = client.get(list_url(contender_list, upto=2), **headers)
    last = client.get(list_url(contender_list, upto=3), **headers)

    html = second.content.decode()
    assert "<html" not in html
    assert ranks_on(second, "contenders") == list(range(36, 61))
    assert html.count('<li class="contender"') == 25
    assert 'id="load-more" data-hx-swap-oob="outerHTML"' in html
    assert 'data-hx-get="?upto=3"' in html
    assert '<p id="load-more" data-hx-swap-oob="delete"></p>' in last.content.decode()
    assert "HX-Request" in second.get("Vary", "")


def test_load_more_past_the_end_by_htmx_gets_a_message(client, make_ranked_list):
    contender_list = make_ranked_list(12)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "contenders-list"}

    response = client.get(list_url(contender_list, page=5), **headers)

    assert response.status_code == 404
    assert response["HX-Retarget"] == "#contenders-list-error"
    assert "no contenders that far down" in response.content.decode()


def test_a_short_list_has_no_contenders_section(client, make_ranked_list):
    contender_list = make_ranked_list(7)

    response = client.get(list_url(contender_list))

    assert ranks_on(response, "top_ten") == list(range(1, 8))
    assert "The Contenders" not in response.content.decode()


def test_pending_and_rejected_contenders_stay_off_the_list(client, make_ranked_list):
    contender_list = make_ranked_list(3)
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)
    rejected = ContenderFactory(contender_list=contender_list, status=Contender.Status.REJECTED)

    response = client.get(list_url(contender_list))

    html = response.content.decode()
    assert pending.city.name not in html
    assert rejected.city.name not in html
    assert ranks_on(response, "top_ten") == [1, 2, 3]


@pytest.mark.parametrize("size", [12, 80])
def test_list_pages_run_the_same_queries_whatever_the_list_size(
    client, make_ranked_list, django_assert_num_queries, size
):
    """The list, its contenders, the top comment of each of the Top Ten, the rows' last
    30 days (their sparklines) and the map's leading contenders."""
    contender_list = make_ranked_list(size)

    with django_assert_num_queries(5):
        client.get(list_url(contender_list))
    with django_assert_num_queries(5):
        client.get(list_url(contender_list, page=1))
    # Search results have no Top Ten, so no top comments, and no map.
    with django_assert_num_queries(3):
        client.get(list_url(contender_list, q="Testville"))


def test_searching_a_list_filters_by_city_or_country(client, make_ranked_list):
    contender_list = make_ranked_list(30)
    kyoto = ContenderFactory(
        contender_list=contender_list, city=CityFactory(name="Kyoto", country="Japan")
    )
    lyon = ContenderFactory(
        contender_list=contender_list, city=CityFactory(name="Lyon", country="France")
    )

    by_city = client.get(list_url(contender_list, q="kyo"))
    by_country = client.get(list_url(contender_list, q="FRANCE"))
    nothing = client.get(list_url(contender_list, q="Atlantis"))

    assert [c.pk for c in by_city.context["page"].contenders] == [kyoto.pk]
    assert [c.pk for c in by_country.context["page"].contenders] == [lyon.pk]
    assert ranks_on(by_city, "contenders") == [31]
    assert "No city or country in this list matches" in nothing.content.decode()


def test_list_search_pages_through_many_matches(client, make_ranked_list):
    contender_list = make_ranked_list(60)

    first = client.get(list_url(contender_list, q="testville"))
    second = client.get(list_url(contender_list, q="testville", page=2))

    assert ranks_on(first, "contenders") == list(range(1, 26))
    assert ranks_on(second, "contenders") == list(range(26, 51))
    assert 'href="?q=testville&amp;page=3#results"' in second.content.decode()


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "0"}, {"page": "-1"}, {"page": "99999999999"}, {"page": "3"}],
)
def test_bad_page_numbers_are_not_found(client, make_ranked_list, query):
    contender_list = make_ranked_list(40)

    response = client.get(list_url(contender_list, **query))

    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_absurd_searches_get_a_clear_message(client, make_ranked_list):
    contender_list = make_ranked_list(5)

    too_long = client.get(list_url(contender_list, q="x" * 500))
    null_byte = client.get(list_url(contender_list, q="to%00kyo"))

    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.content.decode()
    assert null_byte.status_code == 400
    assert "control character" in null_byte.content.decode()


def test_unknown_list_is_not_found(client, db):
    response = client.get(reverse("cities:list_detail", args=["no-such-list"]))

    assert response.status_code == 404


def test_list_page_refuses_writes(client, make_ranked_list):
    contender_list = make_ranked_list(1)

    response = client.post(list_url(contender_list))

    assert response.status_code == 405


# --- City page -----------------------------------------------------------------


def test_city_page_shows_profile_facts_sectors_organizations_and_ranks(client, make_ranked_list):
    city = CityFactory(name="Shenzhen", profile="Hardware capital.\n\nFast prototyping.")
    city.sectors.add(SectorFactory(name="Consumer electronics and hardware"))
    fact = FactFactory(city=city, label="Technology firms", value="more than 16,000", year=2021)
    organization = OrganizationFactory(city=city, name="Huaqiangbei")
    contender_list = make_ranked_list(4, title="Best City for Tech Startups")
    ContenderFactory(contender_list=contender_list, city=city)

    response = client.get(city.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Hardware capital.</p>" in html
    assert "<p>Fast prototyping.</p>" in html
    assert "more than 16,000" in html
    assert fact.source.title in html
    assert "2021" in html
    assert "Consumer electronics and hardware" in html
    assert organization.name in html
    assert "#5</span> in" in html
    assert "Best City for Tech Startups" in html


@pytest.mark.parametrize("extra", [1, 6])
def test_city_page_runs_the_same_queries_however_much_it_shows(
    client, member, django_assert_num_queries, extra, relaxed_rate_limits
):
    """City, sectors, organizations, facts, standings; comment count, page and replies."""
    city = CityFactory()
    for _ in range(extra):
        FactFactory(city=city)
        OrganizationFactory(city=city)
        city.sectors.add(SectorFactory())
        contender = ContenderFactory(city=city)
        comment = post_comment(user=member, contender_id=contender.pk, body="Great labs.")
        post_comment(
            user=UserFactory(), contender_id=contender.pk, parent_id=comment.pk, body="Agreed."
        )

    with django_assert_num_queries(8):
        client.get(city.get_absolute_url())


def test_city_page_has_vote_buttons_in_every_list_it_stands_in(member_client, member):
    city = CityFactory(name="Seoul")
    voted, other = ContenderFactory(city=city), ContenderFactory(city=city)
    cast_vote(user=member, contender_id=voted.pk, value=1)

    html = member_client.get(city.get_absolute_url()).content.decode()

    for contender in (voted, other):
        assert f'id="vote-{contender.pk}"' in html
        assert f'formaction="{reverse("comments:vote", args=[contender.pk])}"' in html
    assert html.count('aria-pressed="true"') == 1
    assert 'id="vote-form"' in html


def test_a_vote_on_the_city_page_comes_back_to_its_standing(member_client):
    city = CityFactory(name="Seoul")
    contender = ContenderFactory(city=city)
    vote_url = reverse("comments:vote", args=[contender.pk])

    response = member_client.post(vote_url, {"value": "1", "next": city.get_absolute_url()})

    assert response["Location"] == f"{city.get_absolute_url()}#contender-{contender.pk}"
    html = member_client.get(response["Location"]).content.decode()
    assert f'<li id="contender-{contender.pk}">' in html


@pytest.mark.parametrize("lists", [1, 6])
def test_a_members_city_page_runs_the_same_queries_however_many_lists(
    member_client, member, django_assert_num_queries, lists
):
    """Session, user, city, sectors, organizations, facts, standings, the member's votes on
    them, the comment count."""
    city = CityFactory()
    for _ in range(lists):
        cast_vote(user=member, contender_id=ContenderFactory(city=city).pk, value=1)

    with django_assert_num_queries(9):
        member_client.get(city.get_absolute_url())


def test_unknown_city_is_not_found(client, db):
    assert client.get(reverse("cities:city_detail", args=["atlantis"])).status_code == 404


def test_user_supplied_text_is_escaped(client, make_ranked_list):
    city = CityFactory(name="<script>alert(1)</script>", summary="<b>bold</b> claims")
    ContenderFactory(contender_list=make_ranked_list(0), city=city)

    html = client.get(city.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


# --- Errors and health ------------------------------------------------------------


def test_server_errors_get_the_sites_own_page(client, db, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert "TechVote" in html


def test_health_check_reports_the_database(client, db):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.content == b"ok\n"
