"""Reading rankings in tests, the way the pages do; running jobs at the same instant."""

import random
import re
import threading

from django.db import connection
from django.utils import timezone

from cities.models import Contender, ContenderList
from comments.ballots import save_ballot
from tests.factories import UserFactory


def today():
    """Today's date as the exports count it, asked when a test runs, never when it is collected.

    A module-level constant would be fixed at collection, and a run crossing
    midnight would compare yesterday with today.
    """
    return timezone.now().date()


def ranking(contender_list: ContenderList) -> list[int]:
    """Contender ids of the list, best first."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return list(Contender.objects.approved().ranked(contender_list).values_list("pk", flat=True))


def at_rank(contender_list: ContenderList, rank: int) -> Contender:
    """The contender at `rank` (1 is the top), with its city and list."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return (
        Contender.objects.approved()
        .ranked(contender_list)
        .select_related("city", "contender_list")[rank - 1]
    )


def rank_of(contender: Contender) -> int | None:
    """The contender's rank now, or None if it is not approved."""
    found = Contender.objects.approved().filter(pk=contender.pk).with_rank().first()
    return found.rank if found else None


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


def say(user, contender, body="Trains on time, chips on every corner.", parent=None):
    """A comment (or a reply to `parent`) by `user`, posted through the service."""
    from comments.services import post_comment

    return post_comment(
        user=user, contender_id=contender.pk, body=body, parent_id=parent and parent.pk
    )


def comment_create_url(contender) -> str:
    from django.urls import reverse

    return reverse(
        "comments:comment_create", args=[contender.contender_list.slug, contender.city.slug]
    )


def stored_participation() -> tuple[int, int, int, int]:
    """How many comments, votes, thumbs and reports are stored."""
    from comments.models import Comment, CommentVote, Report, Vote

    return (
        Comment.objects.count(),
        Vote.objects.count(),
        CommentVote.objects.count(),
        Report.objects.count(),
    )


def refusal_of(service, **arguments):
    """The ActionRefused that calling `service` raises (and fails the test if none)."""
    import pytest

    from comments.exceptions import ActionRefused

    with pytest.raises(ActionRefused) as caught:
        service(**arguments)
    return caught.value


def fragment(response) -> str:
    """The HTML a vote or thumb request gets back for the page's script: the fragment
    inside a JSON answer, or the response itself when it is HTML."""
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return response.content.decode()


def shown_score(html: str, css_class: str) -> int:
    """The score shown in `html`'s element of `css_class` (vote__score, thumbs__score)."""
    found = re.search(rf'class="{css_class}">(?:<span[^>]*>[^<]*</span>)*\s*(-?\d+)', html)
    assert found, f"no {css_class} in {html!r}"
    return int(found.group(1))


def pressed(html: str, key: str) -> bool:
    """Whether the `up` or `down` button in `html` shows as pressed."""
    found = re.search(rf'aria-pressed="(true|false)" data-inplace-key="{key}"', html)
    assert found, f"no {key} button in {html!r}"
    return found.group(1) == "true"


# Wikipedia's Schulze example: 45 voters, five candidates, by ballot order.
WIKIPEDIA_BALLOTS = {
    "ACBED": 5,
    "ADECB": 5,
    "BEDAC": 8,
    "CABED": 3,
    "CAEBD": 7,
    "CBADE": 2,
    "DCEBA": 7,
    "EBADC": 8,
}


def cast_ballots(contender_list, ids, ballots: dict) -> None:
    """Save `ballots` (an order of names: how many members cast it) with `ids` by name."""
    for order, voters in ballots.items():
        for user in UserFactory.create_batch(voters):
            save_ballot(
                user=user,
                contender_list_id=contender_list.pk,
                contender_ids=[ids[name] for name in order],
            )


def cast_noisy_ballots(contender_list, ids, *, members: int, seed: int = 7) -> None:
    """`members` ballots of ten, each a noisy reading of the order of `ids` (by name):
    close neighbours swap often, so a count cannot tell some of them apart."""
    draw = random.Random(seed)
    names = list(ids)
    for _ in range(members):
        taste = sorted(names, key=lambda name: names.index(name) + draw.gauss(0, 4))
        cast_ballots(contender_list, ids, {tuple(taste[:10]): 1})
