"""Votes cast at the same moment, from real threads, each with its own connection.

SQLite serializes every writer through one file lock, so these run on
PostgreSQL only, where row locks and READ COMMITTED could lose updates if the
service got them wrong.
"""

import random
import threading

import pytest
from django.db import connection

from cities.models import Contender
from comments.models import Vote
from comments.ranking import find_drift
from comments.services import cast_vote
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_at_once(jobs) -> list[Exception]:
    """Start every job in its own thread at the same instant; return what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a voter never finished"
    return errors


def test_fifty_voters_at_once_on_one_contender_are_all_counted(make_ranked_list):
    contender_list = make_ranked_list(10)
    target = Contender.objects.get(contender_list=contender_list, rank=10)
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
    assert target.rank == 1
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
    ranks = Contender.objects.filter(contender_list=contender_list).ranked()
    assert list(ranks.values_list("rank", flat=True)) == list(range(1, 9))


def test_one_member_double_clicking_counts_once(make_ranked_list, member):
    target = Contender.objects.get(contender_list=make_ranked_list(3), rank=3)

    errors = run_at_once(
        [lambda: cast_vote(user=member, contender_id=target.pk, value=1) for _ in range(10)]
    )

    assert errors == []
    target.refresh_from_db()
    assert (target.upvotes, target.score) == (1, 1)
    assert Vote.objects.filter(contender=target).count() == 1
