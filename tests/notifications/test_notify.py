"""Who is told what: each notification made with its event, never for its actor."""

import pytest
from django.core.exceptions import PermissionDenied

from cities.models import Contender
from comments.exceptions import ActionRefused
from comments.moderation import (
    approve_city_suggestion,
    approve_contender,
    hide_comment,
    reject_city_suggestion,
    reject_contender,
)
from comments.services import post_comment, suggest_contender
from comments.suggestions import suggest_city
from notifications.models import Notification, NotificationKind
from notifications.notify import mark_all_read, mark_read
from tests.factories import CityFactory, UserFactory

pytestmark = pytest.mark.django_db


def kinds_for(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_tells_the_author_of_the_comment(contender, thread, author, replier):
    reply = post_comment(
        user=replier, contender_id=contender.pk, parent_id=thread.pk, body="Agreed."
    )
    notification = Notification.objects.get(recipient=author)
    assert (notification.kind, notification.comment) == (NotificationKind.REPLY, reply)
    assert notification.is_unread
    assert kinds_for(replier) == []


def test_a_reply_to_a_reply_tells_its_author_and_the_threads_author_once_each(
    contender, thread, author, replier
):
    first = post_comment(user=replier, contender_id=contender.pk, parent_id=thread.pk, body="Hm.")
    chen = UserFactory(username="chen")
    second = post_comment(user=chen, contender_id=contender.pk, parent_id=first.pk, body="Yes!")
    assert second.parent == thread  # Joined the thread.
    told = Notification.objects.filter(comment=second).values_list("recipient", flat=True)
    assert sorted(told) == sorted([author.pk, replier.pk])


def test_nobody_is_told_of_their_own_reply(contender, thread, author, replier):
    post_comment(user=author, contender_id=contender.pk, parent_id=thread.pk, body="And more.")
    assert not Notification.objects.exists()
    answer = post_comment(
        user=replier, contender_id=contender.pk, parent_id=thread.pk, body="Not so."
    )
    Notification.objects.all().delete()
    # Amara answers Bruno's reply in her own thread: only Bruno hears of it.
    post_comment(user=author, contender_id=contender.pk, parent_id=answer.pk, body="Look again.")
    assert kinds_for(replier) == [NotificationKind.REPLY]
    assert kinds_for(author) == []


def test_a_refused_reply_tells_nobody(contender, thread, replier, moderator):
    hide_comment(moderator=moderator, comment=thread, reason="Spam")
    Notification.objects.all().delete()
    with pytest.raises(ActionRefused):
        post_comment(user=replier, contender_id=contender.pk, parent_id=thread.pk, body="Hi.")
    assert not Notification.objects.exists()


def test_hiding_a_comment_tells_its_author_why(thread, author, moderator):
    hide_comment(moderator=moderator, comment=thread, reason="Personal attack")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.COMMENT_HIDDEN
    assert (notification.comment, notification.reason) == (thread, "Personal attack")
    # Hiding it again changes nothing and tells nobody twice.
    hide_comment(moderator=moderator, comment=thread, reason="Again")
    assert Notification.objects.count() == 1


def test_a_moderator_hiding_their_own_comment_is_not_told(contender, moderator):
    own = post_comment(user=moderator, contender_id=contender.pk, body="Regrettable words.")
    hide_comment(moderator=moderator, comment=own, reason="Said too much")
    assert not Notification.objects.exists()


def test_a_hide_refused_tells_nobody(thread, author):
    with pytest.raises(PermissionDenied):
        hide_comment(moderator=UserFactory(), comment=thread, reason="No right to")
    assert not Notification.objects.exists()


@pytest.fixture
def suggestion(contender, author):
    return suggest_contender(
        user=author, contender_list_id=contender.contender_list_id, city_id=CityFactory().pk
    )


def test_approving_a_suggestion_tells_who_suggested_it(suggestion, author, moderator):
    approve_contender(moderator=moderator, contender=suggestion, reason="")
    notification = Notification.objects.get(recipient=author)
    assert (notification.kind, notification.contender) == (
        NotificationKind.SUGGESTION_APPROVED,
        suggestion,
    )


def test_rejecting_a_suggestion_tells_who_suggested_it_why(suggestion, author, moderator):
    reject_contender(moderator=moderator, contender=suggestion, reason="Not a city")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.SUGGESTION_REJECTED
    assert notification.reason == "Not a city"
    reject_contender(moderator=moderator, contender=suggestion, reason="Still not")
    assert Notification.objects.count() == 1


def test_a_moderators_own_suggestion_or_one_nobody_made_tells_nobody(contender, moderator):
    own = suggest_contender(
        user=moderator, contender_list_id=contender.contender_list_id, city_id=CityFactory().pk
    )
    approve_contender(moderator=moderator, contender=own, reason="")
    unsigned = Contender.objects.create(
        contender_list=contender.contender_list,
        city=CityFactory(),
        status=Contender.Status.PENDING,
    )
    reject_contender(moderator=moderator, contender=unsigned, reason="Duplicate")
    assert not Notification.objects.exists()


def test_a_member_marks_only_their_own_notification_read(contender, thread, author, replier):
    post_comment(user=replier, contender_id=contender.pk, parent_id=thread.pk, body="Agreed.")
    notification = Notification.objects.get()
    with pytest.raises(ActionRefused) as refused:
        mark_read(user=replier, notification_id=notification.pk)
    assert refused.value.status == 404
    notification.refresh_from_db()
    assert notification.is_unread
    assert mark_read(user=author, notification_id=notification.pk) is True
    assert mark_read(user=author, notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert not notification.is_unread


def test_mark_all_read_leaves_what_came_after_the_page_unread(contender, thread, author, replier):
    for body in ("One.", "Two.", "Three."):
        post_comment(user=replier, contender_id=contender.pk, parent_id=thread.pk, body=body)
    _, second, third = Notification.objects.order_by("pk")
    assert mark_all_read(user=author, up_to=second.pk) == 2
    assert list(Notification.objects.unread()) == [third]
    assert mark_all_read(user=replier, up_to=third.pk) == 0
    assert list(Notification.objects.unread()) == [third]


@pytest.fixture
def city_suggestion(contender, author):
    CityFactory(name="Kigali", country="Rwanda")
    return suggest_city(
        user=author,
        contender_list_id=contender.contender_list_id,
        name="Kigali",
        country="Rwanda",
        reason="Its innovation hub.",
    )


def test_approving_a_city_suggested_by_name_tells_who_suggested_it(
    city_suggestion, author, moderator
):
    approve_city_suggestion(moderator=moderator, suggestion=city_suggestion)
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.SUGGESTION_APPROVED
    assert notification.contender.city.name == "Kigali"


def test_rejecting_a_city_suggested_by_name_tells_who_suggested_it_why(
    client, city_suggestion, author, moderator
):
    reject_city_suggestion(moderator=moderator, suggestion=city_suggestion, reason="Too small.")
    notification = Notification.objects.get(recipient=author)
    assert notification.kind == NotificationKind.SUGGESTION_REJECTED
    assert (notification.city_suggestion, notification.reason) == (city_suggestion, "Too small.")
    client.force_login(author)
    html = client.get("/notifications/").content.decode()
    assert "Your suggestion of Kigali, Rwanda for" in html
    assert "Too small." in html
