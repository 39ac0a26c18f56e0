"""Reading rankings and answers in tests, the way the pages do; running jobs at once."""

import re
import threading

from django.db import connection

from cities.models import Contender, ContenderList
from comments.ranking import ranked, with_rank


def ranking(contender_list: ContenderList) -> list[int]:
    """Contender ids of the list, best first."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return list(ranked(contender_list).values_list("pk", flat=True))


def at_rank(contender_list: ContenderList, rank: int) -> Contender:
    """The contender at `rank` (1 is the top), with its city and list."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return ranked(contender_list).select_related("city", "contender_list")[rank - 1]


def rank_of(contender: Contender) -> int | None:
    """The contender's rank now, or None if it is not approved."""
    found = with_rank(Contender.objects.approved().filter(pk=contender.pk)).first()
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
