"""A member's own account (comments.members): the profile their page shows, and
deleting the account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cities.models import CitySuggestion
from comments import members
from comments.ballots import save_ballot
from comments.duels import answer_duel
from comments.models import Ballot, BallotEntry, Comment, Duel, ListCount, MemberProfile, Vote
from comments.services import cast_vote, suggest_city
from tests.factories import PASSWORD, CityFactory, UserFactory
from tests.helpers import at_rank, ranking, say

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("comments:profile_edit")
DELETE_URL = reverse("comments:account_delete")


def page_of(user) -> str:
    return reverse("comments:user_profile", args=[user.username])


def signed_in(user) -> Client:
    """A client signed in with the password, as a browser would be."""
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


# --- The profile ---------------------------------------------------------------------------


def test_a_member_edits_their_profile_and_their_page_shows_it(member_client, member):
    city = CityFactory(name="Tallinn")

    response = member_client.post(
        PROFILE_URL,
        {
            "display_name": "  Ada   Lovelace ",
            "bio": "Counts engines.",
            "home_city": city.pk,
            "votes_public": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == page_of(member)
    profile = MemberProfile.objects.get(user=member)
    assert (profile.display_name, profile.bio, profile.home_city, profile.votes_public) == (
        "Ada Lovelace",
        "Counts engines.",
        city,
        True,
    )
    html = Client().get(page_of(member)).content.decode()
    assert "Ada Lovelace" in html
    assert "Counts engines." in html
    assert f'href="{city.get_absolute_url()}"' in html


def test_the_form_shows_what_the_profile_holds(member_client, member):
    MemberProfile.objects.create(user=member, display_name="Ada", votes_public=True)

    html = member_client.get(PROFILE_URL).content.decode()

    assert 'value="Ada"' in html
    assert re.search(r"<input [^>]*name=\"votes_public\"[^>]*checked", html)
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.parametrize(
    ("field", "value"),
    [("bio", "x" * 301), ("display_name", "x" * 51), ("home_city", "999999")],
)
def test_a_profile_out_of_bounds_is_refused_and_nothing_is_saved(
    member_client, member, field, value
):
    response = member_client.post(PROFILE_URL, {"display_name": "Ada", field: value})

    assert response.status_code == 400
    assert not MemberProfile.objects.filter(user=member).exists()


def test_anonymous_visitors_are_sent_to_log_in_to_edit_a_profile(client):
    response = client.get(PROFILE_URL)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_new_accounts_votes_are_private_but_still_count(client, member, contender):
    cast_vote(user=member, contender_id=contender.pk, value=1)

    others = client.get(page_of(member)).content.decode()
    client.force_login(member)
    own = client.get(page_of(member)).content.decode()

    assert "keeps their votes private" in others
    assert "▲ up" not in others
    assert "▲ up" in own
    assert "Only you see this list" in own
    contender.refresh_from_db()
    assert contender.score == 1


def test_public_votes_show_to_everyone(client, member, contender):
    MemberProfile.objects.create(user=member, votes_public=True)
    cast_vote(user=member, contender_id=contender.pk, value=1)

    html = client.get(page_of(member)).content.decode()

    assert "▲ up" in html
    assert contender.city.name in html


@pytest.mark.parametrize("votes_public", [True, False])
def test_the_page_runs_the_same_queries_with_or_without_a_profile(
    client, member, contender, django_assert_num_queries, votes_public
):
    """The member with their profile, comments, ballots; the votes' count and page if shown."""
    cast_vote(user=member, contender_id=contender.pk, value=1)
    MemberProfile.objects.create(
        user=member, votes_public=votes_public, home_city=contender.city, bio="Hi."
    )

    with django_assert_num_queries(5 if votes_public else 3):
        client.get(page_of(member))


# --- Deleting the account ------------------------------------------------------------------


def test_the_deletion_page_asks_for_the_password(member_client):
    html = member_client.get(DELETE_URL).content.decode()

    assert 'type="password"' in html
    assert 'autocomplete="current-password"' in html
    assert "[deleted member]" in html


def test_a_wrong_password_deletes_nothing(member_client, member, contender):
    cast_vote(user=member, contender_id=contender.pk, value=1)

    response = member_client.post(DELETE_URL, {"password": "not it"})

    assert response.status_code == 400
    assert "That is not your password; nothing was deleted." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active
    assert Vote.objects.filter(user=member).exists()


def test_guessing_the_password_is_cut_short(member_client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reauthenticate": "2/m/user"}
    for _ in range(2):
        assert member_client.post(DELETE_URL, {"password": "guess"}).status_code == 400

    response = member_client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 429
    assert "Too many tries at your password" in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


def test_an_account_without_a_password_confirms_with_the_phrase(client, member):
    member.set_unusable_password()
    member.save()
    client.force_login(member)

    assert client.post(DELETE_URL, {"phrase": "delete it"}).status_code == 400
    response = client.post(DELETE_URL, {"phrase": " Delete my  account"})

    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active


def test_deleting_takes_the_votes_out_of_the_ranking(
    member, make_ranked_list, django_capture_on_commit_callbacks, relaxed_rate_limits
):
    contender_list = make_ranked_list(3)
    first, second, third = (at_rank(contender_list, rank) for rank in (1, 2, 3))
    cast_vote(user=member, contender_id=third.pk, value=1)
    cast_vote(user=member, contender_id=first.pk, value=-1)
    save_ballot(
        user=member, contender_list_id=contender_list.pk, contender_ids=[third.pk, second.pk]
    )
    answer_duel(
        user=member,
        contender_list_id=contender_list.pk,
        number=1,
        left_id=third.pk,
        right_id=first.pk,
        winner_id=third.pk,
    )
    assert ranking(contender_list) == [third.pk, second.pk, first.pk]
    client = signed_in(member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert ranking(contender_list) == [first.pk, second.pk, third.pk]
    third.refresh_from_db()
    assert (third.upvotes, third.score) == (0, 0)
    assert not Vote.objects.filter(user=member).exists()
    assert not Ballot.objects.filter(user=member).exists()
    assert not BallotEntry.objects.filter(ballot__user=member).exists()
    assert not Duel.objects.filter(user=member).exists()
    count = ListCount.objects.get(contender_list=contender_list, method="schulze")
    assert (count.ballots, count.voters) == (0, 0)  # Counted again, without them.


def test_comments_stay_visible_signed_deleted_member(client, member, contender):
    comment = say(member, contender, body="The trams run on time here.")
    reply = say(UserFactory(), contender, body="They do, and the fibre too.", parent=comment)
    client.force_login(member)
    client.post(DELETE_URL, {"password": PASSWORD})

    html = Client().get(contender.get_comments_url()).content.decode()

    assert "The trams run on time here." in html
    assert "They do, and the fibre too." in html
    assert "[deleted member]" in html
    assert member.username not in html
    comment.refresh_from_db()
    assert comment.is_visible
    assert Comment.objects.filter(pk=reply.pk).exists()


def test_a_deleted_account_cannot_log_in_and_its_page_is_gone(client, member):
    username, email = member.username, member.email
    signed_in(member).post(DELETE_URL, {"password": PASSWORD})

    assert not client.login(username=username, password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert response.status_code == 200  # The form again, with its error.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("comments:user_profile", args=[username])).status_code == 404


def test_deleting_ends_every_session_of_the_member(member):
    here, elsewhere = signed_in(member), signed_in(member)

    response = here.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert "_auth_user_id" not in here.session
    html = elsewhere.get(reverse("cities:home")).content.decode()
    assert "Log out" not in html
    assert elsewhere.get(PROFILE_URL).status_code == 302  # Sent to log in.


def test_the_account_is_emptied_of_what_names_the_member(member, make_ranked_list):
    MemberProfile.objects.create(user=member, display_name="Ada", bio="Hi.")
    suggestion = suggest_city(
        user=member,
        contender_list_id=make_ranked_list(1).pk,
        name="Nairobi",
        country="Kenya",
        reason="Silicon Savannah.",
    )

    members.delete_account(user=member)

    user = get_user_model().objects.get(pk=member.pk)
    assert (user.username, user.email, user.is_active) == (f"~deleted-{member.pk}", "", False)
    assert not user.has_usable_password()
    assert not user.emailaddress_set.exists()
    assert not MemberProfile.objects.filter(user=member).exists()
    assert CitySuggestion.objects.get(pk=suggestion.pk).suggested_by_id == member.pk


def test_a_failure_half_way_leaves_the_account_as_it_was(member, contender, monkeypatch):
    cast_vote(user=member, contender_id=contender.pk, value=1)

    def fail(user):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(members, "_anonymise", fail)
    with pytest.raises(RuntimeError):
        members.delete_account(user=member)

    member.refresh_from_db()
    assert member.is_active
    assert Vote.objects.filter(user=member).count() == 1
    contender.refresh_from_db()
    assert contender.score == 1


def test_deleting_needs_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    assert client.post(DELETE_URL, {"password": PASSWORD}).status_code == 403
    member.refresh_from_db()
    assert member.is_active
