"""A comment a moderator hid: its author still sees it, with the reason; nobody else does."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.moderation import hide_comment
from comments.services import delete_comment, post_comment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTICE = "A moderator hid this comment"


@pytest.fixture
def author(db):
    return UserFactory(username="amara")


@pytest.fixture
def hidden(contender, author, moderator):
    comment = post_comment(user=author, contender_id=contender.pk, body="Seoul is a dump.")
    hide_comment(moderator=moderator, comment=comment, reason="Insults a city's people")
    return comment


def page_for(user, url):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url).content.decode()


def test_the_author_sees_their_hidden_comment_with_the_reason(contender, author, hidden):
    html = page_for(author, contender.get_comments_url())
    assert NOTICE in html
    assert "Insults a city&#x27;s people" in html
    assert "Seoul is a dump." in html
    assert f'id="comment-{hidden.pk}"' in html


def test_others_see_nothing_of_it(contender, hidden):
    for reader in (None, UserFactory()):
        html = page_for(reader, contender.get_comments_url())
        assert f'id="comment-{hidden.pk}"' not in html
        assert "Seoul is a dump." not in html
        assert "Insults a city" not in html


def test_under_its_replies_others_see_only_the_placeholder(contender, author, moderator):
    other = UserFactory()
    root = post_comment(user=author, contender_id=contender.pk, body="Busan is better.")
    post_comment(user=other, contender_id=contender.pk, parent_id=root.pk, body="Agreed.")
    hide_comment(moderator=moderator, comment=root, reason="Off topic")
    for_other = page_for(other, contender.get_comments_url())
    assert "[removed by a moderator]" in for_other
    assert "Busan is better." not in for_other
    assert "Off topic" not in for_other
    for_author = page_for(author, contender.get_comments_url())
    assert "Busan is better." in for_author
    assert "Off topic" in for_author


def test_the_permalink_takes_the_author_to_it(contender, author, hidden):
    client = Client()
    client.force_login(author)
    response = client.get(reverse("comments:comment", args=[hidden.pk]), follow=True)
    assert response.status_code == 200
    assert NOTICE in response.content.decode()


def test_an_author_who_deleted_it_sees_it_no_more(contender, author, hidden):
    delete_comment(user=author, comment_id=hidden.pk)
    assert "Seoul is a dump." not in page_for(author, contender.get_comments_url())
