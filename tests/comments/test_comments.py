from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comments.counts import find_drift
from comments.models import Comment, CommentRevision
from comments.services import ActionRefused, post_comment, thumb_comment
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import refusal_of, say

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_url(contender):
    return contender.get_comments_url()


@pytest.fixture
def create_url(contender):
    return reverse(
        "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
    )


def stored_comments():
    return list(Comment.objects.order_by("pk").values_list("pk", "body", "parent", "deleted_at"))


# --- Posting -----------------------------------------------------------------------


def test_a_member_posts_a_comment_and_sees_it(member_client, member, contender, create_url):
    response = member_client.post(create_url, {"body": "Robots at the airport, really."})

    comment = Comment.objects.get()
    assert comment.author == member
    assert response["Location"].endswith(f"?sort=new#comment-{comment.pk}")
    page = member_client.get(response["Location"]).content.decode()
    assert "Robots at the airport, really." in page
    assert "Your comment is posted." in page
    contender.refresh_from_db()
    assert contender.comment_count == 1


def test_a_comment_shows_on_the_city_page_with_its_list(client, member, contender):
    say(member, contender, "Best metro I have ridden.")

    html = client.get(contender.city.get_absolute_url()).content.decode()

    assert "Best metro I have ridden." in html
    assert contender.contender_list.title in html


def test_a_reply_goes_under_its_comment(client, member, contender):
    comment = say(member, contender, "Top of the list, easily.")
    reply = say(UserFactory(), contender, "Disagree: the rent!", parent=comment)

    html = client.get(contender.get_comments_url()).content.decode()

    assert reply.parent == comment
    comment_at = html.index(f'id="comment-{comment.pk}"')
    replies_at = html.index('class="replies"', comment_at)
    assert comment_at < replies_at < html.index(f'id="comment-{reply.pk}"')


def test_a_reply_to_a_reply_joins_the_same_thread(member, contender):
    comment = say(member, contender)
    reply = say(UserFactory(), contender, "First reply.", parent=comment)

    second = say(UserFactory(), contender, "Replying to the reply.", parent=reply)

    assert second.parent == comment


def test_the_reply_page_posts_a_reply(member_client, member, contender):
    comment = say(UserFactory(), contender)
    url = reverse("comments:comment_reply", args=[comment.pk])

    assert member_client.get(url).status_code == 200
    member_client.post(url, {"body": "Agreed, and the trains are quiet too."})

    assert comment.replies.get().author == member


def test_anonymous_visitors_are_sent_to_log_in(client, contender, create_url):
    response = client.post(create_url, {"body": "Hello there."})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Comment.objects.exists()


def test_no_comments_on_a_pending_contender(member_client, make_ranked_list):
    pending = ContenderFactory(contender_list=make_ranked_list(1), status="pending")
    url = reverse(
        "comments:contender_comments", args=[pending.contender_list.slug, pending.city.slug]
    )

    assert member_client.get(url).status_code == 404
    with pytest.raises(ActionRefused) as refused:
        post_comment(user=UserFactory(), contender_id=pending.pk, body="Me first!")
    assert refused.value.status == 409
    assert "once a moderator approves this city" in refused.value.message


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 5001, "at most 5000 characters; this one has 5001"),
        ("", "Write something first."),
        ("   ", "at least 2 characters"),
        ("a", "at least 2 characters"),
    ],
)
def test_a_comment_of_the_wrong_length_is_refused_and_kept(
    member_client, create_url, body, message
):
    response = member_client.post(create_url, {"body": body})

    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    if body.strip():
        assert body.strip() in html, "the text stays in the form"
    assert not Comment.objects.exists()


def test_windows_line_ends_count_once(member_client, create_url):
    body = "abcd\r\n" * 999 + "abcde"  # 5999 characters sent, 5000 once \r\n becomes \n

    response = member_client.post(create_url, {"body": body})

    assert response.status_code == 302
    assert len(Comment.objects.get().body) == 5000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x" * 5001, "A comment can be at most 5000 characters; this one has 5001."),
        (" a ", "A comment needs at least 2 characters."),
    ],
)
def test_the_service_refuses_a_comment_of_the_wrong_length(member, contender, body, message):
    refusal = refusal_of(post_comment, user=member, contender_id=contender.pk, body=body)

    assert (refusal.status, refusal.message) == (400, message)
    assert not Comment.objects.exists()


def test_old_mac_line_ends_are_stored_as_unix_ones(member, contender):
    comment = post_comment(user=member, contender_id=contender.pk, body="Line one\rLine two")

    assert Comment.objects.get(pk=comment.pk).body == "Line one\nLine two"


def test_markup_in_a_comment_is_shown_as_text(client, member, contender):
    say(member, contender, '<script>alert("boo")</script> and <b>bold</b> claims')

    html = client.get(contender.get_comments_url()).content.decode()

    assert '<script>alert("boo")</script>' not in html
    assert "&lt;script&gt;alert(&quot;boo&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_links_are_clickable_and_not_endorsed(client, member, contender):
    say(member, contender, "See https://en.wikipedia.org/wiki/Shenzhen\n\nSecond paragraph.")

    html = client.get(contender.get_comments_url()).content.decode()

    assert (
        '<a href="https://en.wikipedia.org/wiki/Shenzhen" rel="nofollow ugc">'
        "https://en.wikipedia.org/wiki/Shenzhen</a>" in html
    )
    assert "<p>Second paragraph.</p>" in html


def test_a_javascript_link_stays_text(client, member, contender):
    say(member, contender, 'Click javascript:alert(1) or "><img src=x onerror=alert(1)>')

    html = client.get(contender.get_comments_url()).content.decode()

    assert 'href="javascript' not in html
    assert "<img src=x" not in html


def test_a_comment_without_a_csrf_token_is_refused(member, create_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(create_url, {"body": "Sneaky post."})

    assert response.status_code == 403
    assert not Comment.objects.exists()


# --- Editing and deleting ----------------------------------------------------------------


def test_the_author_edits_within_the_window(member_client, member, contender):
    comment = say(member, contender, "Fast internet.")

    response = member_client.post(
        reverse("comments:comment_edit", args=[comment.pk]), {"body": "Very fast internet."}
    )

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Very fast internet."
    assert comment.edited_at is not None
    assert CommentRevision.objects.get(comment=comment).body == "Fast internet."
    assert "edited" in member_client.get(contender.get_comments_url()).content.decode()


def test_no_edit_after_the_window(member_client, member, contender):
    comment = say(member, contender, "Fast internet.")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    url = reverse("comments:comment_edit", args=[comment.pk])

    page = member_client.get(url)
    post = member_client.post(url, {"body": "Changed my mind."})

    assert page.status_code == 403
    assert post.status_code == 403
    assert "15 minutes" in post.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Fast internet."
    assert not CommentRevision.objects.exists()


def test_nobody_edits_or_deletes_anothers_comment(member_client, contender):
    comment = say(UserFactory(), contender, "Mine, not yours.")
    before = stored_comments()

    edit = member_client.post(
        reverse("comments:comment_edit", args=[comment.pk]), {"body": "Hijacked."}
    )
    delete = member_client.post(reverse("comments:comment_delete", args=[comment.pk]))

    assert edit.status_code == 403
    assert delete.status_code == 403
    assert stored_comments() == before


def test_the_author_deletes_and_nothing_is_lost(member_client, member, contender):
    comment = say(member, contender, "On second thought.")

    response = member_client.post(reverse("comments:comment_delete", args=[comment.pk]))

    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.body == "On second thought."
    html = member_client.get(contender.get_comments_url()).content.decode()
    assert "On second thought." not in html
    assert "[deleted]" not in html
    contender.refresh_from_db()
    assert contender.comment_count == 0


def test_a_deleted_comment_with_replies_leaves_a_marker(member_client, member, contender):
    comment = say(member, contender, "Controversial take.")
    say(UserFactory(), contender, "A reply worth keeping.", parent=comment)

    member_client.post(reverse("comments:comment_delete", args=[comment.pk]))

    html = member_client.get(contender.get_comments_url()).content.decode()
    assert "[deleted]" in html
    assert "Controversial take." not in html
    assert "A reply worth keeping." in html
    assert find_drift(contender.contender_list) == []


def test_a_deleted_comment_takes_no_replies(member, contender):
    comment = say(member, contender)
    comment.deleted_at = timezone.now()
    comment.save()

    with pytest.raises(ActionRefused) as refused:
        say(UserFactory(), contender, "Late reply.", parent=comment)
    assert (refused.value.status, refused.value.message) == (
        409,
        "That comment is gone and takes no more replies.",
    )


# --- Sorting and pages -----------------------------------------------------------------


def test_comments_sort_by_top_or_newest(client, contender, relaxed_rate_limits):
    author = UserFactory()
    old_favourite = say(author, contender, "Old but loved.")
    newest = say(author, contender, "Brand new.")
    for fan in UserFactory.create_batch(3):
        thumb_comment(user=fan, comment_id=old_favourite.pk, value=1)
    url = contender.get_comments_url()

    top = [c.pk for c in client.get(url + "?sort=top").context["threads"].object_list]
    new = [c.pk for c in client.get(url + "?sort=new").context["threads"].object_list]

    assert top == [old_favourite.pk, newest.pk]
    assert new == [newest.pk, old_favourite.pk]


@pytest.mark.parametrize("query", ["?sort=best", "?page=0", "?page=abc", "?page=9"])
def test_malformed_comment_pages_are_not_found(client, contender, query):
    assert client.get(contender.get_comments_url() + query).status_code == 404


def test_the_list_shows_each_top_tens_most_liked_comment(client, member, contender):
    say(member, contender, "A fine city.")
    favourite = say(member, contender, "The most liked words about it.")
    thumb_comment(user=UserFactory(), comment_id=favourite.pk, value=1)

    html = client.get(contender.contender_list.get_absolute_url()).content.decode()

    assert "The most liked words about it." in html
    assert "A fine city." not in html
    assert "2 comments" in html


@pytest.mark.parametrize("comments", [1, 15])
def test_the_contender_page_runs_the_same_queries(
    member_client, member, contender, django_assert_num_queries, comments, relaxed_rate_limits
):
    """Session, user, contender, vote; comment count, page, replies, thumbs.

    The member has posted, so their standing is remembered, not asked again;
    without Redis, remembering is one read of the cache table.
    """
    for number in range(comments):
        comment = say(UserFactory(), contender, f"Comment number {number}.")
        say(member, contender, "A reply.", parent=comment)
        thumb_comment(user=member, comment_id=comment.pk, value=1)

    # The nine above, the standings by each counted method with how sure they
    # are, and the history chart's snapshots and events.
    with django_assert_num_queries(12):
        member_client.get(contender.get_comments_url())
    with django_assert_num_queries(10):  # The chart drawn already.
        member_client.get(contender.get_comments_url())
