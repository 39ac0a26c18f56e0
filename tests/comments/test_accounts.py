"""Accounts through django-allauth, as a visitor goes through them."""

import re

import pytest
from allauth.socialaccount.models import SocialApp
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from cities.models import Contender
from comments.ballots import save_ballot
from comments.models import MemberProfile, Vote
from comments.services import cast_vote, post_comment
from tests.factories import PASSWORD, UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def link_in_last_mail() -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)


def sign_up(client, username="ada", email="ada@example.com"):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def log_in(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_up_confirm_the_email_then_vote(client, make_ranked_list):
    contender = at_rank(make_ranked_list(3), 3)

    response = sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not is_logged_in(client)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[TechVote]")

    confirm_url = link_in_last_mail()
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)

    assert is_logged_in(client)
    client.post(reverse("comments:vote", args=[contender.pk]), {"value": "1"})
    assert Vote.objects.get().user.username == "ada"


def test_no_login_before_the_email_is_confirmed(client):
    sign_up(client)
    client.logout()

    response = log_in(client, "ada")

    assert not is_logged_in(client)
    assert response["Location"] == reverse("account_email_verification_sent")


@pytest.mark.parametrize("login", ["ada", "ada@example.com", "ADA@example.com"])
def test_log_in_by_username_or_email(client, login):
    UserFactory(username="ada", email="ada@example.com")

    response = log_in(client, login)

    assert response.status_code == 302
    assert is_logged_in(client)


def test_log_out_is_a_post(member_client):
    assert member_client.post(reverse("account_logout")).status_code == 302

    assert not is_logged_in(member_client)


def test_reset_a_forgotten_password(client, member):
    client.post(reverse("account_reset_password"), {"email": member.email})
    key_url = link_in_last_mail()
    set_password_url = client.get(key_url)["Location"]

    client.post(set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    log_in(client, member.username, NEW_PASSWORD)
    assert is_logged_in(client)


def test_change_the_password(member_client, member):
    response = member_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_add_an_email_address_sends_a_confirmation(member_client, member):
    response = member_client.post(
        reverse("account_email"), {"email": "new@example.com", "action_add": ""}
    )

    assert response.status_code == 302
    assert member.emailaddress_set.filter(email="new@example.com", verified=False).exists()
    assert "confirm-email" in link_in_last_mail()


def test_sign_up_refuses_a_taken_username_with_a_message(client, member):
    response = sign_up(client, username=member.username, email="other@example.com")

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert get_user_model().objects.count() == 1


# --- Rate limits ------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_account_for_a_while(client, member):
    for _ in range(5):
        log_in(client, member.username, "wrong password")

    response = log_in(client, member.username)

    assert not is_logged_in(client)
    assert "Too many failed login attempts" in response.content.decode()


def test_sign_ups_from_one_address_are_limited(client):
    for number in range(20):
        sign_up(client, username=f"user{number}", email=f"user{number}@example.com")

    response = sign_up(client, username="one_too_many", email="late@example.com")

    assert response.status_code == 429
    assert not get_user_model().objects.filter(username="one_too_many").exists()


def test_password_reset_requests_are_limited(client, member):
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": member.email})

    response = client.post(reverse("account_reset_password"), {"email": member.email})

    assert response.status_code == 429
    assert len(mail.outbox) == 5


# --- The site's look -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_account_pages_wear_the_sites_layout(client, db, name):
    html = client.get(reverse(name)).content.decode()

    assert 'class="brand"' in html
    assert 'class="account-card"' in html
    assert "techvote.css" in html


@pytest.mark.parametrize("name", ["account_email", "account_change_password"])
def test_account_settings_pages_wear_the_sites_layout(member_client, name):
    html = member_client.get(reverse(name)).content.decode()

    assert 'class="account-manage"' in html
    assert "Your votes" in html


def test_a_social_provider_added_in_admin_shows_on_the_login_page(client, db):
    assert "GitHub" not in client.get(reverse("account_login")).content.decode()

    SocialApp.objects.create(provider="github", name="GitHub", client_id="id", secret="secret")

    html = client.get(reverse("account_login")).content.decode()
    assert "GitHub" in html


# --- User pages -------------------------------------------------------------------------------


def test_a_user_page_lists_what_the_user_voted_for(client, member, make_ranked_list):
    MemberProfile.objects.create(user=member, votes_public=True)
    contender_list = make_ranked_list(3)
    first, second = at_rank(contender_list, 1), at_rank(contender_list, 2)
    cast_vote(user=member, contender_id=first.pk, value=1)
    cast_vote(user=member, contender_id=second.pk, value=-1)

    html = client.get(reverse("comments:user_profile", args=[member.username])).content.decode()

    assert first.city.name in html
    assert second.city.name in html
    assert "▲ up" in html
    assert "▼ down" in html
    assert contender_list.title in html


def test_a_user_page_runs_the_same_queries_however_many_votes(
    client, member, make_ranked_list, django_assert_num_queries, relaxed_rate_limits
):
    """The member with their profile, the count of their votes, a page of votes, their
    latest comments, their ballots' entries."""
    MemberProfile.objects.create(user=member, votes_public=True)
    lists = [make_ranked_list(30), make_ranked_list(12)]
    first, *others = Contender.objects.filter(contender_list=lists[0])
    url = reverse("comments:user_profile", args=[member.username])
    cast_vote(user=member, contender_id=first.pk, value=1)
    with django_assert_num_queries(5):
        client.get(url)

    for contender in others:
        cast_vote(user=member, contender_id=contender.pk, value=1)
        post_comment(user=member, contender_id=contender.pk, body="Fast trains, faster chips.")
    for contender_list in lists:
        ids = list(contender_list.contenders.values_list("pk", flat=True)[:10])
        save_ballot(user=member, contender_list_id=contender_list.pk, contender_ids=ids)

    with django_assert_num_queries(5):
        client.get(url)


def test_unknown_users_and_pages_are_not_found(client, member):
    MemberProfile.objects.create(user=member, votes_public=True)
    assert client.get(reverse("comments:user_profile", args=["nobody"])).status_code == 404
    url = reverse("comments:user_profile", args=[member.username])
    assert client.get(url + "?page=abc").status_code == 404
    assert client.get(url + "?page=99").status_code == 404
