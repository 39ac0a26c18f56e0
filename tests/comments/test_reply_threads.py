"""Replying in place (htmx), a Reply on every comment, and a long thread's replies paged."""

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from comments.moderation import hide_comment
from comments.services import post_comment
from comments.threads import REPLIES_PER_PAGE, REPLIES_SHOWN
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def root(contender):
    return post_comment(user=UserFactory(username="amara"), contender_id=contender.pk, body="Hi!")


def replies_to(root, count, user=None):
    user = user or UserFactory()
    return [
        post_comment(
            user=user, contender_id=root.contender_id, parent_id=root.pk, body=f"Reply {n}."
        )
        for n in range(count)
    ]


def reply_url(comment):
    return reverse("comments:comment_reply", args=[comment.pk])


def replies_url(root, after=None):
    url = reverse("comments:comment_replies", args=[root.pk])
    return f"{url}?after={after.pk}" if after else url


def test_every_reply_offers_reply_too(member_client, contender, root):
    (reply,) = replies_to(root, 1)
    html = member_client.get(contender.get_comments_url()).content.decode()
    assert f'href="{reply_url(reply)}" data-hx-get="{reply_url(reply)}"' in html
    assert f'id="reply-slot-{reply.pk}"' in html
    visitor = Client().get(contender.get_comments_url()).content.decode()
    assert f"?next={reply_url(reply)}" in visitor
    assert "reply-slot" not in visitor


def test_htmx_opens_the_reply_form_under_the_comment(member_client, root):
    response = member_client.get(reply_url(root), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#reply-slot-{root.pk}"
    html = response.content.decode()
    assert "<html" not in html
    assert "csrfmiddlewaretoken" in html
    assert f'id="reply-{root.pk}-body"' in html  # Not the page's own comment box's id.
    assert "autofocus" in html
    assert "Your reply to amara" in html


def test_htmx_puts_a_posted_reply_at_the_end_of_its_thread(member_client, member, root):
    (earlier,) = replies_to(root, 1)
    response = member_client.post(reply_url(earlier), {"body": "<b>Bold</b> claim."}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#replies-{root.pk}"
    assert response["HX-Reswap"] == "beforeend"
    reply = Comment.objects.get(author=member)
    assert reply.parent == root  # A reply to a reply joins the thread.
    html = response.content.decode()
    assert html.lstrip().startswith("<li>")
    assert f'<article class="comment comment--reply" id="comment-{reply.pk}"' in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claim." in html
    assert "Your reply is posted." in html
    assert f'id="reply-slot-{earlier.pk}" data-hx-swap-oob="true"></div>' in html


def test_a_refused_reply_comes_back_in_its_form(member_client, member, root, moderator):
    response = member_client.post(reply_url(root), {"body": ""}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == f"#reply-slot-{root.pk}"
    assert response["HX-Reswap"] == "innerHTML"
    assert "Write something first." in response.content.decode()
    hide_comment(moderator=moderator, comment=root, reason="Spam")
    response = member_client.post(reply_url(root), {"body": "Still here?"}, **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "takes no more replies" in html
    assert "Still here?" in html  # Nothing typed is lost.
    assert not Comment.objects.filter(author=member).exists()


def test_without_javascript_the_reply_page_still_works(member_client, member, root):
    assert "<html" in member_client.get(reply_url(root)).content.decode()
    response = member_client.post(reply_url(root), {"body": "From the page."})
    assert response.status_code == 302
    assert Comment.objects.filter(author=member, parent=root).exists()


def test_a_short_thread_shows_every_reply(client, contender, root):
    replies_to(root, REPLIES_SHOWN)
    html = client.get(contender.get_comments_url()).content.decode()
    assert html.count("comment--reply") == REPLIES_SHOWN
    assert "more-replies" not in html


def test_a_long_thread_shows_its_first_replies_and_a_link_to_the_next(
    client, contender, root, relaxed_rate_limits
):
    replies = replies_to(root, REPLIES_SHOWN + REPLIES_PER_PAGE + 3)
    html = client.get(contender.get_comments_url()).content.decode()
    assert html.count("comment--reply") == REPLIES_SHOWN
    last_shown = replies[REPLIES_SHOWN - 1]
    assert f'href="{replies_url(root, last_shown)}"' in html
    assert f"Show {REPLIES_PER_PAGE} more replies" in html

    # Without JavaScript: a page of its own, from the next reply on.
    page = client.get(replies_url(root, last_shown))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<html" in html
    assert html.count("comment--reply") == REPLIES_PER_PAGE
    assert f'id="comment-{replies[REPLIES_SHOWN].pk}"' in html
    assert f'id="comment-{last_shown.pk}"' not in html
    assert "Show 3 more replies" in html

    # With htmx: the replies alone, and the next link.
    last_page = client.get(replies_url(root, replies[-4]), **HTMX)
    html = last_page.content.decode()
    assert "<html" not in html
    assert html.count("comment--reply") == 3
    assert "more-replies" not in html
    assert "HX-Request" in last_page["Vary"]


@pytest.mark.parametrize("replies", [REPLIES_SHOWN + 1, 40])
def test_long_threads_cost_the_same_queries(
    client, contender, root, replies, django_assert_num_queries, relaxed_rate_limits
):
    made = replies_to(root, replies)
    with django_assert_num_queries(7):
        assert client.get(contender.get_comments_url()).status_code == 200
    with django_assert_num_queries(3):  # The root, the cursor, the page of replies.
        assert client.get(replies_url(root, made[REPLIES_SHOWN - 1])).status_code == 200


def test_a_page_of_replies_needs_a_thread_and_a_reply_of_it(client, contender, root):
    (reply,) = replies_to(root, 1)
    other = post_comment(user=UserFactory(), contender_id=contender.pk, body="Elsewhere.")
    (elsewhere,) = replies_to(other, 1)
    assert client.get(replies_url(reply)).status_code == 404  # Not a thread.
    assert client.get(replies_url(root, elsewhere)).status_code == 404
    assert client.get(replies_url(root) + "?after=first").status_code == 404
    assert client.get(replies_url(root) + "?after=0").status_code == 404


def test_a_reply_deep_in_a_thread_is_found_on_its_page(client, contender, root):
    replies = replies_to(root, REPLIES_SHOWN + 3)
    deep = replies[REPLIES_SHOWN + 1]
    response = client.get(reverse("comments:comment", args=[deep.pk]))
    assert response["Location"] == (
        f"{replies_url(root, replies[REPLIES_SHOWN])}#comment-{deep.pk}"
    )
    assert f'id="comment-{deep.pk}"' in client.get(response["Location"]).content.decode()
    shallow = client.get(reverse("comments:comment", args=[replies[1].pk]))
    assert shallow["Location"].startswith(contender.get_comments_url())


def test_the_author_of_a_hidden_reply_sees_it_in_the_thread(contender, root, moderator):
    author = UserFactory()
    (reply,) = replies_to(root, 1, user=author)
    hide_comment(moderator=moderator, comment=reply, reason="Off topic")
    client = Client()
    client.force_login(author)
    html = client.get(contender.get_comments_url()).content.decode()
    assert "A moderator hid this comment" in html
    assert "Reply 0." in html
    assert "Reply 0." not in Client().get(contender.get_comments_url()).content.decode()
