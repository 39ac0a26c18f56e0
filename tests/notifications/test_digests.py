"""The daily digest: opt-in, each notification mailed once, a progress bar and a summary."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from comments.moderation import reject_city_suggestion
from comments.services import post_comment
from comments.suggestions import suggest_city
from notifications.digests import send_digests
from notifications.models import DigestSubscription, Notification
from notifications.tasks import send_digests_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def reply(contender, thread, body="Agreed."):
    return post_comment(
        user=UserFactory(), contender_id=contender.pk, parent_id=thread.pk, body=body
    )


def run_command(capsys) -> str:
    out = io.StringIO()
    call_command("send_notification_digests", stdout=out)
    assert "digests" in capsys.readouterr().err  # The progress bar.
    return out.getvalue().strip()


def test_only_members_who_asked_get_a_digest(contender, thread, author, capsys):
    reply(contender, thread)
    assert run_command(capsys) == "Digests: 0 members mailed, 0 notifications in them."
    assert mail.outbox == []
    DigestSubscription.objects.create(member=author)
    assert run_command(capsys) == "Digests: 1 members mailed, 1 notifications in them."
    (message,) = mail.outbox
    assert message.to == [author.email]
    assert message.subject == f"[{settings.SITE_NAME}] 1 new notification"
    assert "replied to your comment" in message.body
    assert f"{settings.SITE_URL}/notifications/" in message.body


def test_a_notification_is_mailed_once_and_a_read_one_never(contender, thread, author):
    DigestSubscription.objects.create(member=author)
    reply(contender, thread, body="First.")
    send_digests()
    reply(contender, thread, body="Second.")
    read = reply(contender, thread, body="Third.")
    Notification.objects.filter(comment=read).update(read_at=read.created_at)
    run = send_digests()
    assert (run.mailed, run.notifications) == (1, 1)
    assert len(mail.outbox) == 2
    assert "2 new notification" not in mail.outbox[1].subject
    assert send_digests().mailed == 0
    assert len(mail.outbox) == 2


def test_an_unverified_address_gets_no_digest(contender, thread, author):
    DigestSubscription.objects.create(member=author)
    EmailAddress.objects.filter(user=author).update(verified=False)
    reply(contender, thread)
    assert send_digests().mailed == 0
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None


def test_a_mail_that_fails_leaves_its_notifications_for_the_next_run(
    contender, thread, author, settings
):
    DigestSubscription.objects.create(member=author)
    reply(contender, thread)
    settings.EMAIL_BACKEND = "tests.notifications.failing_mail.FailingBackend"
    with pytest.raises(ConnectionError):
        send_digests()
    assert Notification.objects.get().emailed_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests().mailed == 1


def test_celery_beat_sends_the_digests_daily(contender, thread, author):
    entry = settings.CELERY_BEAT_SCHEDULE["email-notification-digests"]
    assert entry["task"] == send_digests_task.name
    DigestSubscription.objects.create(member=author)
    reply(contender, thread)
    send_digests_task.apply()
    assert len(mail.outbox) == 1


def test_a_digest_tells_of_a_rejected_city_and_the_reason(contender, author, moderator):
    DigestSubscription.objects.create(member=author)
    suggestion = suggest_city(
        user=author,
        contender_list_id=contender.contender_list_id,
        name="Atlantis",
        country="Nowhere",
        reason="Under the sea.",
    )
    reject_city_suggestion(moderator=moderator, suggestion=suggestion, reason="Not a real city.")
    assert send_digests().notifications == 1
    body = mail.outbox[0].body
    assert "Your suggestion of Atlantis for" in body
    assert "“Not a real city.”" in body
