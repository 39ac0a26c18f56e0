"""Behaviour a mutation run found unpinned: each test fails if its rule is dropped.

Two members on one comment, two comments for one member, replies among
several threads and contenders, a vote after a moderator's void, the
remembered standing after a suspension, and the daily snapshot of each list.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import RankingMethod
from comments.counts import find_drift
from comments.models import CommentVote, RankSnapshot, Report, ReportReason, Vote
from comments.moderation import make_moderator, suspend_user, void_votes
from comments.services import (
    ActionRefused,
    cast_vote,
    post_comment,
    report_comment,
    thumb_comment,
)
from tests.factories import UserFactory
from tests.helpers import at_rank, rank_of

pytestmark = pytest.mark.django_db

BODY = "Fibre in every flat, trams on time."


@pytest.fixture
def contender(make_ranked_list):
    return at_rank(make_ranked_list(3), 1)


@pytest.fixture
def moderator(db):
    moderator = UserFactory()
    make_moderator(moderator)
    return type(moderator).objects.get(pk=moderator.pk)  # Fresh permission cache.


def refusal_of(service, **arguments) -> ActionRefused:
    with pytest.raises(ActionRefused) as caught:
        service(**arguments)
    return caught.value


# --- Thumbs and reports: one member's act is theirs alone ------------------------------


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


def test_a_member_reports_two_comments(member, contender):
    author = UserFactory()
    first = post_comment(user=author, contender_id=contender.pk, body=BODY)
    second = post_comment(user=author, contender_id=contender.pk, body=BODY + " Again.")

    report_comment(user=member, comment_id=first.pk, reason=ReportReason.SPAM)
    report_comment(user=member, comment_id=second.pk, reason=ReportReason.SPAM)

    reported = Report.objects.filter(reporter=member).values_list("comment", flat=True)
    assert sorted(reported) == [first.pk, second.pk]


# --- Replies find their own parent ---------------------------------------------------------


def test_a_reply_lands_under_the_comment_it_answers_among_several(member, contender):
    threads = [
        post_comment(user=UserFactory(), contender_id=contender.pk, body=f"{BODY} {n}")
        for n in range(3)
    ]

    reply = post_comment(
        user=member, contender_id=contender.pk, body=BODY, parent_id=threads[1].pk
    )
    to_the_reply = post_comment(
        user=member, contender_id=contender.pk, body=BODY, parent_id=reply.pk
    )

    assert reply.parent_id == threads[1].pk
    assert to_the_reply.parent_id == threads[1].pk  # A reply to a reply joins the thread.


def test_a_reply_to_another_contenders_comment_is_refused(member, make_ranked_list):
    contender_list = make_ranked_list(2)
    here, elsewhere = at_rank(contender_list, 1), at_rank(contender_list, 2)
    post_comment(user=UserFactory(), contender_id=here.pk, body=BODY)
    theirs = post_comment(user=UserFactory(), contender_id=elsewhere.pk, body=BODY)

    refusal = refusal_of(
        post_comment, user=member, contender_id=here.pk, body=BODY, parent_id=theirs.pk
    )

    assert (refusal.status, refusal.message) == (
        404,
        "The comment you reply to does not exist.",
    )
    assert not theirs.replies.exists()


# --- A vote after a moderator's void -----------------------------------------------------


def test_voting_again_after_a_void_replaces_the_voided_vote(moderator, member, contender):
    cast_vote(user=member, contender_id=contender.pk, value=1)
    void_votes(moderator=moderator, member=member, reason="Brigading.")

    outcome = cast_vote(user=member, contender_id=contender.pk, value=1)

    vote = Vote.objects.get(user=member, contender=contender)
    assert (vote.value, vote.voided_at) == (1, None)
    contender.refresh_from_db()
    assert (contender.upvotes, contender.score, outcome.value) == (1, 1, 1)
    assert find_drift(contender.contender_list) == []


# --- A suspension ends a remembered standing at once -------------------------------------


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


# --- The daily snapshot, list by list ---------------------------------------------------------


def test_the_first_vote_of_the_day_on_one_list_leaves_the_others_to_their_own(
    member, make_ranked_list
):
    first, second = make_ranked_list(3), make_ranked_list(3)

    cast_vote(user=member, contender_id=at_rank(first, 3).pk, value=1)
    assert not RankSnapshot.objects.filter(contender__contender_list=second).exists()
    cast_vote(user=member, contender_id=at_rank(second, 3).pk, value=1)

    for contender_list in (first, second):
        taken = RankSnapshot.objects.filter(contender__contender_list=contender_list)
        assert taken.count() == 3
        assert set(taken.values_list("taken_on", flat=True)) == {timezone.localdate()}


def test_the_snapshot_keeps_the_ranks_best_first(make_ranked_list, relaxed_rate_limits):
    contender_list = make_ranked_list(3)
    bottom = at_rank(contender_list, 3)
    for voter in UserFactory.create_batch(2):
        cast_vote(user=voter, contender_id=bottom.pk, value=1)
    # Yesterday's snapshot is taken; the first vote of today snapshots the ranks as they are.
    contender_list.ranks_snapshot_on = timezone.localdate() - timedelta(days=1)
    contender_list.save(update_fields=["ranks_snapshot_on"])
    RankSnapshot.objects.all().delete()

    cast_vote(user=UserFactory(), contender_id=at_rank(contender_list, 2).pk, value=-1)

    snapshot = dict(RankSnapshot.objects.values_list("contender", "rank"))
    assert snapshot[bottom.pk] == 1  # Score 2, ahead of the two at 0.
    assert sorted(snapshot.values()) == [1, 2, 3]
    scores = dict(RankSnapshot.objects.values_list("contender", "score"))
    assert scores[bottom.pk] == 2


def test_the_previous_rank_comes_from_the_lists_last_snapshot_day(make_ranked_list, member):
    contender_list = make_ranked_list(3)
    contender = at_rank(contender_list, 2)
    today = timezone.localdate()
    RankSnapshot.objects.create(
        contender=contender, taken_on=today - timedelta(days=9), rank=3, score=0
    )
    RankSnapshot.objects.create(
        contender=contender, taken_on=today - timedelta(days=1), rank=1, score=5
    )
    contender_list.ranks_snapshot_on = today - timedelta(days=1)
    contender_list.save(update_fields=["ranks_snapshot_on"])

    found = type(contender).objects.filter(pk=contender.pk).with_previous_rank().get()

    assert found.previous_rank == 1


def test_a_wilson_list_breaks_ties_by_score_then_by_who_joined_first(
    make_ranked_list, relaxed_rate_limits
):
    contender_list = make_ranked_list(3, ranking=RankingMethod.WILSON)
    first, second, third = (at_rank(contender_list, n) for n in (1, 2, 3))
    # The same Wilson bound (no down votes, one up vote each) for the last two.
    cast_vote(user=UserFactory(), contender_id=third.pk, value=1)
    cast_vote(user=UserFactory(), contender_id=second.pk, value=1)

    assert [rank_of(c) for c in (second, third, first)] == [1, 2, 3]
