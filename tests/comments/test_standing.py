"""Who may take part (comments.standing): a suspended member reads but cannot take part."""

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Contender
from comments.models import ReportReason, Suspension, Vote
from comments.moderation import suspend_user
from comments.services import (
    ActionRefused,
    cast_vote,
    post_comment,
    report_comment,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import comment_create_url, refusal_of, stored_participation

pytestmark = pytest.mark.django_db

BODY = "Fibre in every flat, trams on time."


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


def test_a_suspension_stops_a_member_whose_standing_was_remembered(
    moderator, member, contender, relaxed_rate_limits
):
    someone_elses = post_comment(user=UserFactory(), contender_id=contender.pk, body=BODY)
    post_comment(user=member, contender_id=contender.pk, body=BODY)  # Standing remembered.

    suspend_user(moderator=moderator, member=member, reason="Spam in every thread.")

    for service, arguments in [
        (post_comment, {"contender_id": contender.pk, "body": BODY}),
        (thumb_comment, {"comment_id": someone_elses.pk, "value": 1}),
        (report_comment, {"comment_id": someone_elses.pk, "reason": ReportReason.SPAM}),
    ]:
        refusal = refusal_of(service, user=member, **arguments)
        assert refusal.status == 403
        assert "Spam in every thread." in refusal.message
