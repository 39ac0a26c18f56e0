"""Suggesting any city by name and country (comments.suggestions.suggest_city), the
moderators' decision on it (comments.moderation), and where members see it."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cities.models import City, CitySuggestion, Contender
from comments.models import ModerationLogEntry
from comments.moderation import approve_city_suggestion, reject_city_suggestion
from comments.services import suggest_city
from tests.factories import CityFactory, ContenderFactory, UserFactory
from tests.helpers import rank_of, refusal_of

pytestmark = pytest.mark.django_db

NAIROBI = {"name": "Nairobi", "country": "Kenya", "reason": "Silicon Savannah: M-Pesa, iHub."}
NEW_CITY = {
    "continent": "africa",
    "latitude": Decimal("-1.2864"),
    "longitude": Decimal("36.8172"),
    "summary": "East Africa's tech hub.",
}


def suggest_url(contender_list) -> str:
    return reverse("comments:suggest", args=[contender_list.slug])


def _suggest(user, contender_list, **fields):
    return suggest_city(user=user, contender_list_id=contender_list.pk, **{**NAIROBI, **fields})


# --- The form -------------------------------------------------------------------------------


def test_a_member_suggests_a_city_the_site_does_not_have(member_client, member, contender):
    contender_list = contender.contender_list

    response = member_client.post(suggest_url(contender_list), NAIROBI)

    assert response.status_code == 302
    assert response["Location"] == contender_list.get_absolute_url()
    suggestion = CitySuggestion.objects.get()
    assert (suggestion.name, suggestion.country, suggestion.reason) == (
        "Nairobi",
        "Kenya",
        NAIROBI["reason"],
    )
    assert (suggestion.status, suggestion.suggested_by, suggestion.city) == (
        "pending",
        member,
        None,
    )
    assert not City.objects.filter(name="Nairobi").exists()


def test_the_form_page_asks_for_name_country_and_reason(member_client, contender):
    html = member_client.get(suggest_url(contender.contender_list)).content.decode()

    assert 'name="name"' in html
    assert 'name="country"' in html
    assert 'name="reason"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("country", "", "This field is required."),
        ("reason", "", "Say in a sentence why it belongs in the list."),
        ("reason", "Nice", "Say a little more: at least 10 characters."),
        ("name", "x" * 101, "at most 100 characters"),
    ],
)
def test_a_form_missing_something_says_what_and_stores_nothing(
    member_client, contender, field, value, message
):
    response = member_client.post(suggest_url(contender.contender_list), {**NAIROBI, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CitySuggestion.objects.exists()


def test_a_city_already_in_the_list_is_refused_with_a_link_to_it(member_client, contender):
    city = contender.city

    response = member_client.post(
        suggest_url(contender.contender_list),
        {"name": f"  {city.name.upper()} ", "country": city.country.lower(), "reason": "x" * 20},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert f"{city.name} is already in this list." in html
    assert f'href="{contender.get_comments_url()}"' in html
    assert not CitySuggestion.objects.exists()


def test_a_pending_suggestion_is_refused_with_when_it_was_made(member_client, contender):
    _suggest(UserFactory(), contender.contender_list)

    response = member_client.post(
        suggest_url(contender.contender_list), {**NAIROBI, "name": "nairobi "}
    )

    assert response.status_code == 409
    assert "Nairobi was suggested on" in response.content.decode()
    assert "waits for a moderator" in response.content.decode()
    assert CitySuggestion.objects.count() == 1


def test_anonymous_visitors_are_sent_to_log_in(client, contender):
    response = client.post(suggest_url(contender.contender_list), NAIROBI)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not CitySuggestion.objects.exists()


def test_the_form_needs_a_csrf_token(member, contender):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(suggest_url(contender.contender_list), NAIROBI)

    assert response.status_code == 403
    assert not CitySuggestion.objects.exists()


def test_suggestions_are_rate_limited(member_client, contender, settings):
    limits = {"minute": 1, "day": 5}
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "suggest": {"established": limits, "new": limits},
    }
    url = suggest_url(contender.contender_list)
    assert member_client.post(url, NAIROBI).status_code == 302

    response = member_client.post(url, {**NAIROBI, "name": "Kigali", "country": "Rwanda"})

    assert response.status_code == 429
    assert CitySuggestion.objects.count() == 1


# --- The service ------------------------------------------------------------------------------


def test_a_city_the_site_has_is_linked_by_any_of_its_spellings(member, make_ranked_list):
    city = CityFactory(name="Bengaluru", country="India", also_known_as="Bangalore")
    contender_list = make_ranked_list(1)

    suggestion = _suggest(member, contender_list, name="bangalore", country="INDIA")

    assert (suggestion.city, suggestion.name, suggestion.country) == (city, "Bengaluru", "India")


def test_a_city_of_several_spellings_is_linked_by_each_of_them(member, make_ranked_list):
    city = CityFactory(name="Ho Chi Minh City", country="Vietnam", also_known_as="Saigon,Sai Gon")
    first, second = make_ranked_list(1), make_ranked_list(1)

    by_one = _suggest(member, first, name="saigon", country="Vietnam")
    by_two_words = _suggest(member, second, name="Sai  Gon", country="Vietnam")

    assert (by_one.city, by_one.name) == (city, "Ho Chi Minh City")
    assert (by_two_words.city, by_two_words.name) == (city, "Ho Chi Minh City")


def test_a_pending_suggestion_is_refused_with_the_day_it_was_made(member, make_ranked_list):
    contender_list = make_ranked_list(1)
    earlier = _suggest(UserFactory(), contender_list)
    made = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
    CitySuggestion.objects.filter(pk=earlier.pk).update(created_at=made)

    refusal = refusal_of(_suggest, user=member, contender_list=contender_list)

    assert refusal.status == 409
    assert refusal.message == "Nairobi was suggested on 5 March 2026 and waits for a moderator."


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_a_city_waiting_or_declined_in_the_list_points_at_the_city(
    member, make_ranked_list, status
):
    contender_list = make_ranked_list(1)
    waiting = ContenderFactory(contender_list=contender_list, status=status)

    refusal = refusal_of(
        _suggest,
        user=member,
        contender_list=contender_list,
        name=waiting.city.name,
        country=waiting.city.country,
    )

    assert refusal.status == 409
    assert refusal.link == (waiting.city.get_absolute_url(), f"{waiting.city.name} on TechVote")


def test_a_declined_suggestion_is_refused_with_the_moderators_reason(
    member, moderator, make_ranked_list
):
    contender_list = make_ranked_list(1)
    earlier = _suggest(UserFactory(), contender_list)
    reject_city_suggestion(moderator=moderator, suggestion=earlier, reason="Not yet a hub.")

    refusal = refusal_of(_suggest, user=member, contender_list=contender_list)

    assert refusal.status == 409
    assert "the moderators declined it: “Not yet a hub.”" in refusal.message


@pytest.mark.parametrize("blank", ["name", "country", "reason"])
def test_the_service_refuses_a_suggestion_missing_something(member, make_ranked_list, blank):
    refusal = refusal_of(_suggest, user=member, contender_list=make_ranked_list(1), **{blank: " "})

    assert (refusal.status, refusal.message) == (
        400,
        "Give the city's name, its country and why it belongs here.",
    )
    assert not CitySuggestion.objects.exists()


def test_a_city_standing_in_another_list_may_be_suggested_for_this_one(member, make_ranked_list):
    elsewhere = ContenderFactory(contender_list=make_ranked_list(1))
    contender_list = make_ranked_list(1)

    suggestion = _suggest(
        member, contender_list, name=elsewhere.city.name, country=elsewhere.city.country
    )

    assert (suggestion.city, suggestion.status) == (elsewhere.city, "pending")


def test_an_approved_suggestion_does_not_refuse_its_old_name(member, moderator, make_ranked_list):
    """The city approved as "Bombay" is renamed since: "Bombay" may be suggested again."""
    contender_list = make_ranked_list(1)
    earlier = _suggest(UserFactory(), contender_list, name="Bombay", country="India")
    approve_city_suggestion(moderator=moderator, suggestion=earlier, **NEW_CITY)
    City.objects.filter(name="Bombay").update(name="Mumbai", also_known_as="")

    again = _suggest(member, contender_list, name="Bombay", country="India")

    assert (again.name, again.status, again.city) == ("Bombay", "pending", None)


def test_the_same_city_may_wait_for_two_lists(member, make_ranked_list):
    first, second = make_ranked_list(1), make_ranked_list(1)

    _suggest(member, first)
    _suggest(member, second)

    assert CitySuggestion.objects.pending().count() == 2


def test_a_closed_list_takes_no_suggestions(member, make_ranked_list):
    closed = make_ranked_list(1, is_open=False, title="Closed Cities")

    refusal = refusal_of(_suggest, user=member, contender_list=closed)

    assert (refusal.status, refusal.message) == (409, "Voting on “Closed Cities” has closed.")


def test_an_unverified_member_may_not_suggest(make_ranked_list):
    refusal = refusal_of(
        _suggest, user=UserFactory(verified=False), contender_list=make_ranked_list(1)
    )

    assert refusal.status == 403
    assert not CitySuggestion.objects.exists()


# --- Moderators -----------------------------------------------------------------------------


def test_approving_a_new_city_makes_it_and_puts_it_in_the_list(
    member, moderator, make_ranked_list, django_capture_on_commit_callbacks
):
    contender_list = make_ranked_list(2)
    suggestion = _suggest(member, contender_list)

    with django_capture_on_commit_callbacks(execute=True):
        assert approve_city_suggestion(
            moderator=moderator, suggestion=suggestion, reason="Welcome.", **NEW_CITY
        )

    suggestion.refresh_from_db()
    city = City.objects.get(name="Nairobi")
    assert (city.country, city.slug, city.continent, city.latitude) == (
        "Kenya",
        "nairobi",
        "africa",
        NEW_CITY["latitude"],
    )
    assert (suggestion.status, suggestion.city, suggestion.decided_by) == (
        "approved",
        city,
        moderator,
    )
    contender = suggestion.contender
    assert (contender.city, contender.status, contender.suggested_by) == (city, "approved", member)
    assert rank_of(contender) == 3
    entry = ModerationLogEntry.objects.get()
    assert (entry.action, entry.contender, entry.reason) == (
        "approve-contender",
        contender,
        "Welcome.",
    )
    assert "Nairobi, Kenya" in entry.subject


def test_a_new_city_needs_its_place_before_it_is_approved(member, moderator, make_ranked_list):
    suggestion = _suggest(member, make_ranked_list(1))

    refusal = refusal_of(approve_city_suggestion, moderator=moderator, suggestion=suggestion)

    assert refusal.status == 400
    assert "give its continent, latitude, longitude" in refusal.message
    suggestion.refresh_from_db()
    assert suggestion.status == "pending"
    assert not City.objects.filter(name="Nairobi").exists()
    assert not ModerationLogEntry.objects.exists()


def test_a_city_the_site_has_joins_the_list_without_details(member, moderator, make_ranked_list):
    city = CityFactory(name="Kigali", country="Rwanda")
    contender_list = make_ranked_list(1)
    suggestion = _suggest(member, contender_list, name="Kigali", country="Rwanda")

    assert approve_city_suggestion(moderator=moderator, suggestion=suggestion)

    assert Contender.objects.approved().filter(contender_list=contender_list, city=city).exists()
    assert City.objects.filter(name="Kigali").count() == 1


def test_a_new_city_whose_name_is_taken_gets_its_country_in_its_address(
    member, moderator, make_ranked_list
):
    CityFactory(name="Cambridge", country="United States", slug="cambridge")
    suggestion = _suggest(member, make_ranked_list(1), name="Cambridge", country="United Kingdom")

    approve_city_suggestion(moderator=moderator, suggestion=suggestion, **NEW_CITY)

    assert City.objects.get(country="United Kingdom").slug == "cambridge-united-kingdom"


def test_rejecting_keeps_the_suggestion_with_the_reason(member, moderator, make_ranked_list):
    suggestion = _suggest(member, make_ranked_list(1))

    assert reject_city_suggestion(moderator=moderator, suggestion=suggestion, reason="Too small.")
    assert not reject_city_suggestion(moderator=moderator, suggestion=suggestion, reason="Again.")

    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.decision_reason) == ("rejected", "Too small.")
    assert suggestion.contender is None
    assert ModerationLogEntry.objects.get().action == "reject-contender"


def test_a_decided_suggestion_is_not_decided_again(member, moderator, make_ranked_list):
    suggestion = _suggest(member, make_ranked_list(1))
    reject_city_suggestion(moderator=moderator, suggestion=suggestion, reason="Too small.")

    assert not approve_city_suggestion(moderator=moderator, suggestion=suggestion, **NEW_CITY)
    assert not City.objects.filter(name="Nairobi").exists()


def test_members_may_not_decide(member, make_ranked_list):
    from django.core.exceptions import PermissionDenied

    suggestion = _suggest(member, make_ranked_list(1))

    with pytest.raises(PermissionDenied):
        approve_city_suggestion(moderator=member, suggestion=suggestion, **NEW_CITY)


def test_the_admin_queue_shows_pending_suggestions_with_their_reason(
    client, member, moderator, make_ranked_list
):
    contender_list = make_ranked_list(1)
    _suggest(member, contender_list)
    decided = _suggest(member, contender_list, name="Kigali", country="Rwanda")
    reject_city_suggestion(moderator=moderator, suggestion=decided, reason="Later.")
    client.force_login(moderator)

    html = client.get(reverse("admin:cities_citysuggestion_changelist")).content.decode()

    assert "Nairobi" in html
    assert NAIROBI["reason"] in html
    assert "Kigali" not in html


def test_the_admin_approval_asks_for_the_new_citys_place(
    client, member, moderator, make_ranked_list
):
    suggestion = _suggest(member, make_ranked_list(1))
    client.force_login(moderator)
    url = reverse("admin:cities_citysuggestion_changelist")
    chosen = {"action": "approve", "_selected_action": [suggestion.pk]}

    asked = client.post(url, chosen)
    assert "Latitude" in asked.content.decode()
    assert not City.objects.filter(name="Nairobi").exists()

    client.post(url, {**chosen, **NEW_CITY, "reason": "", "apply": "1"})

    suggestion.refresh_from_db()
    assert suggestion.status == "approved"
    assert suggestion.city.latitude == NEW_CITY["latitude"]
    decided = client.get(url + "?status=approved").content.decode()
    city_page = reverse("admin:cities_city_change", args=[suggestion.city_id])
    assert city_page in decided
    assert 'name="profile"' in client.get(city_page).content.decode()  # Theirs to fill in.


def test_moderators_may_fill_in_an_approved_citys_profile(moderator):
    assert moderator.has_perm("cities.change_city")
    assert moderator.has_perm("cities.add_fact")
    assert not moderator.has_perm("cities.delete_city")


# --- Where members see it ------------------------------------------------------------------


def test_members_see_their_own_suggestions_and_their_status(
    client, member, moderator, make_ranked_list
):
    contender_list = make_ranked_list(1)
    _suggest(member, contender_list)
    declined = _suggest(member, contender_list, name="Kigali", country="Rwanda")
    reject_city_suggestion(moderator=moderator, suggestion=declined, reason="Not a hub yet.")
    url = reverse("comments:user_profile", args=[member.username])

    client.force_login(member)
    own = client.get(url).content.decode()
    client.force_login(UserFactory())
    others = client.get(url).content.decode()

    assert "Nairobi, Kenya" in own
    assert "Waiting for a moderator" in own
    assert "Declined" in own
    assert "Not a hub yet." in own
    assert "Nairobi" not in others


def test_the_list_page_says_how_many_cities_wait(client, member, make_ranked_list):
    contender_list = make_ranked_list(3)
    _suggest(member, contender_list)
    _suggest(member, contender_list, name="Kigali", country="Rwanda")
    ContenderFactory(contender_list=contender_list, status="pending")
    _suggest(member, make_ranked_list(1), name="Lagos", country="Nigeria")

    html = client.get(contender_list.get_absolute_url()).content.decode()

    assert "3 cities waiting for moderators" in html


def test_the_list_page_says_nothing_when_none_wait(client, make_ranked_list):
    contender_list = make_ranked_list(3)

    html = client.get(contender_list.get_absolute_url()).content.decode()

    assert "waiting for moderators" not in html


@pytest.mark.parametrize("waiting", [1, 6])
def test_the_waiting_count_costs_the_list_page_no_query(
    client, member, make_ranked_list, django_assert_num_queries, relaxed_rate_limits, waiting
):
    """The same five queries as any list page: the count is read with the list."""
    contender_list = make_ranked_list(12)
    for n in range(waiting):
        _suggest(member, contender_list, name=f"Newtown {n}")

    with django_assert_num_queries(5):
        html = client.get(contender_list.get_absolute_url()).content.decode()

    assert f"{waiting} cit" in html
