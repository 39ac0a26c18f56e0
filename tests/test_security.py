"""What an outside attack found: control characters in requests, and the headers pages send."""

import logging

import pytest
from django.urls import reverse

from comments.models import Comment
from comments.moderation import make_moderator
from comments.services import post_comment
from tests.factories import ContenderFactory, UserFactory

HOSTILE_GETS = [
    "/users/%00/",
    "/users/a%00b/",
    "/search/?q=%00",
    "/search/?q=tokyo%01",
    "/search/?q%00=tokyo",
    "/cities/%1b[31m/",
    "/lists/x%7f/",
]


@pytest.fixture
def comment(db):
    return post_comment(
        user=UserFactory(), contender_id=ContenderFactory().pk, body="Trams and robots."
    )


@pytest.fixture
def moderator_client(client, db):
    moderator = UserFactory()
    make_moderator(moderator)
    client.force_login(moderator)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("url", HOSTILE_GETS)
def test_it_refuses_control_characters_in_the_address_with_the_400_page(client, url, caplog):
    with caplog.at_level(logging.INFO):
        response = client.get(url)

    assert response.status_code == 400
    assert "That request did not make sense to us" in response.content.decode()
    assert "control character" in response.content.decode()
    assert not [record for record in caplog.records if record.exc_info]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/comments/report/?reason=%00",
        "/admin/comments/comment/?q=%00",
        "/admin/auth/user/?q=a%00b",
    ],
)
def test_it_refuses_them_in_admin_filters_and_search(moderator_client, url, caplog):
    response = moderator_client.get(url)

    assert response.status_code == 400
    assert not [record for record in caplog.records if record.exc_info]


def test_it_refuses_them_in_form_fields_and_writes_nothing(member_client, comment):
    url = reverse("comments:comment_reply", args=[comment.pk])

    response = member_client.post(url, {"body": "A reply with a \x00 in the middle."})

    assert response.status_code == 400
    assert Comment.objects.filter(parent=comment).count() == 0


def test_it_keeps_line_breaks_and_tabs_in_form_fields(member_client, comment):
    url = reverse("comments:comment_reply", args=[comment.pk])

    response = member_client.post(url, {"body": "First line,\r\n\r\n\tthen a paragraph."})

    assert response.status_code == 302
    assert Comment.objects.filter(parent=comment).count() == 1


@pytest.mark.django_db
def test_every_page_denies_the_browser_features_the_site_never_uses(client):
    policy = client.get("/").headers["Permissions-Policy"]

    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_refused_requests_carry_the_policy_too(client):
    assert "camera=()" in client.get("/users/%00/").headers["Permissions-Policy"]


@pytest.mark.django_db
def test_hsts_is_not_preloaded_until_the_operator_says_so(client, settings):
    settings.SECURE_HSTS_SECONDS = 3600

    hsts = client.get("/", secure=True).headers["Strict-Transport-Security"]

    assert "preload" not in hsts
