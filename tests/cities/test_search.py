import pytest
from django.db import connection
from django.urls import reverse

from cities.models import City, ContenderList
from tests.factories import CityFactory, ContenderListFactory

pytestmark = pytest.mark.django_db


def search(client, terms):
    return client.get(reverse("cities:search"), {"q": terms})


@pytest.fixture
def places(db):
    return {
        "tokyo": CityFactory(name="Tokyo", country="Japan", summary="Robots and rail."),
        "osaka": CityFactory(name="Osaka", country="Japan", summary="Batteries and trade."),
        "berlin": CityFactory(name="Berlin", country="Germany", summary="Startups galore."),
        "startups": ContenderListFactory(
            title="Best City for Tech Startups", question="Where would you found a company?"
        ),
        "green": ContenderListFactory(title="Greenest Smart City", question="Which is greenest?"),
    }


def test_search_finds_cities_by_name_and_country(client, places):
    by_name = search(client, "tokyo")
    by_country = search(client, "japan")

    assert by_name.context["cities"] == [places["tokyo"]]
    assert set(by_country.context["cities"]) == {places["tokyo"], places["osaka"]}


def test_search_finds_lists_by_title(client, places):
    response = search(client, "greenest")

    assert response.context["lists"] == [places["green"]]
    assert "Greenest Smart City" in response.content.decode()


def test_every_word_must_match(client, places):
    assert search(client, "tokyo germany").context["cities"] == []


def test_no_match_says_so(client, places):
    html = search(client, "atlantis").content.decode()

    assert "No city matches “atlantis”" in html
    assert "No list matches “atlantis”" in html


def test_an_empty_search_runs_no_query(client, places, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = search(client, "   ")

    assert response.status_code == 200
    assert response.context["cities"] == []


def test_a_search_runs_two_queries(client, places, django_assert_num_queries):
    with django_assert_num_queries(2):
        search(client, "japan")


def test_absurd_searches_are_refused_with_a_message(client, places):
    too_long = search(client, "tokyo " * 100)
    with_null = client.get(reverse("cities:search") + "?q=tok%00yo")

    assert too_long.status_code == 400
    assert "at most 100 characters" in too_long.content.decode()
    assert with_null.status_code == 400


def test_search_syntax_characters_are_plain_text(client, places):
    for terms in ['"unclosed', "tokyo OR", "-", "&|!():*", "' OR 1=1 --", "%_"]:
        assert search(client, terms).status_code == 200, terms
    for wildcards in ["%_", "%", "_", "' OR 1=1 --"]:
        response = search(client, wildcards)
        assert (response.context["cities"], response.context["lists"]) == ([], []), wildcards


@pytest.mark.postgres
def test_postgres_search_is_stemmed_and_ranked(client, places):
    """Full-text search matches word forms and puts name matches before summary matches."""
    CityFactory(name="Startupville", country="Nowhere", summary="Quiet.")

    response = search(client, "startup")

    assert response.context["cities"][0].name == "Startupville"
    assert places["berlin"] in response.context["cities"]
    assert response.context["lists"] == [places["startups"]]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: City.objects.search("tokyo"), "city_search_idx"),
        (lambda: ContenderList.objects.search("green"), "contenderlist_search_idx"),
    ],
)
def test_postgres_search_uses_the_full_text_index(places, queryset, index):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        plan = queryset().explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    assert index in plan


def test_the_start_of_a_name_is_enough(client, places):
    assert search(client, "tok").context["cities"] == [places["tokyo"]]
    assert search(client, "Ber Germ").context["cities"] == [places["berlin"]]


# --- What a newcomer typed ----------------------------------------------------------


def test_a_word_must_start_a_word_so_ai_does_not_find_dubai(client, places):
    dubai = CityFactory(name="Dubai", country="United Arab Emirates", summary="Ports and towers.")
    research = ContenderListFactory(title="Best City for AI Research", question="Where is AI?")

    response = search(client, "AI")

    assert dubai not in response.context["cities"]
    assert response.context["lists"] == [research]
    assert search(client, "dub").context["cities"] == [dubai]


def test_lists_come_before_cities_when_the_words_name_a_list(client, places):
    CityFactory(name="Startup Bay", country="Nowhere", summary="A place for startups.")

    named = search(client, "startups").content.decode()
    a_city = search(client, "japan").content.decode()

    assert named.index('id="list-results-heading"') < named.index('id="city-results-heading"')
    assert a_city.index('id="city-results-heading"') < a_city.index('id="list-results-heading"')


def test_a_list_found_by_its_question_alone_does_not_jump_ahead(client, places):
    html = search(client, "found").content.decode()  # "Where would you found a company?"

    assert "Best City for Tech Startups" in html
    assert html.index('id="city-results-heading"') < html.index('id="list-results-heading"')


@pytest.mark.parametrize(("typed", "meant"), [("tokio", "tokyo"), ("Berlinn", "berlin")])
def test_a_near_miss_finds_the_city_it_meant(client, places, typed, meant):
    response = search(client, typed)
    html = response.content.decode()

    assert response.context["cities"] == []
    assert response.context["near_misses"][0] == places[meant]
    assert f"No city is called “{typed}”. Did you mean one of these?" in html
    assert f'href="{places[meant].get_absolute_url()}"' in html


def test_a_word_that_is_nothing_like_a_city_finds_no_near_miss(client, places):
    response = search(client, "kyoto")

    assert response.context["near_misses"] == []
    assert "No city matches “kyoto”" in response.content.decode()


def test_a_near_miss_search_runs_the_same_queries_however_many_cities(
    client, places, django_assert_num_queries
):
    # Two for cities and lists, then one (PostgreSQL) or two for near misses.
    expected = 3 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(expected):
        search(client, "tokio")
    for number in range(30):
        CityFactory(name=f"Testville {number}")
    with django_assert_num_queries(expected):
        search(client, "tokio")


def test_an_empty_search_explains_itself(client, places):
    html = search(client, "").content.decode()

    assert 'id="search-empty"' in html
    assert "Type a word above" in html
    assert 'aria-describedby="search-hint"' in html


@pytest.mark.postgres
def test_postgres_near_misses_use_the_trigram_index(places):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        plan = City.objects.filter(name__trigram_similar="tokio").explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    assert "city_name_trgm_idx" in plan
