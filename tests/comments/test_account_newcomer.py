"""What a newcomer met signing up: mail in the site's name, a way to get the
link again, one wording for logging in, and password rules a screen reader hears."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_NAME = "CityRank"
    settings.SITE_URL = "https://cityrank.example"
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CityRank] "


def sign_up(client, username="ada", email="ada@example.com"):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
        HTTP_HOST="127.0.0.1",
    )


@pytest.mark.parametrize("flow", ["signup", "password_reset"])
def test_every_mail_names_the_site_from_its_settings_never_the_host(client, flow):
    if flow == "signup":
        sign_up(client)
    else:
        UserFactory(username="ada", email="ada@example.com")
        client.post(
            reverse("account_reset_password"), {"email": "ada@example.com"}, HTTP_HOST="127.0.0.1"
        )

    message = mail.outbox[-1]
    assert message.subject.startswith("[CityRank] ")
    assert message.body.startswith("Hello from CityRank,")
    assert message.body.rstrip().endswith("The CityRank team\nhttps://cityrank.example")
    assert "127.0.0.1" not in message.body
    links = re.findall(r"https?://\S+", message.body)
    assert links
    assert all(re.match(r"https://cityrank\.example(/|$)", link) for link in links)


def three_minutes_pass():
    """allauth's confirm_email limit counts in the default cache; forgetting it is the wait."""
    cache.clear()


def test_the_confirm_page_sends_the_link_again_to_an_unconfirmed_address(client):
    sign_up(client)
    mail.outbox.clear()
    three_minutes_pass()
    page = client.get(reverse("account_email_verification_sent")).content.decode()
    assert f'action="{reverse("account_resend_confirmation")}"' in page
    assert 'href="/contact/"' in page

    response = client.post(
        reverse("account_resend_confirmation"), {"email": "ADA@example.com"}, follow=True
    )

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert "a new link is on its way" in response.content.decode()


def test_the_link_is_sent_again_at_most_once_in_three_minutes(client):
    sign_up(client)
    mail.outbox.clear()
    three_minutes_pass()

    answers = [
        client.post(
            reverse("account_resend_confirmation"), {"email": "ada@example.com"}, follow=True
        ).content.decode()
        for _ in range(3)
    ]

    assert len(mail.outbox) == 1
    assert "a new link is on its way" in answers[0]
    assert "less than three minutes ago" in answers[2]


@pytest.mark.parametrize("email", ["nobody@example.com", "confirmed@example.com"])
def test_the_answer_tells_nobody_which_addresses_have_accounts(client, email):
    UserFactory(username="confirmed", email="confirmed@example.com")

    response = client.post(reverse("account_resend_confirmation"), {"email": email}, follow=True)

    assert mail.outbox == []
    assert f"If an account is waiting for {email} to be confirmed" in response.content.decode()
    assert EmailAddress.objects.filter(verified=False).count() == 0


def test_a_malformed_address_gets_a_message_and_sends_nothing(client):
    sign_up(client)
    mail.outbox.clear()

    response = client.post(reverse("account_resend_confirmation"), {"email": "ada"}, follow=True)

    assert mail.outbox == []
    assert "Type the email address you signed up with." in response.content.decode()


def test_resending_is_a_post_with_a_csrf_token(client):
    assert client.get(reverse("account_resend_confirmation")).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    assert (
        forged.post(reverse("account_resend_confirmation"), {"email": "a@b.c"}).status_code == 403
    )


@pytest.mark.parametrize("name", ["account_login", "account_signup", "account_reset_password"])
def test_one_voice_for_logging_in_everywhere(client, name):
    html = client.get(reverse(name)).content.decode()

    for other in ("Sign In", "Sign in", "sign in", "Login:", "Remember Me", "Sign Up", "Signup"):
        assert other not in html, other
    if name == "account_login":
        assert "<h1>Log in</h1>" in html
        assert '<label for="id_login">Username or email</label>' in html
        assert '<label for="id_remember">Keep me logged in</label>' in html


def test_the_password_rules_are_the_element_the_field_names(client):
    html = client.get(reverse("account_signup")).content.decode()

    target = re.search(r'aria-describedby="([^"]+)"[^>]*id="id_password1"', html).group(1)
    rules = re.search(rf'<div class="helptext" id="{target}">(.*?)</div>', html, re.S)
    assert rules, "the described element is not a div holding the rules"
    assert "<li>Your password must contain at least 8 characters.</li>" in rules.group(1)
