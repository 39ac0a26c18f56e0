"""What a newcomer met in the comments: "0 minutes ago", an edit window they
could not see, "Report" after reporting, and a posted message off-screen."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from comments.services import report_comment
from comments.templatetags.times import ago
from tests.factories import UserFactory
from tests.helpers import say as say_by

pytestmark = pytest.mark.django_db


def aged(comment: Comment, minutes: float) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )
    return Comment.objects.get(pk=comment.pk)


def article(html: str, comment: Comment) -> str:
    """The comment's own part of the page, up to its footer's end."""
    start = html.index(f'id="comment-{comment.pk}"')
    return html[start : html.index("</footer>", start)]


def test_ago_says_just_now_for_the_first_minute_then_counts():
    now = timezone.now()

    assert ago(now - timedelta(seconds=5)) == "just now"
    assert ago(now - timedelta(seconds=59)) == "just now"
    assert ago(now - timedelta(minutes=2, seconds=5)) == "2\xa0minutes ago"
    assert ago(None) == ""


def test_a_new_comment_says_just_now_not_zero_minutes(client, contender):
    say_by(UserFactory(), contender)

    html = client.get(contender.get_comments_url()).content.decode()

    assert ">just now</time>" in html
    assert "0\xa0minutes" not in html


@pytest.mark.parametrize(
    ("minutes", "left"), [(0, "15 minutes"), (10.5, "5 minutes"), (14.2, "1 minute")]
)
def test_the_author_sees_how_long_is_left_to_edit(member_client, member, contender, minutes, left):
    comment = aged(say_by(member, contender), minutes)

    html = member_client.get(contender.get_comments_url()).content.decode()

    assert f"{left} left to edit" in article(html, comment)


def test_once_the_window_closes_neither_edit_nor_time_left_shows(member_client, member, contender):
    comment = aged(say_by(member, contender), 16)

    html = article(member_client.get(contender.get_comments_url()).content.decode(), comment)

    assert "left to edit" not in html
    assert ">Edit<" not in html


def test_a_reported_comment_says_reported_to_its_reporter_only(
    client, member_client, member, contender
):
    comment = say_by(UserFactory(), contender)
    report_comment(user=member, comment_id=comment.pk, reason="spam")
    other = UserFactory()

    mine = article(member_client.get(contender.get_comments_url()).content.decode(), comment)
    client.force_login(other)
    theirs = article(client.get(contender.get_comments_url()).content.decode(), comment)

    assert '<span class="comment__reported">Reported</span>' in mine
    assert reverse("comments:comment_report", args=[comment.pk]) not in mine
    assert reverse("comments:comment_report", args=[comment.pk]) in theirs
    assert "Reported" not in theirs


def test_the_report_form_is_not_shown_again_after_reporting(member_client, member, contender):
    comment = say_by(UserFactory(), contender)
    report_comment(user=member, comment_id=comment.pk, reason="spam")

    response = member_client.get(reverse("comments:comment_report", args=[comment.pk]))

    assert response.status_code == 409
    html = response.content.decode()
    assert "You have already reported this comment." in html
    assert 'name="reason"' not in html


@pytest.mark.parametrize("reports", [1, 4])
def test_reported_costs_no_query_more(
    member_client, member, contender, reports, django_assert_num_queries
):
    """The same queries as a page without reports (tests/comments/test_comments.py): the
    first drawing of its history chart included."""
    for _ in range(reports):
        comment = say_by(UserFactory(), contender)
        say_by(member, contender, "A reply.", parent=comment)
        report_comment(user=member, comment_id=comment.pk, reason="spam")

    with django_assert_num_queries(12):
        member_client.get(contender.get_comments_url())


def test_the_posted_message_shows_beside_the_comment_not_at_the_top(member_client, contender):
    response = member_client.post(
        reverse(
            "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
        ),
        {"body": "Their metro runs every ninety seconds at peak."},
        follow=True,
    )

    html = response.content.decode()
    comment = Comment.objects.get()
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    assert re.search(
        r'<p class="message message--success comment__message" role="status">'
        r"Your comment is posted.</p>",
        article(html, comment),
    )
    assert '<div class="messages"' not in html
