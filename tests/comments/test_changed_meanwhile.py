"""A write whose row another request changed between this one's read and its write.

The member's other window changes their vote or thumb; the member's
second tab reports the same comment; another member suggests the same
city. The tests of comments/test_concurrency.py race real threads on
PostgreSQL, where who wins is up to the scheduler. These make the race
happen every time, on any database: the other request runs, through the
same service, at the moment this one checks its rate limit, after its
reads and before its write. Both run on the test's one connection, so a
refusal rolls the other request's write back with this request's
transaction; the refusals are checked by their status and words.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from comments import ratelimits, reports, suggestions, thumbs, votes
from comments.models import CommentVote, Vote
from comments.services import (
    ActionRefused,
    cast_vote,
    post_comment,
    report_comment,
    suggest_city,
    suggest_contender,
    thumb_comment,
)
from tests.factories import CityFactory, UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0
VOTED_MEANWHILE = (
    409,
    "Your vote on this city changed in another window at the same moment. "
    "Reload the page to see where it stands.",
)
THUMBED_MEANWHILE = (
    409,
    "Your thumb on this comment changed in another window at the same moment. "
    "Reload the page to see where it stands.",
)


@pytest.fixture
def meanwhile(monkeypatch):
    """`meanwhile(module, request)`: `request` runs once, between the service's read and write."""

    def arrange(module, request):
        pending = [request]

        def check_rate_limit(*args, **kwargs):
            if pending:
                pending.pop()()
            return ratelimits.check_rate_limit(*args, **kwargs)

        monkeypatch.setattr(module, "check_rate_limit", check_rate_limit)

    return arrange


def refused(service, **arguments) -> tuple[int, str]:
    with pytest.raises(ActionRefused) as caught:
        service(**arguments)
    return caught.value.status, caught.value.message


# --- Votes and thumbs: the same transitions, the same strategy ------------------------


@dataclass
class Writer:
    """A vote on a contender or a thumb on a comment, and how to read what it left."""

    module: object
    write: Callable  # (user, target, value) -> the outcome
    rows: Callable  # (user, target) -> the member's values on it
    refusal: tuple[int, str]
    target: object
    elsewhere: object  # Another contender or comment.

    def counts(self, row) -> tuple[int, int, int]:
        row.refresh_from_db()
        return row.upvotes, row.downvotes, row.score


@pytest.fixture(params=["vote", "thumb"])
def writer(request, make_ranked_list):
    contender_list = make_ranked_list(2)
    if request.param == "vote":
        return Writer(
            module=votes,
            write=lambda user, row, value: cast_vote(user=user, contender_id=row.pk, value=value),
            rows=lambda user, row: list(
                Vote.objects.filter(user=user, contender=row).values_list("value", flat=True)
            ),
            refusal=VOTED_MEANWHILE,
            target=at_rank(contender_list, 1),
            elsewhere=at_rank(contender_list, 2),
        )
    contender, author = at_rank(contender_list, 1), UserFactory()
    return Writer(
        module=thumbs,
        write=lambda user, row, value: thumb_comment(user=user, comment_id=row.pk, value=value),
        rows=lambda user, row: list(
            CommentVote.objects.filter(user=user, comment=row).values_list("value", flat=True)
        ),
        refusal=THUMBED_MEANWHILE,
        target=post_comment(user=author, contender_id=contender.pk, body="Fast trains."),
        elsewhere=post_comment(user=author, contender_id=contender.pk, body="Slow trains."),
    )


@pytest.mark.parametrize(
    ("before", "both", "counts"),
    [
        (None, UP, (1, 1, 0)),  # The insert meets the other window's row.
        (UP, DOWN, (0, 2, -2)),  # The change finds the row changed already.
    ],
)
def test_what_the_other_window_chose_the_same_meanwhile_counts_once(
    member, writer, meanwhile, before, both, counts
):
    """Another member's down and the member's own elsewhere stand beside it, untouched."""
    writer.write(UserFactory(), writer.target, DOWN)
    writer.write(member, writer.elsewhere, DOWN)
    if before is not None:
        writer.write(member, writer.target, before)
    meanwhile(writer.module, lambda: writer.write(member, writer.target, both))

    outcome = writer.write(member, writer.target, both)

    assert outcome.value == both
    if writer.module is thumbs:  # The thumb answers with the counts as they are now.
        assert (outcome.comment.upvotes, outcome.comment.downvotes) == counts[:2]
    else:  # The vote answers with the contender and list it read, for the page.
        assert (outcome.contender.pk, outcome.contender.city.name) == (
            writer.target.pk,
            writer.target.city.name,
        )
        assert outcome.contender_list.pk == writer.target.contender_list_id
    assert writer.counts(writer.target) == counts
    assert writer.rows(member, writer.target) == [both]
    assert writer.counts(writer.elsewhere) == (0, 1, -1)


@pytest.mark.parametrize(
    ("before", "other_window", "this_window"),
    [
        (None, DOWN, UP),  # The insert meets the other window's row.
        (UP, NONE, DOWN),  # The change finds the row gone.
        (UP, DOWN, NONE),  # The delete finds the row holding another value.
    ],
)
def test_what_the_other_window_chose_otherwise_meanwhile_is_refused(
    member, writer, meanwhile, before, other_window, this_window
):
    if before is not None:
        writer.write(member, writer.target, before)
    meanwhile(writer.module, lambda: writer.write(member, writer.target, other_window))

    with pytest.raises(ActionRefused) as caught:
        writer.write(member, writer.target, this_window)

    assert (caught.value.status, caught.value.message) == writer.refusal


# --- Reports and suggestions: the unique constraint turns the latecomer away ----------


def test_a_report_the_other_window_made_meanwhile_is_refused_as_made(
    member, make_ranked_list, meanwhile
):
    contender = at_rank(make_ranked_list(1), 1)
    comment = post_comment(user=UserFactory(), contender_id=contender.pk, body="Spam.")
    meanwhile(reports, lambda: report_comment(user=member, comment_id=comment.pk, reason="spam"))

    assert refused(report_comment, user=member, comment_id=comment.pk, reason="spam") == (
        409,
        "You have already reported this comment.",
    )


def test_a_city_another_member_suggested_meanwhile_is_refused_as_waiting(
    member, make_ranked_list, meanwhile
):
    contender_list = make_ranked_list(1)
    city = CityFactory(name="Newtown")
    suggest = {"contender_list_id": contender_list.pk, "city_id": city.pk}
    meanwhile(suggestions, lambda: suggest_contender(user=UserFactory(), **suggest))

    assert refused(suggest_contender, user=member, **suggest) == (
        409,
        "Newtown has been suggested already and waits for a moderator.",
    )


def test_a_new_city_another_member_suggested_meanwhile_is_refused_as_just_suggested(
    member, make_ranked_list, meanwhile
):
    nairobi = {
        "contender_list_id": make_ranked_list(1).pk,
        "name": "Nairobi",
        "country": "Kenya",
        "reason": "Silicon Savannah: M-Pesa, iHub.",
    }
    meanwhile(suggestions, lambda: suggest_city(user=UserFactory(), **nairobi))

    assert refused(suggest_city, user=member, **nairobi) == (
        409,
        "Nairobi has just been suggested by someone else.",
    )
