"""A list page as a newcomer meets it: the address that keeps what "Load more"
loaded, the pages without JavaScript, a phone's compact rows, the filters by
continent and country, and the rising view."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cities.models import ContenderList, Continent
from comments.services import cast_vote
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import ranking

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"  # As the pages print a range.
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "contenders-list"}


def list_url(contender_list, query: str = "") -> str:
    return reverse("cities:list_detail", args=[contender_list.slug]) + query


def ranks_on(response, section: str = "contenders") -> list[int]:
    return [contender.rank for contender in getattr(response.context["page"], section)]


def names_on(response) -> list[str]:
    return [contender.city.name for contender in response.context["page"].contenders]


def city_links(response) -> list[str]:
    """The cities the rows name, read from the page (a member's may be no template's context)."""
    html = response.content.decode()
    return re.findall(r'<h3 class="contender__name"><a [^>]*>([^<]*)</a>', html)


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def make_world_list(asia: int, europe: int, japan: int = 0) -> ContenderList:
    """A list of Asian then European cities, ranked in that order; the first `japan` in Japan."""
    contender_list = ContenderListFactory(title="Most High Tech Cities")
    for n in range(asia):
        country = "Japan" if n < japan else "South Korea"
        city = CityFactory(name=f"Asia {n}", country=country, continent=Continent.ASIA)
        ContenderFactory(contender_list=contender_list, city=city)
    for n in range(europe):
        city = CityFactory(name=f"Europe {n}", continent=Continent.EUROPE)
        ContenderFactory(contender_list=contender_list, city=city)
    return contender_list


# --- The address keeps what "Load more" loaded -----------------------------------


def test_an_address_up_to_a_page_shows_every_row_up_to_it(client, make_ranked_list):
    contender_list = make_ranked_list(100)

    response = client.get(list_url(contender_list, "?upto=3"))

    assert response.status_code == 200
    assert ranks_on(response, "top_ten") == list(range(1, 11))
    assert ranks_on(response) == list(range(11, 86))
    html = response.content.decode()
    assert 'href="?page=4#contenders"' in html
    assert 'data-hx-get="?upto=4"' in html
    assert f"Contenders 11{DASH}85 of 100" in html
    assert title_of(response) == f"{contender_list.title} · TechVote"


def test_load_more_by_htmx_asks_for_the_address_it_leaves_and_gets_its_last_page(
    client, make_ranked_list
):
    contender_list = make_ranked_list(100)

    first = client.get(list_url(contender_list))
    more = client.get(list_url(contender_list, "?upto=2"), **HTMX)

    assert 'data-hx-get="?upto=2"' in first.content.decode()
    assert ranks_on(more) == list(range(36, 61))
    assert more.content.decode().count('<li class="contender"') == 25
    assert 'data-hx-get="?upto=3"' in more.content.decode()


def test_an_address_from_a_later_page_keeps_its_first_page(client, make_ranked_list):
    contender_list = make_ranked_list(100)

    response = client.get(list_url(contender_list, "?page=2&upto=3"))
    more = client.get(list_url(contender_list, "?page=2&upto=4"), **HTMX)

    assert ranks_on(response, "top_ten") == []
    assert ranks_on(response) == list(range(36, 86))
    assert 'data-hx-get="?page=2&amp;upto=4"' in response.content.decode()
    assert ranks_on(more) == list(range(86, 101))


def test_past_the_pages_one_address_holds_load_more_names_the_next_page_alone(
    client, make_ranked_list, settings
):
    settings.CONTENDERS_PER_PAGE = 2
    contender_list = make_ranked_list(10 + 2 * 21 + 1)

    full = client.get(list_url(contender_list, "?upto=20"))
    beyond = client.get(list_url(contender_list, "?upto=21"))

    assert ranks_on(full)[-1] == 50
    assert 'data-hx-get="?page=21"' in full.content.decode()
    assert beyond.status_code == 404


@pytest.mark.parametrize("query", ["?page=3&upto=2", "?upto=0", "?upto=abc", "?page=2&upto=22"])
def test_malformed_addresses_of_pages_are_not_found(client, make_ranked_list, query):
    contender_list = make_ranked_list(40)

    assert client.get(list_url(contender_list, query)).status_code == 404


def test_an_address_past_the_end_shows_what_there_is(client, make_ranked_list):
    contender_list = make_ranked_list(40)

    response = client.get(list_url(contender_list, "?upto=5"))

    assert response.status_code == 200
    assert ranks_on(response) == list(range(11, 41))
    assert "Load more contenders" not in response.content.decode()


# --- Pages without JavaScript -----------------------------------------------------


def test_a_later_page_has_its_title_its_place_and_links_either_way(
    client, make_ranked_list, settings
):
    contender_list = make_ranked_list(100)

    second = client.get(list_url(contender_list, "?page=2"))
    third = client.get(list_url(contender_list, "?page=3"))

    html = second.content.decode()
    assert title_of(second) == f"{contender_list.title} — page 2 · TechVote"
    assert f"Contenders 36{DASH}60 of 100" in html
    assert f'href="{list_url(contender_list)}#contenders" rel="prev">Previous contenders' in html
    assert 'href="?page=3#contenders" rel="next">Next contenders' in html
    assert 'href="?page=2#contenders" rel="prev">Previous contenders' in third.content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}{list_url(contender_list)}">' in html


def test_the_last_page_has_no_next_link(client, make_ranked_list):
    contender_list = make_ranked_list(40)

    html = client.get(list_url(contender_list, "?page=2")).content.decode()

    assert f"Contenders 36{DASH}40 of 40" in html
    assert "Previous contenders" in html
    assert "Next contenders" not in html


def test_the_first_page_says_where_it_stands_and_needs_no_pager(client, make_ranked_list):
    contender_list = make_ranked_list(40)

    html = client.get(list_url(contender_list)).content.decode()

    assert f"Contenders 11{DASH}35 of 40" in html
    assert "Previous contenders" not in html


# --- A phone's compact rows --------------------------------------------------------


def test_a_rows_summary_and_top_comment_fold_into_one_disclosure(client, make_ranked_list):
    contender_list = make_ranked_list(12)

    html = client.get(list_url(contender_list)).content.decode()

    rows = re.findall(r'<li class="contender".*?</li>', html, re.S)
    assert len(rows) == 12
    for row in rows:
        details = re.search(r'<details class="contender__more">(.*?)</details>', row, re.S)
        assert details, row
        assert "<summary>More about Testville" in details.group(1)
        assert 'class="contender__summary"' in details.group(1)
        assert "<details" not in row.split("<details", 1)[0]  # Name and country stay outside.
        assert 'class="contender__name"' in row.split("<details", 1)[0]


# --- Filters by continent and country -------------------------------------------------


def test_a_continent_shows_its_contenders_with_their_ranks_in_the_whole_list(client):
    contender_list = make_world_list(asia=3, europe=30)

    response = client.get(list_url(contender_list, "?continent=europe"))

    assert response.status_code == 200
    assert names_on(response)[:2] == ["Europe 0", "Europe 1"]
    assert ranks_on(response) == list(range(4, 29))
    html = response.content.decode()
    assert "Contenders in Europe" in html
    assert f"Contenders 1{DASH}25 of 30" in html
    assert title_of(response) == f"{contender_list.title}: Contenders in Europe · TechVote"
    assert 'href="?continent=europe&amp;page=2#results"' in html
    second = client.get(list_url(contender_list, "?continent=europe&page=2"))
    assert ranks_on(second) == list(range(29, 34))
    assert f"Contenders 26{DASH}30 of 30" in second.content.decode()


def test_a_rows_country_links_to_that_countrys_contenders(client):
    contender_list = make_world_list(asia=4, europe=2, japan=2)

    page = client.get(list_url(contender_list)).content.decode()
    response = client.get(list_url(contender_list, "?country=japan"))

    assert f'href="{list_url(contender_list)}?country=Japan#results"' in page
    assert names_on(response) == ["Asia 0", "Asia 1"]
    assert "From japan only." in response.content.decode()
    both = client.get(list_url(contender_list, "?country=Japan&continent=europe"))
    assert names_on(both) == []
    assert "No contender of this list is from Japan in Europe." in both.content.decode()


def test_an_unknown_continent_or_a_rising_view_narrowed_gets_a_clear_message(client):
    contender_list = make_world_list(asia=2, europe=2)

    unknown = client.get(list_url(contender_list, "?continent=atlantis"))
    narrowed = client.get(list_url(contender_list, "?sort=rising&continent=asia"))
    unknown_view = client.get(list_url(contender_list, "?sort=newest"))

    assert unknown.status_code == 400
    assert "There is no continent called “atlantis”" in unknown.content.decode()
    assert narrowed.status_code == 400
    assert "The rising view covers the whole list" in narrowed.content.decode()
    assert unknown_view.status_code == 400
    assert '<li class="contender"' not in unknown.content.decode()


# --- Rising since yesterday --------------------------------------------------------


def test_rising_shows_the_contenders_that_climbed_most_since_the_snapshot(
    client, make_ranked_list, relaxed_rate_limits
):
    contender_list = make_ranked_list(6)
    yesterday = timezone.localdate() - timedelta(days=1)
    ContenderList.objects.filter(pk=contender_list.pk).update(ranks_snapshot_on=yesterday)
    ids = ranking(contender_list)
    voters = [UserFactory() for _ in range(2)]
    # The sixth climbs to first (5 places), the fourth to second (2 places).
    for voter in voters:
        cast_vote(user=voter, contender_id=ids[5], value=1)
    cast_vote(user=voters[0], contender_id=ids[3], value=1)

    response = client.get(list_url(contender_list, "?sort=rising"))

    page = response.context["page"]
    assert [c.pk for c in page.contenders] == [ids[5], ids[3]]
    assert [(c.rank, c.rank_movement) for c in page.contenders] == [(1, 5), (2, 2)]
    html = response.content.decode()
    assert "Rising since yesterday" in html
    assert title_of(response) == f"{contender_list.title}: Rising since yesterday · TechVote"


def test_rising_on_a_quiet_day_says_nothing_climbed(client, make_ranked_list):
    contender_list = make_ranked_list(3)

    response = client.get(list_url(contender_list, "?sort=rising"))

    assert response.status_code == 200
    assert "No contender has climbed since the last daily snapshot." in response.content.decode()


def test_rising_ranks_by_the_lists_own_method_whatever_the_address_asks(client, make_ranked_list):
    contender_list = make_ranked_list(3)

    response = client.get(list_url(contender_list, "?sort=rising&method=wilson"))

    assert response.context["page"].method == contender_list.ranking


# --- Queries and the cache ------------------------------------------------------------


@pytest.mark.parametrize("size", [12, 80])
@pytest.mark.parametrize(
    "query", ["?continent=europe", "?country=Testland", "?sort=rising", "?upto=3"]
)
def test_filtered_and_longer_pages_run_the_same_queries_whatever_the_list_size(
    client, make_ranked_list, django_assert_num_queries, size, query, relaxed_rate_limits
):
    """The list, its rows, the rows' last 30 days; the whole list also reads the Top Ten's
    top comments and the map."""
    contender_list = make_ranked_list(size)
    yesterday = timezone.localdate() - timedelta(days=1)
    ContenderList.objects.filter(pk=contender_list.pk).update(ranks_snapshot_on=yesterday)
    cast_vote(user=UserFactory(), contender_id=ranking(contender_list)[-1], value=1)

    with django_assert_num_queries(5 if query == "?upto=3" else 3):
        response = client.get(list_url(contender_list, query))
    assert response.context["page"].contenders


def test_a_filtered_page_is_shared_like_the_whole_list(
    member_client, settings, django_assert_num_queries
):
    """Session and user, then only the member's own votes: the part of the list is shared."""
    settings.ANONYMOUS_PAGE_SECONDS = 5
    contender_list = make_world_list(asia=3, europe=3)
    url = list_url(contender_list, "?continent=asia")
    other = Client()
    other.force_login(UserFactory())
    other.get(url)

    with django_assert_num_queries(3):
        asia = member_client.get(url)
    europe = member_client.get(list_url(contender_list, "?continent=europe"))

    assert city_links(asia) == ["Asia 0", "Asia 1", "Asia 2"]
    assert city_links(europe) == ["Europe 0", "Europe 1", "Europe 2"]
