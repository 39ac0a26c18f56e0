"""Thumbs on comments (comments.thumbs): the vote transitions, refusals and the htmx partial."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentVote
from comments.services import (
    ActionRefused,
    post_comment,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank, fragment, pressed, run_at_once, say, shown_score

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0


@pytest.mark.parametrize(
    ("first", "second", "counts"),
    [(None, 1, (1, 0, 1)), (1, 0, (0, 0, 0)), (1, -1, (0, 1, -1)), (-1, -1, (0, 1, -1))],
)
def test_thumbs_follow_the_vote_transitions(member, contender, first, second, counts):
    comment = say(UserFactory(), contender)
    if first is not None:
        thumb_comment(user=member, comment_id=comment.pk, value=first)

    thumb_comment(user=member, comment_id=comment.pk, value=second)

    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, comment.score) == counts
    assert CommentVote.objects.filter(comment=comment).count() == (0 if second == 0 else 1)


def test_a_thumb_by_htmx_returns_the_fresh_thumbs_partial(member_client, contender):
    comment = say(UserFactory(), contender)

    response = member_client.post(
        reverse("comments:comment_thumb", args=[comment.pk]),
        {"value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"thumbs-{comment.pk}",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="thumbs" id="thumbs-{comment.pk}">')
    assert 'value="0" class="thumb thumb--up" aria-pressed="true"' in html
    assert '<span class="visually-hidden">Comment score </span>1</span>' in html
    assert "<html" not in html
    comment.refresh_from_db()
    assert comment.score == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_member_double_clicking_a_thumb_counts_once(make_ranked_list, member):
    """The same strategy as votes: the first click counts, the others, asking the same,
    find it done and succeed."""
    comment = say(UserFactory(), at_rank(make_ranked_list(2), 1))

    errors = run_at_once(
        [lambda: thumb_comment(user=member, comment_id=comment.pk, value=1) for _ in range(8)]
    )

    assert errors == []
    comment.refresh_from_db()
    assert (comment.upvotes, comment.score) == (1, 1)
    assert CommentVote.objects.filter(comment=comment).count() == 1


SCRIPT = {"HTTP_ACCEPT": "application/json", "HTTP_HX_REQUEST": "true"}


@pytest.fixture
def comment(make_ranked_list):
    contender = at_rank(make_ranked_list(2), 1)
    return post_comment(user=UserFactory(), contender_id=contender.pk, body="Fast trains.")


def counts(comment: Comment) -> tuple[int, int, int]:
    comment.refresh_from_db()
    return comment.upvotes, comment.downvotes, comment.score


def thumbs():
    return sorted(CommentVote.objects.values_list("user", "comment", "value"))


def test_two_members_thumbing_one_comment_each_keep_their_own_thumb(comment):
    alice, bob = UserFactory.create_batch(2)

    thumb_comment(user=alice, comment_id=comment.pk, value=UP)
    thumb_comment(user=bob, comment_id=comment.pk, value=DOWN)

    assert counts(comment) == (1, 1, 0)
    assert thumbs() == sorted([(alice.pk, comment.pk, UP), (bob.pk, comment.pk, DOWN)])


def test_taking_back_ones_thumb_leaves_the_others_thumb(comment):
    alice, bob = UserFactory.create_batch(2)
    thumb_comment(user=alice, comment_id=comment.pk, value=UP)
    thumb_comment(user=bob, comment_id=comment.pk, value=UP)

    thumb_comment(user=alice, comment_id=comment.pk, value=NONE)
    thumb_comment(user=bob, comment_id=comment.pk, value=DOWN)

    assert counts(comment) == (0, 1, -1)
    assert thumbs() == [(bob.pk, comment.pk, DOWN)]


def test_one_member_thumbs_two_comments_each_on_its_own(comment, member):
    other = post_comment(
        user=UserFactory(), contender_id=comment.contender_id, body="Slow trains."
    )

    thumb_comment(user=member, comment_id=comment.pk, value=UP)
    thumb_comment(user=member, comment_id=other.pk, value=UP)
    thumb_comment(user=member, comment_id=comment.pk, value=DOWN)

    assert (counts(comment), counts(other)) == ((0, 1, -1), (1, 0, 1))
    assert thumbs() == sorted([(member.pk, comment.pk, DOWN), (member.pk, other.pk, UP)])


TRANSITIONS = [
    (None, UP),
    (None, DOWN),
    (UP, NONE),
    (DOWN, NONE),
    (UP, DOWN),
    (DOWN, UP),
    (UP, UP),
    (None, NONE),
]


@pytest.mark.parametrize(("first", "second"), TRANSITIONS)
def test_the_thumb_returns_the_comments_counts_as_stored(comment, member, first, second):
    """From counts other members left, so a count set instead of moved shows."""
    for other, value in zip(UserFactory.create_batch(3), [UP, UP, DOWN], strict=True):
        thumb_comment(user=other, comment_id=comment.pk, value=value)
    if first is not None:
        thumb_comment(user=member, comment_id=comment.pk, value=first)

    outcome = thumb_comment(user=member, comment_id=comment.pk, value=second)

    returned = (outcome.comment.upvotes, outcome.comment.downvotes, outcome.comment.score)
    assert returned == counts(comment)
    assert returned == (2 + (second == UP), 1 + (second == DOWN), 1 + second)
    assert outcome.value == second


@pytest.mark.parametrize(("first", "second"), TRANSITIONS)
def test_a_thumb_by_script_shows_the_new_score_and_pressed_buttons(
    member_client, member, comment, first, second
):
    thumb_comment(user=UserFactory(), comment_id=comment.pk, value=UP)
    if first is not None:
        thumb_comment(user=member, comment_id=comment.pk, value=first)

    response = member_client.post(
        reverse("comments:comment_thumb", args=[comment.pk]), {"value": second}, **SCRIPT
    )

    assert response.status_code == 200
    html = fragment(response)
    assert shown_score(html, "thumbs__score") == 1 + second == counts(comment)[2]
    assert (pressed(html, "up"), pressed(html, "down")) == (second == UP, second == DOWN)


def test_a_thumb_form_post_goes_back_to_the_comment(member_client, comment):
    back = comment.contender.get_comments_url()

    response = member_client.post(
        reverse("comments:comment_thumb", args=[comment.pk]), {"value": "1", "next": back}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{back}#comment-{comment.pk}"
    assert counts(comment) == (1, 0, 1)


@pytest.mark.parametrize(
    ("setup", "status", "words"),
    [
        ("own", 409, "You cannot give your own comment a thumb."),
        ("deleted", 409, "That comment is gone."),
        ("missing", 404, "That comment does not exist."),
        ("malformed", 400, "A vote is up, down or none."),
    ],
)
def test_a_refused_thumb_says_why_and_changes_nothing(comment, member, setup, status, words):
    comment_id, value = comment.pk, UP
    if setup == "own":
        Comment.objects.filter(pk=comment.pk).update(author=member)
    elif setup == "deleted":
        Comment.objects.filter(pk=comment.pk).update(deleted_at=comment.created_at)
    elif setup == "missing":
        comment_id = comment.pk + 1000
    else:
        value = 2

    with pytest.raises(ActionRefused) as refused:
        thumb_comment(user=member, comment_id=comment_id, value=value)

    assert (refused.value.status, refused.value.message) == (status, words)
    assert thumbs() == []
    assert counts(comment) == (0, 0, 0)


def test_no_thumb_for_ones_own_comment(member, contender):
    comment = say(member, contender)

    with pytest.raises(ActionRefused) as refused:
        thumb_comment(user=member, comment_id=comment.pk, value=1)
    assert refused.value.status == 409
    assert "cannot give your own comment a thumb" in refused.value.message
    assert not CommentVote.objects.exists()
