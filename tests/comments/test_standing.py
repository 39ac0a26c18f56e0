"""Who may take part (comments.standing): a suspended member reads but cannot take part."""

import time

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cities.models import Contender
from comments.models import Comment, CommentVote, Report, Suspension, Vote
from comments.moderation import suspend_user
from comments.services import (
    ActionRefused,
    cast_vote,
    forget_standing,
    post_comment,
    report_comment,
    standing_of,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank, comment_create_url, stored_participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(member):
    Suspension.objects.create(
        user=member, reason="Posting the same advert everywhere.", suspended_by=UserFactory()
    )
    return member


def test_a_suspended_member_can_read_but_not_take_part(member_client, suspended, contenders):
    comment = post_comment(user=UserFactory(), contender_id=contenders[0].pk, body="Nice city.")
    before = stored_participation()
    page = member_client.get(contenders[0].get_comments_url())

    vote = member_client.post(reverse("comments:vote", args=[contenders[0].pk]), {"value": "1"})
    post = member_client.post(comment_create_url(contenders[0]), {"body": "Buy my watches."})
    thumb = member_client.post(
        reverse("comments:comment_thumb", args=[comment.pk]), {"value": "1"}
    )
    report = member_client.post(
        reverse("comments:comment_report", args=[comment.pk]), {"reason": "spam"}
    )

    assert page.status_code == 200
    assert "Your account is suspended" in page.content.decode()
    assert "Posting the same advert everywhere." in page.content.decode()
    assert [vote.status_code, post.status_code, thumb.status_code, report.status_code] == [
        403,
        403,
        403,
        403,
    ]
    assert "Posting the same advert everywhere." in vote.content.decode()
    assert stored_participation() == before


def test_a_lifted_suspension_restores_participation(suspended, contenders):
    Suspension.objects.filter(user=suspended).update(lifted_at=timezone.now())

    cast_vote(user=suspended, contender_id=contenders[0].pk, value=1)

    assert Vote.objects.filter(user=suspended).count() == 1


def test_a_suspension_takes_effect_for_a_member_who_voted_before(member, contenders):
    from comments.moderation import suspend_user

    cast_vote(user=member, contender_id=contenders[0].pk, value=1)  # Standing remembered.
    moderator = UserFactory(is_superuser=True, is_staff=True)

    suspend_user(moderator=moderator, member=member, reason="Brigading.")

    with pytest.raises(ActionRefused, match=r"Brigading\."):
        cast_vote(user=member, contender_id=contenders[1].pk, value=1)


def test_a_suspended_member_cannot_delete_their_comments(member_client, member, contenders):
    comment = post_comment(user=member, contender_id=contenders[0].pk, body="My own words.")
    from comments.moderation import suspend_user

    moderator = UserFactory(is_superuser=True, is_staff=True)
    suspend_user(moderator=moderator, member=member, reason="Brigading.")

    response = member_client.post(reverse("comments:comment_delete", args=[comment.pk]))

    assert response.status_code == 403
    assert "Your account is suspended" in response.content.decode()
    assert "Brigading." in response.content.decode()
    comment.refresh_from_db()
    assert comment.deleted_at is None
    assert Contender.objects.get(pk=contenders[0].pk).comment_count == 1


# --- Remembered standing and email addresses -----------------------------------------------


@pytest.fixture
def remembered(member, contenders):
    """A member whose good standing is remembered: they have just commented."""
    post_comment(user=member, contender_id=contenders[0].pk, body="Remember my standing.")
    return member


def assert_cannot_comment(member, contender):
    with pytest.raises(ActionRefused, match="Confirm your email address"):
        post_comment(user=member, contender_id=contender.pk, body="Still here?")


def test_an_address_no_longer_verified_is_felt_at_once(remembered, contenders):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.get(user=remembered)
    address.verified = False
    address.save()

    assert_cannot_comment(remembered, contenders[1])


def test_a_removed_address_is_felt_at_once(remembered, contenders):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get(user=remembered).delete()

    assert_cannot_comment(remembered, contenders[1])


def test_a_removal_or_change_through_allauth_forgets_the_standing(remembered, contenders):
    from allauth.account import signals
    from allauth.account.models import EmailAddress

    # allauth sends these after changing the rows the way a queryset update
    # would: no model signal of its own, so only its signal tells.
    EmailAddress.objects.filter(user=remembered).update(verified=False)
    signals.email_changed.send(
        sender=EmailAddress,
        request=None,
        user=remembered,
        from_email_address=None,
        to_email_address=None,
    )
    assert_cannot_comment(remembered, contenders[1])

    EmailAddress.objects.filter(user=remembered).update(verified=True)
    post_comment(user=remembered, contender_id=contenders[2].pk, body="Remembered again.")
    EmailAddress.objects.filter(user=remembered).update(verified=False)
    signals.email_removed.send(
        sender=EmailAddress, request=None, user=remembered, email_address=None
    )
    assert_cannot_comment(remembered, contenders[1])


def test_a_remembered_standing_is_asked_again_after_standing_cache_seconds(
    member, contenders, settings
):
    """An address unverified behind the site's back (no signal) is felt once the memory ends.

    Real seconds on the real cache: its own clock is the one that expires the key.
    """
    settings.STANDING_CACHE_SECONDS = 2
    post_comment(user=member, contender_id=contenders[0].pk, body="Remember my standing.")
    EmailAddress.objects.filter(user=member).update(verified=False)

    post_comment(user=member, contender_id=contenders[1].pk, body="Still remembered.")
    time.sleep(2.5)

    assert_cannot_comment(member, contenders[2])


REASON = "Posting the same advert everywhere."


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(2), 1)


@pytest.fixture
def others_comment(contender):
    return post_comment(user=UserFactory(), contender_id=contender.pk, body="Fast trains.")


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
