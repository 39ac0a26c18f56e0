"""Who may take part (comments.standing): a suspended member reads but cannot take part."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Suspension, Vote
from comments.services import ActionRefused, cast_vote, post_comment
from tests.factories import UserFactory
from tests.helpers import comment_create_url, stored_participation

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
