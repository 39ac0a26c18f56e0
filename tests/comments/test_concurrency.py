"""Votes cast at the same moment, from real threads, each with its own connection.

SQLite serializes every writer through one file lock, so these run on
PostgreSQL only, where row locks and READ COMMITTED could lose updates if the
service got them wrong.
"""

import random

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format

from cities.models import Contender
from comments.counts import find_drift, recount_list
from comments.models import Report, Vote
from comments.services import (
    ActionRefused,
    cast_vote,
    post_comment,
    report_comment,
    suggest_city,
    suggest_contender,
)
from tests.factories import CityFactory, UserFactory
from tests.helpers import at_rank, rank_of, ranking, run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_fifty_voters_at_once_on_one_contender_are_all_counted(make_ranked_list):
    contender_list = make_ranked_list(10)
    target = at_rank(contender_list, 10)
    voters = UserFactory.create_batch(50)

    errors = run_at_once(
        [
            lambda user=user: cast_vote(user=user, contender_id=target.pk, value=1)
            for user in voters
        ]
    )

    assert errors == []
    target.refresh_from_db()
    assert Vote.objects.filter(contender=target).count() == 50
    assert target.upvotes == 50
    assert target.score == 50
    assert rank_of(target) == 1
    assert find_drift(contender_list) == []


def test_random_votes_at_once_across_a_list_leave_no_drift(make_ranked_list):
    contender_list = make_ranked_list(8)
    contenders = list(
        Contender.objects.filter(contender_list=contender_list).values_list("pk", flat=True)
    )
    voters = UserFactory.create_batch(24)

    def vote_randomly(user, seed):
        generator = random.Random(seed)
        for _ in range(15):
            cast_vote(
                user=user,
                contender_id=generator.choice(contenders),
                value=generator.choice([1, 1, -1, 0]),
            )

    errors = run_at_once(
        [lambda u=user, s=seed: vote_randomly(u, s) for seed, user in enumerate(voters)]
    )

    assert errors == []
    assert find_drift(contender_list) == []
    for contender in Contender.objects.filter(contender_list=contender_list):
        votes = Vote.objects.filter(contender=contender)
        assert contender.upvotes == votes.filter(value=1).count()
        assert contender.downvotes == votes.filter(value=-1).count()
    # The ranking read through the index against one sorted here from the counts, and
    # each rank counted from the scores against its place.
    scores = Contender.objects.filter(contender_list=contender_list).values_list("pk", "score")
    expected = [pk for pk, score in sorted(scores, key=lambda row: (-row[1], row[0]))]
    assert ranking(contender_list) == expected
    assert [rank_of(Contender(pk=pk)) for pk in expected] == list(range(1, 9))


def test_one_member_double_clicking_counts_once(make_ranked_list, member):
    """The first click counts; the others find the vote already as asked: a success."""
    target = at_rank(make_ranked_list(3), 3)

    errors = run_at_once(
        [lambda: cast_vote(user=member, contender_id=target.pk, value=1) for _ in range(10)]
    )

    assert errors == []
    target.refresh_from_db()
    assert (target.upvotes, target.score) == (1, 1)
    assert Vote.objects.filter(contender=target).count() == 1


def test_one_member_switching_in_two_tabs_at_once_stays_exact(make_ranked_list, member):
    target = at_rank(make_ranked_list(3), 3)
    cast_vote(user=member, contender_id=target.pk, value=1)

    errors = run_at_once(
        [
            lambda v=value: cast_vote(user=member, contender_id=target.pk, value=v)
            for value in [-1, 0, -1, 0, -1, 0]
        ]
    )

    # However the six interleave, each is counted or refused as changed meanwhile.
    assert [e for e in errors if not (isinstance(e, ActionRefused) and e.status == 409)] == []
    assert find_drift(target.contender_list) == []
    target.refresh_from_db()
    vote = Vote.objects.filter(user=member, contender=target).first()
    assert (target.upvotes, target.downvotes) == (0, 1 if vote else 0)


def test_twenty_identical_posts_at_once_all_succeed_and_count_once(
    make_ranked_list, member, relaxed_rate_limits
):
    """Real requests through the view, each thread with its own client and connection."""
    target = at_rank(make_ranked_list(3), 3)
    url = reverse("comments:vote", args=[target.pk])
    statuses = []

    def post():
        client = Client()
        client.force_login(member)
        statuses.append(
            client.post(
                url, {"value": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=f"vote-{target.pk}"
            )
        )

    assert run_at_once([post for _ in range(20)]) == []

    assert [response.status_code for response in statuses] == [200] * 20
    pressed = 'value="0" class="vote__button vote__button--up" aria-pressed="true"'
    assert all(pressed in response.content.decode() for response in statuses)
    target.refresh_from_db()
    assert (target.upvotes, target.score) == (1, 1)
    assert find_drift(target.contender_list) == []


def test_one_member_reporting_a_comment_from_eight_tabs_at_once_reports_once(
    make_ranked_list, member
):
    """The tabs that lose the race meet the unique constraint, and hear what the others hear."""
    comment = post_comment(
        user=UserFactory(), contender_id=at_rank(make_ranked_list(1), 1).pk, body="Spam."
    )

    errors = run_at_once(
        [
            lambda: report_comment(user=member, comment_id=comment.pk, reason="spam")
            for _ in range(8)
        ]
    )

    assert Report.objects.filter(comment=comment, reporter=member).count() == 1
    assert [(e.status, e.message) for e in errors] == [
        (409, "You have already reported this comment.")
    ] * 7


def test_eight_members_suggesting_one_city_at_once_leave_one_pending_contender(
    make_ranked_list,
):
    contender_list = make_ranked_list(1)
    city = CityFactory(name="Newtown")
    members = UserFactory.create_batch(8)

    errors = run_at_once(
        [
            lambda user=user: suggest_contender(
                user=user, contender_list_id=contender_list.pk, city_id=city.pk
            )
            for user in members
        ]
    )

    assert contender_list.contenders.get(city=city).status == "pending"
    assert [(e.status, e.message) for e in errors] == [
        (409, "Newtown has been suggested already and waits for a moderator.")
    ] * 7


def test_eight_members_suggesting_one_new_city_at_once_leave_one_suggestion(make_ranked_list):
    contender_list = make_ranked_list(1)
    members = UserFactory.create_batch(8)

    errors = run_at_once(
        [
            lambda user=user: suggest_city(
                user=user,
                contender_list_id=contender_list.pk,
                name="Nairobi",
                country="Kenya",
                reason="Silicon Savannah: M-Pesa, iHub.",
            )
            for user in members
        ]
    )

    assert contender_list.city_suggestions.pending().count() == 1
    assert len(errors) == 7
    assert {error.status for error in errors} == {409}
    # Those that read before the winner committed meet the unique constraint.
    made = date_format(contender_list.city_suggestions.get().created_at, "j F Y")
    assert {error.message for error in errors} <= {
        "Nairobi has just been suggested by someone else.",
        f"Nairobi was suggested on {made} and waits for a moderator.",
    }


def test_a_recount_keeps_votes_on_its_list_waiting_until_it_commits(make_ranked_list, member):
    """The recount locks the list's contenders, so no vote moves a count between tally and write.

    The vote, on its own connection, gives up waiting after a moment instead of
    waiting for the end of the test's transaction.
    """
    contender_list = make_ranked_list(2)
    contender = at_rank(contender_list, 1)

    def vote_without_waiting_long():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '300ms'")
            cast_vote(user=member, contender_id=contender.pk, value=1)

    with transaction.atomic():
        recount_list(contender_list)
        errors = run_at_once([vote_without_waiting_long])

    assert [type(error) for error in errors] == [OperationalError]
    assert "lock timeout" in str(errors[0])
    assert not Vote.objects.exists()
