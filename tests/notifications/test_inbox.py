"""The inbox page, the header's unread count, marking read and the digest's box."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from comments.moderation import hide_comment
from comments.services import post_comment
from notifications.models import DigestSubscription, Notification
from notifications.notify import mark_all_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def reply(contender, thread, body="Agreed, and the trains too."):
    return post_comment(
        user=UserFactory(), contender_id=contender.pk, parent_id=thread.pk, body=body
    )


def test_the_inbox_asks_a_visitor_to_log_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_inbox_shows_replies_and_moderators_reasons_escaped(
    author_client, contender, thread, moderator
):
    answer = reply(contender, thread, body="<script>alert(1)</script> is not an argument")
    hide_comment(moderator=moderator, comment=thread, reason="<b>Rude</b>")
    response = author_client.get(INBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{answer.author.username}</strong> replied to your comment" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "A moderator hid" in html
    assert "&lt;b&gt;Rude&lt;/b&gt;" in html
    assert html.count('class="notification notification--unread"') == 2
    assert reverse("comments:comment", args=[answer.pk]) in html


def test_a_reply_since_hidden_shows_no_text(author_client, contender, thread, moderator):
    answer = reply(contender, thread, body="Buy cheap watches here.")
    hide_comment(moderator=moderator, comment=answer, reason="Spam")
    html = author_client.get(INBOX).content.decode()
    assert "cheap watches" not in html
    assert "[this reply is no longer shown]" in html


@pytest.mark.parametrize("replies", [1, 30])
def test_the_inbox_runs_the_same_queries_whatever_it_holds(
    author_client, contender, thread, replies, django_assert_num_queries, relaxed_rate_limits
):
    for number in range(replies):
        reply(contender, thread, body=f"Reply number {number}.")
    # Session, user (with its unread count), the page's count, the page, the digest's box.
    with django_assert_num_queries(5):
        response = author_client.get(INBOX)
    assert response.status_code == 200


def test_a_page_beyond_the_last_is_missing(author_client, contender, thread):
    reply(contender, thread)
    assert author_client.get(INBOX + "?page=2").status_code == 404
    assert author_client.get(INBOX + "?page=x").status_code == 404


@pytest.mark.parametrize("replies", [0, 3])
def test_the_header_counts_unread_notifications_in_the_users_own_query(
    author_client, contender, thread, replies, django_assert_num_queries
):
    for number in range(replies):
        reply(contender, thread, body=f"Reply number {number}.")
    # Session, user with its count, the home page's own two: as many with or without any.
    with django_assert_num_queries(4):
        html = author_client.get("/").content.decode()
    if replies:
        assert '<span class="count-badge">3</span>' in html
        assert '3</span><span class="visually-hidden"> unread notifications' in html
    else:
        assert "count-badge" not in html
    assert 'href="/notifications/"' in html


def test_a_shared_anonymous_page_never_shows_a_members_count(
    client, author, contender, thread, settings
):
    settings.ANONYMOUS_PAGE_SECONDS = 60
    reply(contender, thread)
    url = contender.get_comments_url()
    assert "count-badge" not in client.get(url).content.decode()  # Now shared.
    member = Client()
    member.force_login(author)
    assert '<span class="count-badge">1</span>' in member.get(url).content.decode()
    assert "count-badge" not in Client().get(url).content.decode()


def test_the_count_follows_reading(author_client, contender, thread):
    reply(contender, thread)
    notification = Notification.objects.get()
    assert "count-badge" in author_client.get("/").content.decode()
    response = author_client.post(
        reverse("notifications:read_one", args=[notification.pk]), {"next": INBOX + "?page=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?page=1#notification-{notification.pk}"
    notification.refresh_from_db()
    assert not notification.is_unread
    assert "count-badge" not in author_client.get("/").content.decode()


def test_another_members_notification_cannot_be_marked(client, contender, thread):
    reply(contender, thread)
    notification = Notification.objects.get()
    client.force_login(UserFactory())
    response = client.post(reverse("notifications:read_one", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.is_unread


def test_marking_read_needs_the_forms_token(author, contender, thread):
    reply(contender, thread)
    notification = Notification.objects.get()
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    for url in (
        reverse("notifications:read_one", args=[notification.pk]),
        reverse("notifications:read_all"),
        reverse("notifications:digest"),
    ):
        assert client.post(url, {"up_to": notification.pk, "email_digest": "on"}).status_code == (
            403
        )
    notification.refresh_from_db()
    assert notification.is_unread
    assert not DigestSubscription.objects.exists()


def test_mark_all_read_marks_what_the_page_showed(author_client, contender, thread):
    reply(contender, thread, body="First reply.")
    shown = Notification.objects.get()
    later = reply(contender, thread, body="A later reply.")
    response = author_client.post(reverse("notifications:read_all"), {"up_to": shown.pk})
    assert response.status_code == 302
    assert list(Notification.objects.unread().values_list("comment", flat=True)) == [later.pk]
    page = author_client.get(INBOX).content.decode()
    assert "1 notification marked as read." in page


def test_mark_all_read_without_a_page_is_refused(author_client, contender, thread):
    reply(contender, thread)
    response = author_client.post(reverse("notifications:read_all"), {"up_to": "many"})
    assert response.status_code == 400
    assert Notification.objects.unread().count() == 1


def test_the_digest_is_asked_for_and_given_up(author_client, author):
    assert 'name="email_digest"' in author_client.get(INBOX).content.decode()
    response = author_client.post(reverse("notifications:digest"), {"email_digest": "on"})
    assert response.status_code == 302
    assert DigestSubscription.objects.filter(member=author).exists()
    assert "checked" in author_client.get(INBOX).content.decode()
    author_client.post(reverse("notifications:digest"), {})
    assert not DigestSubscription.objects.exists()


def test_the_inbox_answers_no_other_method(author_client):
    assert author_client.post(INBOX).status_code == 405
    assert author_client.get(reverse("notifications:read_all")).status_code == 405


def test_a_kept_list_page_shows_each_member_their_own_count(author, contender, thread, settings):
    """The list page members share (cities.member_pages) fills in each one's header."""
    settings.ANONYMOUS_PAGE_SECONDS = 5
    url = contender.contender_list.get_absolute_url()
    other = Client()
    other.force_login(UserFactory())
    try:
        other.get(url)  # Kept, with a slot for the header.
        reply(contender, thread)
        mine = Client()
        mine.force_login(author)
        page = mine.get(url)
        assert [t.name for t in page.templates] in ([], ["_account_nav.html"])  # The kept one.
        assert '<span class="count-badge">1</span>' in page.content.decode()
        assert "count-badge" not in other.get(url).content.decode()
        mark_all_read(user=author, up_to=Notification.objects.get().pk)
        assert "count-badge" not in mine.get(url).content.decode()
    finally:
        caches["pages"].clear()
        caches["kept"].clear()
