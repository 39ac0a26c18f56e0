import io

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from cities.models import Contender
from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


def check() -> str:
    out = io.StringIO()
    call_command("recompute_rankings", "--check", stdout=out)
    return out.getvalue()


def stored_state():
    return list(
        Contender.objects.order_by("pk").values_list(
            "pk", "upvotes", "downvotes", "score", "wilson_lower", "comment_count"
        )
    )


@pytest.fixture
def voted_list(make_ranked_list):
    contender_list = make_ranked_list(6)
    contenders = [at_rank(contender_list, rank) for rank in range(1, 7)]
    for member in UserFactory.create_batch(4):
        cast_vote(user=member, contender_id=contenders[5].pk, value=1)
        cast_vote(user=member, contender_id=contenders[0].pk, value=-1)
    return contender_list


def test_check_is_clean_after_votes(voted_list):
    assert "found no drift" in check()


def test_check_reports_tampered_counts_and_changes_nothing(voted_list):
    top = at_rank(voted_list, 1)
    Contender.objects.filter(pk=top.pk).update(upvotes=99, score=99)
    before = stored_state()

    out = io.StringIO()
    with pytest.raises(CommandError, match="differ from the votes"):
        call_command("recompute_rankings", "--check", stdout=out)

    assert f"contender {top.pk}: upvotes is 99, should be 4" in out.getvalue()
    assert stored_state() == before


def test_check_reports_a_wrong_comment_count(voted_list):
    Contender.objects.filter(pk=at_rank(voted_list, 2).pk).update(comment_count=5)

    with pytest.raises(CommandError):
        check()


def test_recompute_rebuilds_counts_and_ranks_from_the_votes(voted_list):
    expected = stored_state()
    Contender.objects.filter(contender_list=voted_list).update(
        upvotes=0, downvotes=0, score=0, wilson_lower=0, comment_count=3
    )

    out = io.StringIO()
    call_command("recompute_rankings", stdout=out)

    assert "contenders corrected" in out.getvalue()
    assert stored_state() == expected
    assert "found no drift" in check()


def test_check_exits_non_zero_from_the_command_line(voted_list, capsys):
    Contender.objects.filter(pk=at_rank(voted_list, 1).pk).update(upvotes=50, score=50)
    utility = ManagementUtility(["manage.py", "recompute_rankings", "--check"])

    with pytest.raises(SystemExit) as exited:
        utility.execute()

    assert exited.value.code == 1
    assert "differ from the votes" in capsys.readouterr().err
