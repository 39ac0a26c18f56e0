import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Contender
from cities.pages import TOP_TEN
from comments.models import Comment, Report, Vote
from comments.ratelimits import when_you_can_go_on
from comments.services import ActionRefused, cast_vote, post_comment, report_comment
from tests.factories import UserFactory
from tests.helpers import comment_create_url, stored_participation

pytestmark = pytest.mark.django_db


# --- Rate limits ----------------------------------------------------------------------


def test_comments_over_the_minute_limit_get_429_and_store_nothing(
    member_client, contenders, settings
):
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        response = member_client.post(
            comment_create_url(contenders[0]), {"body": f"Point {number}."}
        )
        assert response.status_code == 302
    before = stored_participation()

    response = member_client.post(
        comment_create_url(contenders[0]), {"body": "One point too many."}
    )

    assert response.status_code == 429
    html = response.content.decode()
    assert f"at most {limit} comments a minute" in html
    assert "One point too many." in html, "the text stays in the form"
    assert stored_participation() == before


def test_new_accounts_have_tighter_limits(client, contenders, settings):
    newcomer = UserFactory(date_joined=timezone.now())
    client.force_login(newcomer)
    limit = settings.RATE_LIMITS["comment"]["new"]["minute"]
    assert limit < settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        client.post(comment_create_url(contenders[0]), {"body": f"Hello number {number}."})

    response = client.post(comment_create_url(contenders[0]), {"body": "Hello again."})

    assert response.status_code == 429
    assert "New accounts may post" in response.content.decode()
    assert Comment.objects.count() == limit


def test_votes_over_the_limit_get_429_and_change_nothing(member, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 3, "day": 100}, "new": {"minute": 1, "day": 5}},
    }
    for contender in contenders[:3]:
        cast_vote(user=member, contender_id=contender.pk, value=1)
    counts = list(Contender.objects.order_by("pk").values_list("upvotes", "score"))

    with pytest.raises(ActionRefused) as refused:
        cast_vote(user=member, contender_id=contenders[3].pk, value=1)

    assert refused.value.status == 429
    assert Vote.objects.count() == 3
    assert list(Contender.objects.order_by("pk").values_list("upvotes", "score")) == counts


@pytest.mark.parametrize("joined_days_ago", [0, 30], ids=["new account", "established"])
def test_a_member_may_vote_on_every_row_of_a_list_page_within_a_minute(
    make_ranked_list, settings, joined_days_ago
):
    voter = UserFactory(date_joined=timezone.now() - timezone.timedelta(days=joined_days_ago))
    contender_list = make_ranked_list(TOP_TEN + settings.CONTENDERS_PER_PAGE)

    for contender in contender_list.contenders.all():
        cast_vote(user=voter, contender_id=contender.pk, value=1)

    assert Vote.objects.filter(user=voter).count() == TOP_TEN + settings.CONTENDERS_PER_PAGE


def test_a_refusal_says_when_the_member_may_go_on(member, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 1, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    cast_vote(user=member, contender_id=contenders[0].pk, value=1)

    with pytest.raises(ActionRefused) as refused:
        cast_vote(user=member, contender_id=contenders[1].pk, value=1)

    # The minute's window ends within 60 seconds: "in 1 minute" when the
    # refusal falls on the minute's first second, else "in N seconds".
    assert re.search(
        r"at most 1 votes a minute\. You can go on in (([1-9]|[1-5][0-9]) seconds?|1 minute)\.$",
        refused.value.message,
    ), refused.value.message


@pytest.mark.parametrize(
    ("now", "resumes", "said"),
    [
        (100, 120, "in 20 seconds"),
        (119, 120, "in 1 second"),
        (60, 120, "in 1 minute"),
        (0, 61, "in 2 minutes"),  # Rounded up: never sooner than said.
        (0, 86_400 * 3, "at 00:00 UTC"),
        (0, 86_400 * 3 + 9 * 3600 + 30 * 60, "at 09:30 UTC"),
    ],
)
def test_the_wait_is_said_in_words(now, resumes, said):
    assert when_you_can_go_on(now=now, resumes=resumes) == said


def test_the_daily_limit_holds_too(member, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 100, "day": 4}, "new": {"minute": 1, "day": 1}},
    }
    for contender in contenders[:4]:
        cast_vote(user=member, contender_id=contender.pk, value=1)

    with pytest.raises(ActionRefused, match="4 votes a day"):
        cast_vote(user=member, contender_id=contenders[4].pk, value=1)


def test_a_vote_by_htmx_over_the_limit_gets_429_in_place(member_client, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 1, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    url = reverse("comments:vote", args=[contenders[5].pk])
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"vote-{contenders[5].pk}"}
    member_client.post(url, {"value": "1"}, **headers)

    response = member_client.post(url, {"value": "-1"}, **headers)

    assert response.status_code == 429
    assert "Slow down" in response.content.decode()
    assert response["HX-Retarget"] == f"#vote-{contenders[5].pk}-error"
    assert Vote.objects.get().value == 1


def test_limits_are_per_member(member, contenders, settings):
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        post_comment(user=member, contender_id=contenders[0].pk, body=f"Mine {number}.")

    post_comment(user=UserFactory(), contender_id=contenders[0].pk, body="Someone else.")

    assert Comment.objects.count() == limit + 1


def test_limits_hold_in_redis_too(member, contenders, settings, own_redis):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 2, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    for contender in contenders[:2]:
        cast_vote(user=member, contender_id=contender.pk, value=1)

    with pytest.raises(ActionRefused) as refused:
        cast_vote(user=member, contender_id=contenders[2].pk, value=1)

    assert refused.value.status == 429
    assert Vote.objects.count() == 2


def test_a_repeated_report_uses_none_of_the_members_reports(
    member, contender, settings, own_redis
):
    """Refused before it is counted: Redis keeps a count that no rollback undoes."""
    limit = settings.RATE_LIMITS["report"]["established"]["minute"]
    first, *others = (
        post_comment(user=UserFactory(), contender_id=contender.pk, body=f"Spam {n}.")
        for n in range(limit)
    )
    report_comment(user=member, comment_id=first.pk, reason="spam")
    for _ in range(limit):
        with pytest.raises(ActionRefused) as refused:
            report_comment(user=member, comment_id=first.pk, reason="spam")
        assert refused.value.message == "You have already reported this comment."

    for comment in others:
        report_comment(user=member, comment_id=comment.pk, reason="spam")

    assert Report.objects.filter(reporter=member).count() == limit
