"""Pages go out gzipped when the client accepts it, except pages holding a CSRF token."""

import gzip

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_anonymous_page_is_gzipped(client, make_ranked_list):
    contender_list = make_ranked_list(3)

    response = client.get(contender_list.get_absolute_url(), HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert contender_list.title in gzip.decompress(response.content).decode()


def test_a_page_is_plain_for_a_client_that_does_not_accept_gzip(client, make_ranked_list):
    response = client.get(reverse("cities:home"))

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_a_page_with_a_csrf_token_is_not_compressed(member_client, make_ranked_list):
    """BREACH: a compressed page with a secret in it leaks the secret by its size."""
    make_ranked_list(3)

    response = member_client.get(reverse("cities:home"), HTTP_ACCEPT_ENCODING="gzip")

    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content  # The log-out form.
    assert not response.has_header("Content-Encoding")


def test_the_login_form_is_not_compressed(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_ENCODING="gzip")

    assert b"csrfmiddlewaretoken" in response.content
    assert not response.has_header("Content-Encoding")
