"""Reports (comments.reports): once per member and comment, with a known reason."""

import pytest
from django.urls import reverse

from comments.models import Report, ReportReason
from comments.services import (
    post_comment,
    report_comment,
)
from tests.factories import UserFactory
from tests.helpers import say

pytestmark = pytest.mark.django_db

BODY = "Fibre in every flat, trams on time."


def test_a_member_reports_a_comment_once(member_client, member, contender):
    comment = say(UserFactory(), contender)
    url = reverse("comments:comment_report", args=[comment.pk])

    first = member_client.post(url, {"reason": "spam", "details": "Sells watches."})
    second = member_client.post(url, {"reason": "abuse"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert "already reported" in second.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.reason, report.details) == (member, "spam", "Sells watches.")


def test_a_report_needs_a_known_reason(member_client, contender):
    comment = say(UserFactory(), contender)

    response = member_client.post(
        reverse("comments:comment_report", args=[comment.pk]), {"reason": "boring"}
    )

    assert response.status_code == 400
    assert not Report.objects.exists()


def test_a_member_reports_two_comments(member, contender):
    author = UserFactory()
    first = post_comment(user=author, contender_id=contender.pk, body=BODY)
    second = post_comment(user=author, contender_id=contender.pk, body=BODY + " Again.")

    report_comment(user=member, comment_id=first.pk, reason=ReportReason.SPAM)
    report_comment(user=member, comment_id=second.pk, reason=ReportReason.SPAM)

    reported = Report.objects.filter(reporter=member).values_list("comment", flat=True)
    assert sorted(reported) == [first.pk, second.pk]
