"""A member's standing: remembered while good, forgotten the moment a moderator suspends."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment, CommentVote, Report, Suspension
from comments.moderation import suspend_user
from comments.services import (
    ActionRefused,
    forget_standing,
    post_comment,
    report_comment,
    standing_of,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db

REASON = "Posting the same advert everywhere."


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(2), 1)


@pytest.fixture
def others_comment(contender):
    return post_comment(user=UserFactory(), contender_id=contender.pk, body="Fast trains.")


@pytest.fixture
def remembered(member, contender, django_assert_num_queries):
    """The member has just commented, so their good standing is remembered."""
    post_comment(user=member, contender_id=contender.pk, body="My first words.")
    with django_assert_num_queries(1) as captured:  # The cache's, not the standing's.
        assert standing_of(member).can_participate
    assert "cache" in captured.captured_queries[0]["sql"]
    return member


def stored():
    return Comment.objects.count(), CommentVote.objects.count(), Report.objects.count()


def take_part(member, contender, comment) -> list[ActionRefused]:
    """Try to comment, thumb and report; return the three refusals."""
    attempts = [
        lambda: post_comment(user=member, contender_id=contender.pk, body="Buy my watches."),
        lambda: thumb_comment(user=member, comment_id=comment.pk, value=1),
        lambda: report_comment(user=member, comment_id=comment.pk, reason="spam"),
    ]
    refusals = []
    for attempt in attempts:
        with pytest.raises(ActionRefused) as refused:
            attempt()
        refusals.append(refused.value)
    return refusals


def test_a_remembered_standing_outlives_a_suspension_written_behind_its_back(
    remembered, contender, others_comment
):
    """What a server process without a shared cache does for up to a minute."""
    Suspension.objects.create(user=remembered, reason=REASON, suspended_by=UserFactory())

    thumb_comment(user=remembered, comment_id=others_comment.pk, value=1)

    assert CommentVote.objects.filter(user=remembered).exists()


def test_a_suspension_by_a_moderator_is_felt_at_once_by_comments_thumbs_and_reports(
    remembered, contender, others_comment, moderator
):
    suspend_user(moderator=moderator, member=remembered, reason=REASON)
    before = stored()

    refusals = take_part(remembered, contender, others_comment)

    assert [refusal.status for refusal in refusals] == [403, 403, 403]
    for refusal in refusals:
        assert "Your account is suspended" in refusal.message
        assert REASON in refusal.message
    assert stored() == before


def test_the_suspension_is_forgotten_again_once_it_commits(
    remembered, contender, others_comment, moderator, django_capture_on_commit_callbacks
):
    """A request that read the standing before the suspension committed may remember it
    again meanwhile; the commit forgets it once more."""
    with django_capture_on_commit_callbacks(execute=True):
        suspend_user(moderator=moderator, member=remembered, reason=REASON)
        standing_of(UserFactory())  # Another member is remembered and stays so.
        cache.set(f"standing:{remembered.pk}", True)  # The request in between.

    assert [refusal.status for refusal in take_part(remembered, contender, others_comment)] == [
        403,
        403,
        403,
    ]


def test_forgetting_one_members_standing_leaves_the_others(remembered, contender, db):
    other = UserFactory()
    post_comment(user=other, contender_id=contender.pk, body="Me too.")
    Suspension.objects.create(user=other, reason=REASON, suspended_by=UserFactory())
    Suspension.objects.create(user=remembered, reason=REASON, suspended_by=UserFactory())

    forget_standing(remembered)

    assert not standing_of(remembered).can_participate
    assert standing_of(other).can_participate, "still remembered for its minute"


def test_a_suspended_member_sees_why_on_the_comment_form(
    member_client, remembered, contender, moderator
):
    suspend_user(moderator=moderator, member=remembered, reason=REASON)

    response = member_client.post(
        reverse(
            "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
        ),
        {"body": "Buy my watches."},
    )

    assert response.status_code == 403
    assert REASON in response.content.decode()


def test_an_unverified_member_is_asked_again_each_time(contender):
    newcomer = UserFactory(verified=False)
    with pytest.raises(ActionRefused) as refused:
        post_comment(user=newcomer, contender_id=contender.pk, body="Hello all.")
    assert refused.value.status == 403
    assert "Confirm your email address" in refused.value.message
    EmailAddress.objects.create(user=newcomer, email=newcomer.email, verified=True)

    post_comment(user=newcomer, contender_id=contender.pk, body="Hello all.")

    assert Comment.objects.filter(author=newcomer).exists()
