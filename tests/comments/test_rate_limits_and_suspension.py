import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import Contender
from comments.models import Comment, CommentVote, Report, Suspension, Vote
from comments.services import ActionRefused, cast_vote, post_comment
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def contenders(make_ranked_list):
    contender_list = make_ranked_list(40)
    return [at_rank(contender_list, rank) for rank in range(1, 41)]


def create_url(contender):
    return reverse(
        "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
    )


def stored():
    return (
        Comment.objects.count(),
        Vote.objects.count(),
        CommentVote.objects.count(),
        Report.objects.count(),
    )


# --- Rate limits ----------------------------------------------------------------------


def test_comments_over_the_minute_limit_get_429_and_store_nothing(
    member_client, contenders, settings
):
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        response = member_client.post(create_url(contenders[0]), {"body": f"Point {number}."})
        assert response.status_code == 302
    before = stored()

    response = member_client.post(create_url(contenders[0]), {"body": "One point too many."})

    assert response.status_code == 429
    html = response.content.decode()
    assert f"at most {limit} comments a minute" in html
    assert "One point too many." in html, "the text stays in the form"
    assert stored() == before


def test_new_accounts_have_tighter_limits(client, contenders, settings):
    newcomer = UserFactory(date_joined=timezone.now())
    client.force_login(newcomer)
    limit = settings.RATE_LIMITS["comment"]["new"]["minute"]
    assert limit < settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        client.post(create_url(contenders[0]), {"body": f"Hello number {number}."})

    response = client.post(create_url(contenders[0]), {"body": "Hello again."})

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
    assert "at most 3 votes a minute. Please try again later." in refused.value.message
    assert Vote.objects.count() == 3
    assert list(Contender.objects.order_by("pk").values_list("upvotes", "score")) == counts


def test_the_daily_limit_holds_too(member, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 100, "day": 4}, "new": {"minute": 1, "day": 1}},
    }
    for contender in contenders[:4]:
        cast_vote(user=member, contender_id=contender.pk, value=1)

    with pytest.raises(ActionRefused, match="4 votes a day"):
        cast_vote(user=member, contender_id=contenders[4].pk, value=1)


def test_a_vote_by_script_over_the_limit_gets_json_429(member_client, contenders, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 1, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    url = reverse("comments:vote", args=[contenders[5].pk])
    member_client.post(url, {"value": "1"}, HTTP_ACCEPT="application/json")

    response = member_client.post(url, {"value": "-1"}, HTTP_ACCEPT="application/json")

    assert response.status_code == 429
    assert "Slow down" in response.json()["error"]
    assert Vote.objects.get().value == 1


def test_limits_are_per_member(member, contenders, settings):
    limit = settings.RATE_LIMITS["comment"]["established"]["minute"]
    for number in range(limit):
        post_comment(user=member, contender_id=contenders[0].pk, body=f"Mine {number}.")

    post_comment(user=UserFactory(), contender_id=contenders[0].pk, body="Someone else.")

    assert Comment.objects.count() == limit + 1


# --- Suspension ------------------------------------------------------------------------


@pytest.fixture
def suspended(member):
    Suspension.objects.create(
        user=member, reason="Posting the same advert everywhere.", suspended_by=UserFactory()
    )
    return member


def test_a_suspended_member_can_read_but_not_take_part(member_client, suspended, contenders):
    comment = post_comment(user=UserFactory(), contender_id=contenders[0].pk, body="Nice city.")
    before = stored()
    page = member_client.get(contenders[0].get_comments_url())

    vote = member_client.post(reverse("comments:vote", args=[contenders[0].pk]), {"value": "1"})
    post = member_client.post(create_url(contenders[0]), {"body": "Buy my watches."})
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
    assert stored() == before


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


@pytest.fixture
def redis_limits(settings):
    """Rate-limit counters in a real Redis (database 14), skipped where none runs."""
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        pytest.skip("needs Redis on 127.0.0.1:6379")
    import redis

    settings.REDIS_URL = "redis://127.0.0.1:6379/14"
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def test_limits_hold_in_redis_too(member, contenders, settings, redis_limits):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "vote": {"established": {"minute": 2, "day": 100}, "new": {"minute": 1, "day": 1}},
    }
    for contender in contenders[:2]:
        cast_vote(user=member, contender_id=contender.pk, value=1)

    with pytest.raises(ActionRefused) as refused:
        cast_vote(user=member, contender_id=contenders[2].pk, value=1)

    assert refused.value.status == 429
    assert "at most 2 votes a minute" in refused.value.message
    assert Vote.objects.count() == 2


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
