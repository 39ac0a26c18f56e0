"""Reports (comments.reports): once per member and comment, with a known reason."""

import pytest
from django.urls import reverse

from comments.models import Comment, Report
from comments.services import (
    ActionRefused,
    post_comment,
    report_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank
from tests.helpers import say as say_by

pytestmark = pytest.mark.django_db


def test_a_member_reports_a_comment_once(member_client, member, contender):
    comment = say_by(UserFactory(), contender)
    url = reverse("comments:comment_report", args=[comment.pk])

    first = member_client.post(url, {"reason": "spam", "details": "Sells watches."})
    second = member_client.post(url, {"reason": "abuse"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "already reported" in second.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.details) == (member, "spam", "Sells watches.")


def test_a_report_needs_a_known_reason(member_client, contender):
    comment = say_by(UserFactory(), contender)

    response = member_client.post(
        reverse("comments:comment_report", args=[comment.pk]), {"reason": "boring"}
    )

    assert response.status_code == 400
    assert not Report.objects.exists()


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(2), 1)


def say(contender, body="Cheap watches, click here."):
    return post_comment(user=UserFactory(), contender_id=contender.pk, body=body)


def reports():
    return sorted(Report.objects.values_list("reporter", "comment", "reason"))


def test_two_members_report_one_comment(contender):
    comment = say(contender)
    alice, bob = UserFactory.create_batch(2)

    report_comment(user=alice, comment_id=comment.pk, reason="spam")
    report_comment(user=bob, comment_id=comment.pk, reason="spam")

    assert reports() == [(alice.pk, comment.pk, "spam"), (bob.pk, comment.pk, "spam")]


def test_the_reports_details_are_kept_without_surrounding_space(member, contender):
    comment = say(contender)

    report_comment(user=member, comment_id=comment.pk, reason="other", details="  Off topic. \n")

    assert Report.objects.get().details == "Off topic."


@pytest.mark.parametrize(
    ("setup", "status", "words"),
    [
        ("again", 409, "You have already reported this comment."),
        ("own", 409, "You cannot report your own comment; delete it instead."),
        ("deleted", 409, "That comment is already gone."),
        ("missing", 404, "That comment does not exist."),
    ],
)
def test_a_refused_report_says_why_and_stores_nothing_more(
    member, contender, setup, status, words
):
    comment = say(contender)
    comment_id = comment.pk
    if setup == "again":
        report_comment(user=member, comment_id=comment.pk, reason="spam")
    elif setup == "own":
        Comment.objects.filter(pk=comment.pk).update(author=member)
    elif setup == "deleted":
        Comment.objects.filter(pk=comment.pk).update(deleted_at=comment.created_at)
    else:
        comment_id = comment.pk + 1000
    before = reports()

    with pytest.raises(ActionRefused) as refused:
        report_comment(user=member, comment_id=comment_id, reason="abuse")

    assert (refused.value.status, refused.value.message) == (status, words)
    assert reports() == before


def test_the_report_page_shows_the_refusal_in_the_form(member_client, member, contender):
    comment = say(contender)
    Comment.objects.filter(pk=comment.pk).update(author=member)

    response = member_client.post(
        reverse("comments:comment_report", args=[comment.pk]), {"reason": "spam"}
    )

    assert response.status_code == 409
    assert "delete it instead" in response.content.decode()
    assert reports() == []


def test_a_member_reports_two_comments(member, contender):
    first, second = say(contender), say(contender, "More cheap watches.")

    report_comment(user=member, comment_id=first.pk, reason="spam")
    report_comment(user=member, comment_id=second.pk, reason="abuse")

    assert reports() == [(member.pk, first.pk, "spam"), (member.pk, second.pk, "abuse")]


def test_a_report_without_details_stores_none(member, contender):
    report_comment(user=member, comment_id=say(contender).pk, reason="spam")

    assert Report.objects.get().details == ""
