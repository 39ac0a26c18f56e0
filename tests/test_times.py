"""`<time datetime>` holds a valid HTML date and time: to the second, with its offset."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from comments.moderation import make_moderator, suspend_user
from comments.services import cast_vote, post_comment
from tests.factories import ContenderFactory, UserFactory

pytestmark = pytest.mark.django_db

DATETIME_ATTRIBUTE = re.compile(r'datetime="([^"]*)"')
VALID = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")


def test_isotime_drops_the_microseconds():
    moment = datetime(2026, 12, 2, 18, 54, 7, 123456, tzinfo=UTC)

    rendered = Template("{% load times %}{{ moment|isotime }}").render(Context({"moment": moment}))

    assert rendered == "2026-12-02T18:54:07+00:00"


def test_every_time_on_the_pages_is_valid(client, member):
    contender = ContenderFactory()
    post_comment(user=member, contender_id=contender.pk, body="Trams and fibre.")
    cast_vote(user=member, contender_id=contender.pk, value=1)
    moderator = UserFactory()
    make_moderator(moderator)
    suspend_user(moderator=moderator, member=UserFactory(), reason="Spam.")

    pages = [
        reverse("comments:user_profile", args=[member.username]),
        reverse("comments:moderation_log"),
        contender.get_comments_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        found = DATETIME_ATTRIBUTE.findall(html)
        assert found, f"no <time> on {url}"
        assert all(VALID.fullmatch(value) for value in found), (url, found)


def test_no_form_posts_to_an_empty_action(member_client):
    contender = ContenderFactory()

    html = member_client.get(contender.get_comments_url()).content.decode()

    assert 'id="vote-form"' in html
    assert 'action=""' not in html
