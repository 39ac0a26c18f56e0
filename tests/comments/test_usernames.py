# ruff: noqa: RUF001, RUF003  (look-alike letters are what these tests are about)
"""Look-alike usernames: normalised (NFKC, case-folded) and refused by their TR39 skeleton."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from comments.usernames import skeleton
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long and unusual passphrase 42"


def sign_up(client, username):
    return client.post(
        reverse("account_signup"),
        {
            "username": username,
            "email": "newcomer@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


@pytest.mark.parametrize(
    ("look_alike", "original"),
    [("аlice", "alice"), ("АLICE", "alice"), ("pаypаl", "paypal"), ("rnallory", "mallory")],
)
def test_a_look_alike_of_an_existing_name_is_refused_with_a_clear_error(
    client, look_alike, original
):
    UserFactory(username=original)

    response = sign_up(client, look_alike)

    assert response.status_code == 200
    assert "looks too much like one already taken" in response.content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize("name", ["ᴬᴰᴹᴵᴺ", "аdmin", "rnoderator", "TechVоte"])
def test_a_look_alike_of_a_reserved_name_is_refused(client, name):
    response = sign_up(client, name)

    assert response.status_code == 200
    assert not get_user_model().objects.exists()


def test_full_width_letters_are_stored_as_plain_ones(client):
    sign_up(client, "ｆｕｌｌｗｉｄｔｈ")

    assert list(get_user_model().objects.values_list("username", flat=True)) == ["fullwidth"]


def test_a_name_unlike_any_other_is_welcome(client):
    UserFactory(username="alice")

    sign_up(client, "алиса")  # Cyrillic, but it looks like nothing taken.

    assert get_user_model().objects.filter(username="алиса").exists()


def test_skeletons_follow_unicode_tr39():
    assert skeleton("аlice") == skeleton("alice")  # Cyrillic а
    assert skeleton("ｆｕｌｌｗｉｄｔｈ") == skeleton("fullwidth")
    assert skeleton("rn") == skeleton("m")
    assert skeleton("alice") != skeleton("alicia")
