"""How sure the ranks are, on the list page and the method page, from real counts.

Every interval and band the tests expect is read back from what the counting
job stored after counting ballots, votes and duels created here; none is
written out by hand.
"""

import random
import re
from itertools import groupby

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from cities.models import COUNTED_METHODS, ContenderList, RankingMethod
from comments.duels import answer_duel
from comments.models import MIN_RESAMPLED_MEMBERS, ListCount, MethodStanding
from comments.tallies import count_list
from comments.uncertainty import bootstrap_list
from tests.comments.test_tallies import WIKIPEDIA_DUELS, answer_duels
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import WIKIPEDIA_BALLOTS, cast_ballots, cast_noisy_ballots

pytestmark = pytest.mark.django_db

NET, BORDA, SCHULZE = RankingMethod.NET_VOTES, RankingMethod.BORDA, RankingMethod.SCHULZE
DASH = "\N{EN DASH}"
TOO_FEW = "to say how sure these ranks are"


@pytest.fixture(autouse=True)
def fresh_pages():
    """Each request below is built anew: a page shared from an earlier one hides changes."""
    caches["pages"].clear()
    caches["kept"].clear()
    caches["fragments"].clear()


def make_list(names) -> tuple[ContenderList, dict[str, int]]:
    """A list of contenders whose cities are named `names`, their contender ids by name."""
    contender_list = ContenderListFactory()
    return contender_list, {
        name: ContenderFactory(contender_list=contender_list, city=CityFactory(name=name)).pk
        for name in names
    }


def numbered(size: int, word: str = "City") -> list[str]:
    return [f"{word} {n:02}" for n in range(size)]


def cast_noisy_duels(contender_list, ids, *, members: int, seed: int = 5) -> None:
    """One duel each for `members` members, between neighbours of the names' order, which
    the one higher in it wins two times in three."""
    draw = random.Random(seed)
    names = list(ids)
    for user in UserFactory.create_batch(members):
        place = draw.randrange(len(names) - 1)
        better, worse = ids[names[place]], ids[names[place + 1]]
        winner = better if draw.random() < 2 / 3 else worse
        answer_duel(
            user=user,
            contender_list_id=contender_list.pk,
            number=1,
            left_id=better,
            right_id=worse,
            winner_id=winner,
        )


def counted(contender_list) -> ContenderList:
    """The list counted, then resampled by the bootstrap its count queues."""
    count_list(contender_list)
    bootstrap_list(contender_list)
    return ContenderList.objects.get(pk=contender_list.pk)


def list_url(contender_list, **query) -> str:
    url = contender_list.get_absolute_url()
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def stored(contender_list, method) -> list[MethodStanding]:
    """The method's standings, best first."""
    return list(
        MethodStanding.objects.filter(contender_list=contender_list, method=method).order_by(
            "rank"
        )
    )


def stored_bands(standings) -> list[list[int]]:
    """Runs of neighbours in one stored band, two or more long: contender ids, in rank order."""
    runs = [[s.contender_id for s in run] for _, run in groupby(standings, key=lambda s: s.band)]
    return [run for run in runs if len(run) > 1]


def rows_of(html: str) -> dict[int, str]:
    """Each row's HTML by contender id."""
    parts = re.split(r'(?=<li class="contender" id="contender-\d+")', html)[1:]
    return {int(re.search(r'id="contender-(\d+)"', part).group(1)): part for part in parts}


def shown_interval(row: str) -> tuple[int, int] | None:
    """The interval a row shows, checked to say the same to eyes and to screen readers."""
    seen = re.search(rf'aria-hidden="true">\((\d+){DASH}(\d+)\)</span>', row)
    heard = re.search(r"likely between (\d+) and (\d+)</span>", row)
    assert bool(seen) == bool(heard), row
    if not seen:
        return None
    assert seen.groups() == heard.groups()
    return int(seen.group(1)), int(seen.group(2))


def shown_bands(html: str) -> list[tuple[int, int, list[int]]]:
    """Each tied band: its item's value, its own list's start, its rows' contender ids."""
    bands = []
    for found in re.finditer(
        r'<li class="tied-band" value="(\d+)">(.*?)</ol>\s*</li>', html, flags=re.DOTALL
    ):
        inner = found.group(2)
        assert "Statistically tied" in inner
        start = re.search(r'<ol class="contenders tied-band__rows" start="(\d+)">', inner)
        ids = [int(pk) for pk in re.findall(r'<li class="contender" id="contender-(\d+)"', inner)]
        bands.append((int(found.group(1)), int(start.group(1)), ids))
    return bands


def section(html: str, heading_id: str, next_heading_id: str | None = None) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index(f'id="{next_heading_id}"') if next_heading_id else None]


def expected_bands(standings, shown_ids: list[int]) -> list[list[int]]:
    """The stored bands among the rows a section shows, cut where the section is."""
    shown = [s for s in standings if s.contender_id in set(shown_ids)]
    return stored_bands(shown)


# --- The list page ---------------------------------------------------------------------


@pytest.fixture
def wikipedia():
    """Wikipedia's 45 ballots and four-team duels (22 members), counted."""
    contender_list, ids = make_list("ABCDE")
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    answer_duels(contender_list, ids, WIKIPEDIA_DUELS)
    return counted(contender_list), ids


@pytest.mark.parametrize("method", COUNTED_METHODS)
def test_each_row_shows_the_interval_its_count_stored(client, wikipedia, method):
    contender_list, _ = wikipedia

    html = client.get(list_url(contender_list, method=method)).content.decode()

    rows = rows_of(html)
    standings = stored(contender_list, method)
    assert len(rows) == len(standings) == 5
    for standing in standings:
        assert standing.rank_lower is not None
        row = rows[standing.contender_id]
        assert f'value="{standing.rank}"' in row
        assert f'<span class="visually-hidden">Rank </span>{standing.rank}<span' in row
        assert shown_interval(row) == (standing.rank_lower, standing.rank_upper)
    assert "Statistically tied" in html or not stored_bands(standings)
    assert TOO_FEW not in html


@pytest.mark.parametrize("method", COUNTED_METHODS)
def test_neighbours_the_count_cannot_tell_apart_are_one_tied_band(client, wikipedia, method):
    contender_list, _ = wikipedia
    standings = stored(contender_list, method)

    html = client.get(list_url(contender_list, method=method)).content.decode()

    bands = shown_bands(html)
    assert [ids for _, _, ids in bands] == stored_bands(standings)
    rank_of = {s.contender_id: s.rank for s in standings}
    for value, start, ids in bands:
        assert value == start == rank_of[ids[0]]
    # Rows in no band stand alone in the Top Ten's own list.
    banded = {pk for _, _, ids in bands for pk in ids}
    top_ten = section(html, "top-ten-heading")
    for pk in set(rank_of) - banded:
        assert f'<li class="contender" id="contender-{pk}"' in top_ten


def test_wikipedias_electorate_leaves_some_cities_tied(wikipedia):
    """The two tests above would pass on no band at all: these counts have some."""
    contender_list, _ = wikipedia

    assert any(stored_bands(stored(contender_list, method)) for method in COUNTED_METHODS)


def test_bands_and_numbers_hold_across_the_top_ten_and_every_page(client):
    contender_list, ids = make_list(numbered(40))
    cast_noisy_ballots(contender_list, ids, members=14)
    contender_list = counted(contender_list)
    standings = stored(contender_list, BORDA)
    assert stored_bands(standings)
    rank_of = {s.contender_id: s.rank for s in standings}

    first = client.get(list_url(contender_list, method=BORDA)).content.decode()
    second = client.get(list_url(contender_list, method=BORDA, page=2)).content.decode()
    more = client.get(
        list_url(contender_list, method=BORDA, page=2), HTTP_HX_REQUEST="true"
    ).content.decode()

    pieces = {
        "top ten": section(first, "top-ten-heading", "contenders-heading"),
        "contenders": section(first, "contenders-heading"),
        "page 2": section(second, "contenders-heading"),
        "load more": more,
    }
    shown = []
    for name, html in pieces.items():
        rows = rows_of(html)
        bands = shown_bands(html)
        assert [band for _, _, band in bands] == expected_bands(standings, list(rows)), name
        for value, start, band in bands:
            assert value == start == rank_of[band[0]], name
        for pk, row in rows.items():
            assert f'value="{rank_of[pk]}"' in row, name
            lower, upper = shown_interval(row)
            assert lower <= rank_of[pk] <= upper
        shown.append(list(rows))
    assert shown[2] == shown[3]  # Load more appends the rows of page 2.
    assert [rank_of[pk] for pk in shown[0] + shown[1] + shown[2]] == list(range(1, 41))


def test_search_results_show_their_intervals_but_no_bands(client):
    contender_list, ids = make_list(numbered(30))
    cast_noisy_ballots(contender_list, ids, members=14)
    contender_list = counted(contender_list)
    standings = {s.contender_id: s for s in stored(contender_list, BORDA)}

    html = client.get(list_url(contender_list, method=BORDA, q="City")).content.decode()

    rows = rows_of(section(html, "results-heading"))
    assert len(rows) == 25
    for pk, row in rows.items():
        assert shown_interval(row) == (standings[pk].rank_lower, standings[pk].rank_upper)
    assert "tied-band" not in html


@pytest.mark.parametrize("members", [MIN_RESAMPLED_MEMBERS - 1, 0])
def test_a_list_with_too_few_members_says_so_instead_of_intervals(client, members):
    contender_list, ids = make_list(numbered(12))
    cast_noisy_ballots(contender_list, ids, members=members)
    contender_list = counted(contender_list)
    drawn = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert drawn.resampled_members == members

    html = client.get(list_url(contender_list, method=BORDA)).content.decode()

    assert f"Too few members have voted on this list {TOO_FEW}" in html
    assert "likely between" not in html
    assert "tied-band" not in html


def test_intervals_show_from_the_published_minimum_of_members(client):
    contender_list, ids = make_list(numbered(12))
    cast_noisy_ballots(contender_list, ids, members=MIN_RESAMPLED_MEMBERS)
    contender_list = counted(contender_list)

    html = client.get(list_url(contender_list, method=BORDA)).content.decode()

    assert TOO_FEW not in html
    assert html.count("likely between") == 12


def test_too_few_duelists_are_named_as_such(client):
    contender_list, ids = make_list("ABCD")
    answer_duels(contender_list, ids, {"A": (1, 1, 1)})
    contender_list = counted(contender_list)

    html = client.get(list_url(contender_list, method=RankingMethod.DUELS)).content.decode()

    assert f"Too few members have answered duels on this list {TOO_FEW}" in html


@pytest.mark.parametrize("method", [NET, RankingMethod.WILSON])
def test_a_live_method_shows_no_interval(client, wikipedia, method):
    contender_list, _ = wikipedia

    html = client.get(list_url(contender_list, method=method)).content.decode()

    assert "likely between" not in html
    assert "tied-band" not in html
    assert TOO_FEW not in html


def test_a_list_never_counted_shows_no_interval_and_no_excuse(client):
    contender_list, _ = make_list("ABC")

    html = client.get(list_url(contender_list, method=BORDA)).content.decode()

    assert "likely between" not in html
    assert TOO_FEW not in html


def test_a_new_count_shows_the_new_intervals(client):
    """The cached rows and shared page key on what they show: a recount is a new row."""
    contender_list, ids = make_list(numbered(12))
    cast_noisy_ballots(contender_list, ids, members=MIN_RESAMPLED_MEMBERS)
    contender_list = counted(contender_list)
    client.get(list_url(contender_list, method=BORDA))

    cast_noisy_ballots(contender_list, ids, members=30, seed=11)
    contender_list = counted(contender_list)
    caches["pages"].clear()  # The whole page is shared a few seconds; its rows are not.
    caches["kept"].clear()
    html = client.get(list_url(contender_list, method=BORDA)).content.decode()

    rows = rows_of(html)
    for standing in stored(contender_list, BORDA):
        assert shown_interval(rows[standing.contender_id]) == (
            standing.rank_lower,
            standing.rank_upper,
        )


@pytest.mark.parametrize("method", COUNTED_METHODS)
@pytest.mark.parametrize("size", [40, 90])
def test_a_page_with_intervals_and_bands_runs_the_same_queries_whatever_its_size(
    client, django_assert_num_queries, method, size
):
    """The list with its count and draws, its rows with every method's rank and the shown
    one's interval, top comments, sparklines, the map: as without intervals."""
    contender_list, ids = make_list(numbered(size))
    cast_noisy_ballots(contender_list, ids, members=14)
    cast_noisy_duels(contender_list, ids, members=14)
    contender_list = counted(contender_list)

    with django_assert_num_queries(5):
        first = client.get(list_url(contender_list, method=method)).content.decode()
    with django_assert_num_queries(3):
        later = client.get(list_url(contender_list, method=method, page=2)).content.decode()
    with django_assert_num_queries(3):
        client.get(list_url(contender_list, method=method, q="City"))

    assert "likely between" in first
    assert "likely between" in later


# --- The method page -------------------------------------------------------------------


def method_url(contender_list) -> str:
    return reverse("cities:list_method", args=[contender_list.slug])


def certainty_rows(html: str, method: str) -> list[tuple[str, ...]]:
    """The cells of a method's certainty table, row by row."""
    table = re.search(
        rf'<table class="table certainty" aria-labelledby="certainty-{method}">(.*?)</table>',
        html,
        flags=re.DOTALL,
    )
    assert table, f"no certainty table for {method}"
    return [
        tuple(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        )
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1).split("</thead>")[1], re.DOTALL)
    ]


@pytest.mark.parametrize("method", COUNTED_METHODS)
def test_the_method_page_shows_each_methods_top_ten_with_how_sure_they_are(client, method):
    contender_list, ids = make_list(numbered(14))
    cast_noisy_ballots(contender_list, ids, members=14)
    cast_noisy_duels(contender_list, ids, members=14)
    contender_list = counted(contender_list)
    name_of = {pk: name for name, pk in ids.items()}

    html = client.get(method_url(contender_list)).content.decode()

    expected = [
        (
            str(s.rank),
            name_of[s.contender_id],
            f"{s.rank_lower}{DASH}{s.rank_upper}",
            f"{round(100 * s.top_ten_chance)}%",
            str(s.conservative_rank),
        )
        for s in stored(contender_list, method)[:10]
    ]
    assert certainty_rows(html, method) == expected
    found = ListCount.objects.get(contender_list=contender_list, method=method)
    assert f"recounts Schulze, Borda and Duels {found.rounds} times" in html
    assert f"Recounted from {found.resampled_members} members" in html


def test_the_method_page_says_when_a_method_has_too_few_members(client):
    contender_list, ids = make_list(numbered(12))
    cast_noisy_ballots(contender_list, ids, members=MIN_RESAMPLED_MEMBERS + 2)
    contender_list = counted(contender_list)  # Ballots, and nobody has dueled.

    html = client.get(method_url(contender_list)).content.decode()

    certainty_rows(html, BORDA)
    assert 'aria-labelledby="certainty-duels"' not in html
    assert "Nobody has answered a duel on this list yet" in html

    contender_list, ids = make_list(numbered(12, "Town"))
    cast_noisy_ballots(contender_list, ids, members=3)
    contender_list = counted(contender_list)
    html = client.get(method_url(contender_list)).content.decode()
    assert f"Too few members have voted on this list {TOO_FEW}: 3, where it takes" in html
    assert 'class="table certainty"' not in html


def test_the_method_page_names_schulzes_resampled_subset_on_a_long_list(client, settings):
    settings.COUNT_BOOTSTRAP_ROUNDS = 20  # The subset is the point, not the percentiles.
    contender_list, ids = make_list(numbered(104))
    cast_noisy_ballots(contender_list, ids, members=12)
    contender_list = counted(contender_list)
    found = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)
    assert found.resampled_contenders < found.contenders == 104

    html = client.get(method_url(contender_list)).content.decode()

    assert f"over the leading {found.resampled_contenders} of the 104 cities only" in html
    borda = ListCount.objects.get(contender_list=contender_list, method=BORDA)
    assert borda.resampled_contenders == 104
    assert html.count("cities only.") == 1


def test_a_members_page_kept_for_the_next_member_keeps_the_bands(settings):
    """The second member's page is the first one's kept HTML, rows filled into its slots."""
    settings.ANONYMOUS_PAGE_SECONDS = 5
    contender_list, ids = make_list(numbered(40))
    cast_noisy_ballots(contender_list, ids, members=14)
    contender_list = counted(contender_list)
    standings = stored(contender_list, BORDA)
    pages = []
    for member in UserFactory.create_batch(2):
        client = Client()
        client.force_login(member)
        response = client.get(list_url(contender_list, method=BORDA))
        names = [template.name for template in response.templates]
        pages.append((names, response.content.decode()))

    (rendered, first), (filled_in, second) = pages
    assert "cities/list_detail.html" in rendered
    assert "cities/list_detail.html" not in filled_in  # The kept page, filled in.
    top_ten = section(second, "top-ten-heading", "contenders-heading")
    top_ids = list(rows_of(top_ten))
    assert [ids for _, _, ids in shown_bands(top_ten)] == expected_bands(standings, top_ids)
    assert shown_bands(first) == shown_bands(second)
    for standing in standings[:10]:
        interval = shown_interval(rows_of(second)[standing.contender_id])
        assert interval == (standing.rank_lower, standing.rank_upper)
