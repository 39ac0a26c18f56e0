"""Thumbs on comments (comments.thumbs): the vote transitions, refusals and the htmx partial."""

import pytest
from django.urls import reverse

from comments.models import CommentVote
from comments.services import (
    ActionRefused,
    post_comment,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank, run_at_once, say

pytestmark = pytest.mark.django_db

BODY = "Fibre in every flat, trams on time."


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


def test_no_thumb_for_ones_own_comment(member, contender):
    comment = say(member, contender)

    with pytest.raises(ActionRefused):
        thumb_comment(user=member, comment_id=comment.pk, value=1)
    assert not CommentVote.objects.exists()


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


def test_two_members_thumbing_one_comment_each_keep_their_own(member, contender):
    comment = post_comment(user=UserFactory(), contender_id=contender.pk, body=BODY)
    other = UserFactory()

    thumb_comment(user=member, comment_id=comment.pk, value=1)
    thumb_comment(user=other, comment_id=comment.pk, value=-1)
    outcome = thumb_comment(user=member, comment_id=comment.pk, value=-1)

    thumbs = dict(CommentVote.objects.filter(comment=comment).values_list("user", "value"))
    assert thumbs == {member.pk: -1, other.pk: -1}
    comment.refresh_from_db()
    assert (comment.upvotes, comment.downvotes, comment.score) == (0, 2, -2)
    assert (outcome.comment.upvotes, outcome.comment.downvotes, outcome.comment.score) == (
        0,
        2,
        -2,
    )
