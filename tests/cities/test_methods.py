"""Every ranking method on the list page, and the method page, from real votes and ballots."""

import re
from itertools import permutations

import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from cities.models import COUNTED_METHODS, METHOD_NAMES, Contender, ContenderList, RankingMethod
from comments.models import CountedMethod, ListCount, MethodStanding, RankSnapshot
from comments.services import cast_vote
from comments.tallies import count_list
from comments.templatetags.times import isotime
from comments.uncertainty import bootstrap_list
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.helpers import WIKIPEDIA_BALLOTS, cast_ballots

pytestmark = pytest.mark.django_db

NET, WILSON = RankingMethod.NET_VOTES, RankingMethod.WILSON
SCHULZE, BORDA = RankingMethod.SCHULZE, RankingMethod.BORDA

# Wikipedia's Schulze example's published head-to-head table d[row][column].
WIKIPEDIA_PAIRWISE = {
    "A": {"B": 20, "C": 26, "D": 30, "E": 22},
    "B": {"A": 25, "C": 16, "D": 33, "E": 18},
    "C": {"A": 19, "B": 29, "D": 17, "E": 24},
    "D": {"A": 15, "B": 12, "C": 28, "E": 14},
    "E": {"A": 23, "B": 27, "C": 21, "D": 31},
}


def make_letters(names="ABCDE", **list_fields) -> tuple[ContenderList, dict[str, int]]:
    """A list of contenders whose cities are named by the letters, by contender id."""
    contender_list = ContenderListFactory(**list_fields)
    return contender_list, {
        name: ContenderFactory(contender_list=contender_list, city=CityFactory(name=name)).pk
        for name in names
    }


def cast_votes(contender_id: int, *, up: int, down: int = 0) -> None:
    for value, members in ((1, up), (-1, down)):
        for user in UserFactory.create_batch(members):
            cast_vote(user=user, contender_id=contender_id, value=value)


@pytest.fixture
def disputed():
    """Wikipedia's 45 ballots, plus votes that make net votes and Wilson disagree.

    D has the best net score (6 up, 3 down); C the best Wilson bound (2 up,
    none down: a cautious 0.55 against D's 0.45). Counted, so Schulze and
    Borda have their standings.
    """
    contender_list, ids = make_letters()
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    cast_votes(ids["D"], up=6, down=3)
    cast_votes(ids["C"], up=2)
    count_list(contender_list)
    return ContenderList.objects.get(pk=contender_list.pk), ids


def list_url(contender_list, **query) -> str:
    url = contender_list.get_absolute_url()
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def expected_order(contender_list, method) -> list[int]:
    """The order by `method`, worked out here from the rows, not by the page's queries."""
    contenders = list(Contender.objects.approved().filter(contender_list=contender_list))
    if method == NET:
        return [c.pk for c in sorted(contenders, key=lambda c: (-c.score, c.pk))]
    if method == WILSON:
        return [c.pk for c in sorted(contenders, key=lambda c: (-c.wilson_lower, -c.score, c.pk))]
    stored = dict(
        MethodStanding.objects.filter(contender_list=contender_list, method=method).values_list(
            "contender_id", "rank"
        )
    )
    return sorted(stored, key=stored.get)


def shown_order(response) -> list[int]:
    page = response.context["page"]
    return [c.pk for c in page.top_ten + page.contenders]


def row_html(html: str, contender_id: int) -> str:
    row = html[html.index(f'id="contender-{contender_id}"') :]
    return row[: row.index("</li>")]


# --- The list page by every method -------------------------------------------


@pytest.mark.parametrize("method", RankingMethod.values)
def test_the_list_page_ranks_by_the_method_asked_for(client, disputed, method):
    contender_list, _ = disputed

    response = client.get(list_url(contender_list, method=method))

    assert response.status_code == 200
    assert shown_order(response) == expected_order(contender_list, method)
    assert [c.rank for c in response.context["page"].top_ten] == [1, 2, 3, 4, 5]
    html = response.content.decode()
    assert f"Ranked by {METHOD_NAMES[method]}" in html
    assert re.search(rf'href="\?method={method}"\s+aria-current="page"', html)


def test_the_methods_really_disagree_on_the_disputed_list(disputed):
    """Else the tests above could not tell one method from another."""
    contender_list, _ = disputed
    orders = {method: tuple(expected_order(contender_list, method)) for method in METHOD_NAMES}
    assert len(set(orders.values())) == len(METHOD_NAMES)


def test_without_a_method_the_list_page_ranks_by_the_official_one(client, disputed):
    contender_list, _ = disputed
    ContenderList.objects.filter(pk=contender_list.pk).update(ranking=BORDA)

    response = client.get(list_url(contender_list))

    assert shown_order(response) == expected_order(contender_list, BORDA)
    html = response.content.decode()
    assert "Ranked by Borda" in html
    assert "This list's official method." in html
    assert response.context["page"].is_official


def test_a_counted_method_shows_how_fresh_its_count_is(client, disputed):
    contender_list, _ = disputed

    html = client.get(list_url(contender_list, method=SCHULZE)).content.decode()

    assert "from 45 ballots and 11 voters without one" in html
    counted_at = ListCount.objects.get(contender_list=contender_list, method=SCHULZE).counted_at
    assert f'datetime="{isotime(counted_at)}"' in html  # To the second: valid HTML.
    assert "This list's official method is Net votes." in html


def test_a_counted_method_shows_how_fresh_its_rank_intervals_are(client, disputed):
    contender_list, ids = disputed
    url = list_url(contender_list, method=SCHULZE)
    assert "Rank intervals not resampled yet: they follow the count." in (
        client.get(url).content.decode()
    )

    bootstrap_list(contender_list)
    caches["pages"].clear()
    caches["kept"].clear()
    html = client.get(url).content.decode()

    resampled_at = ListCount.objects.get(contender_list=contender_list, method=SCHULZE)
    assert (
        f'Rank intervals resampled <time datetime="{isotime(resampled_at.bootstrapped_at)}">'
        in html
    )
    assert "from the same rows." in html

    cast_votes(ids["A"], up=3)
    count_list(contender_list)  # Its bootstrap still to come.
    caches["pages"].clear()
    caches["kept"].clear()
    html = client.get(url).content.decode()

    assert "from the rows of another count: they are resampled after each count." in html


def test_the_method_page_shows_how_fresh_the_rank_intervals_are(client, wikipedia_list):
    contender_list, _ = wikipedia_list
    bootstrap_list(contender_list)

    html = client.get(method_url(contender_list)).content.decode()

    assert "Rank intervals resampled" in html
    assert "from the same rows." in html
    assert "in 95% of 200 recounts of the list" in html


def test_a_list_never_counted_says_so_and_stands_by_net_votes(client):
    contender_list, ids = make_letters("ABC")
    cast_votes(ids["C"], up=2)

    response = client.get(list_url(contender_list, method=BORDA))

    assert "Not counted yet" in response.content.decode()
    assert shown_order(response) == [ids["C"], ids["A"], ids["B"]]
    # Ranks by counted methods are not marked before a count: they would repeat net votes.
    assert all(not c.other_ranks for c in response.context["page"].top_ten)


@pytest.mark.parametrize("method", ["bogus", "Schulze", "net%20", "1"])
def test_an_unknown_method_is_refused_with_a_message(client, disputed, method):
    contender_list, _ = disputed

    response = client.get(list_url(contender_list, method=method))

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is no ranking method called" in html
    assert "net, wilson, schulze, borda" in html
    assert "The Top Ten" not in html


def test_the_method_links_work_without_javascript_and_keep_the_method_on_load_more(client):
    contender_list, _ = make_letters([f"City {n:02}" for n in range(40)])
    count_list(contender_list)

    html = client.get(list_url(contender_list, method=BORDA)).content.decode()

    for method in RankingMethod.values:
        assert f'href="?method={method}"' in html
    assert 'href="?method=borda&amp;page=2#contenders"' in html
    more = client.get(list_url(contender_list, method=BORDA, page=2))
    assert shown_order(more) == expected_order(contender_list, BORDA)[35:]
    assert [c.rank for c in more.context["page"].contenders] == list(range(36, 41))


def test_the_canonical_link_is_the_lists_own_address_whatever_the_method(
    client, disputed, settings
):
    contender_list, _ = disputed

    html = client.get(list_url(contender_list, method=WILSON)).content.decode()

    canonical = f"{settings.SITE_URL}{contender_list.get_absolute_url()}"
    assert html.count('<link rel="canonical"') == 1
    assert f'<link rel="canonical" href="{canonical}">' in html


def test_the_shared_page_cache_keeps_each_method_apart(client, disputed, settings):
    settings.ANONYMOUS_PAGE_SECONDS = 5
    contender_list, _ = disputed

    for method in (NET, SCHULZE, NET, BORDA, WILSON):
        response = client.get(list_url(contender_list, method=method))
        if response.context is not None:  # not the stored whole page
            assert shown_order(response) == expected_order(contender_list, method)
        first = expected_order(contender_list, method)[0]
        html = response.content.decode()
        assert html.index(f'id="contender-{first}"') < min(
            html.index(f'id="contender-{pk}"') for pk in expected_order(contender_list, method)[1:]
        )
    # Members share list data by a key of their own, which holds the method too.
    member = UserFactory()
    client.force_login(member)
    for method in (SCHULZE, BORDA):
        assert shown_order(client.get(list_url(contender_list, method=method))) == (
            expected_order(contender_list, method)
        )


@pytest.mark.parametrize("method", RankingMethod.values)
@pytest.mark.parametrize("size", [40, 90])
def test_list_pages_run_the_same_queries_whatever_the_method_and_size(
    client, django_assert_num_queries, method, size
):
    """The list with its last count, its contenders with every method's rank, top comments,
    the rows' sparklines, the map."""
    contender_list, ids = make_letters([f"City {n:02}" for n in range(size)])
    cast_votes(ids["City 03"], up=2)
    cast_ballots(contender_list, ids, {("City 05", "City 01"): 2})
    count_list(contender_list)

    with django_assert_num_queries(5):
        client.get(list_url(contender_list, method=method))
    # Later pages have no Top Ten, so no top comments, and no map.
    with django_assert_num_queries(3):
        client.get(list_url(contender_list, method=method, page=2))
    with django_assert_num_queries(3):
        client.get(list_url(contender_list, method=method, q="City"))


def test_search_results_rank_by_the_method_shown(client, disputed):
    contender_list, _ = disputed

    for method in RankingMethod.values:
        response = client.get(list_url(contender_list, method=method, q="Testland"))
        found = response.context["page"].contenders
        assert [c.pk for c in found] == expected_order(contender_list, method)
        assert [c.rank for c in found] == [1, 2, 3, 4, 5]


# --- Marks: the Condorcet winner and ranks that differ ------------------------


def test_the_condorcet_winner_is_marked(client):
    contender_list, ids = make_letters("XYZ")
    # X beats Y and Z three to two each, though Y is first on two ballots.
    cast_ballots(contender_list, ids, {"XYZ": 3, "YZX": 2})
    count_list(contender_list)

    for method in RankingMethod.values:
        html = client.get(list_url(contender_list, method=method)).content.decode()
        assert "Condorcet winner" in row_html(html, ids["X"])
        assert "Condorcet winner" not in row_html(html, ids["Y"])
        assert html.count("Condorcet winner<") == 1


def test_no_mark_where_the_head_to_head_is_a_cycle(client, disputed):
    """Wikipedia's example: E wins by Schulze but loses to C head to head."""
    contender_list, _ = disputed

    html = client.get(list_url(contender_list, method=SCHULZE)).content.decode()

    assert "Condorcet winner" not in html


@pytest.mark.parametrize("shown", RankingMethod.values)
def test_rows_mark_where_another_method_ranks_them_differently(client, disputed, shown):
    contender_list, ids = disputed
    rank_by = {
        method: {pk: place for place, pk in enumerate(expected_order(contender_list, method), 1)}
        for method in METHOD_NAMES
    }

    html = client.get(list_url(contender_list, method=shown)).content.decode()

    marks = 0
    for pk in ids.values():
        row = row_html(html, pk)
        for other, name in METHOD_NAMES.items():
            if other == shown:
                continue
            mark = f"{name} #{rank_by[other][pk]}</span>"
            if rank_by[other][pk] == rank_by[shown][pk]:
                assert mark not in row
            else:
                assert mark in row
                marks += 1
    assert marks > 0


@pytest.mark.parametrize("shown", RankingMethod.values)
def test_rows_far_down_the_list_mark_their_ranks_by_the_other_methods(client, shown):
    """The ranks are worked out for the page's rows only; a later page's must still be right."""
    contender_list, ids = make_letters([f"City {n:02}" for n in range(60)])
    cast_votes(ids["City 07"], up=3)
    cast_votes(ids["City 03"], up=1, down=2)  # Last by net votes, high by Wilson.
    cast_votes(ids["City 11"], up=1, down=1)
    cast_ballots(contender_list, ids, {("City 59", "City 41", "City 03"): 3, ("City 41",): 1})
    count_list(contender_list)
    rank_by = {
        method: {pk: place for place, pk in enumerate(expected_order(contender_list, method), 1)}
        for method in METHOD_NAMES
    }

    response = client.get(list_url(contender_list, method=shown, page=2))

    rows = response.context["page"].contenders
    assert [c.pk for c in rows] == expected_order(contender_list, shown)[35:]
    marks = 0
    for contender in rows:
        assert contender.rank == rank_by[shown][contender.pk]
        expected = {
            (other, rank_by[other][contender.pk])
            for other in METHOD_NAMES
            if other != shown and rank_by[other][contender.pk] != contender.rank
        }
        assert {(o.method, o.rank) for o in contender.other_ranks} == expected
        marks += len(expected)
        for method, rank in expected:
            assert f"{METHOD_NAMES[method]} #{rank}</span>" in row_html(
                response.content.decode(), contender.pk
            )
    assert marks > 0


# --- The official method, everywhere a rank is shown --------------------------


def test_a_schulze_list_ranks_by_its_standings_everywhere(client, disputed):
    contender_list, _ = disputed
    ContenderList.objects.filter(pk=contender_list.pk).update(ranking=SCHULZE)
    order = expected_order(contender_list, SCHULZE)

    home = client.get(reverse("cities:home")).context["lists"]
    (teaser,) = [item for item in home if item.pk == contender_list.pk]
    assert [c.pk for c in teaser.top] == order[:3]
    ranked = Contender.objects.filter(pk__in=order).with_rank()
    assert {c.pk: c.rank for c in ranked} == {pk: place for place, pk in enumerate(order, 1)}


def test_a_contender_approved_since_the_count_stands_after_the_counted_ones(client, disputed):
    contender_list, _ = disputed
    ContenderList.objects.filter(pk=contender_list.pk).update(ranking=SCHULZE)
    newcomer = ContenderFactory(contender_list=contender_list, city=CityFactory(name="F"))
    cast_votes(newcomer.pk, up=20)  # Queued count not run: no standing yet.

    response = client.get(list_url(contender_list))

    assert shown_order(response) == [*expected_order(contender_list, SCHULZE), newcomer.pk]
    assert Contender.objects.filter(pk=newcomer.pk).with_rank().get().rank == 6


def test_the_daily_snapshot_of_a_schulze_list_keeps_its_standings(disputed):
    contender_list, ids = disputed
    ContenderList.objects.filter(pk=contender_list.pk).update(
        ranking=SCHULZE, ranks_snapshot_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    RankSnapshot.objects.all().delete()  # The fixture's votes took today's, by net votes.

    cast_vote(user=UserFactory(), contender_id=ids["A"], value=1)

    snapshot = dict(
        RankSnapshot.objects.filter(taken_on=timezone.localdate()).values_list(
            "contender_id", "rank"
        )
    )
    order = expected_order(contender_list, SCHULZE)
    assert snapshot == {pk: place for place, pk in enumerate(order, 1)}


def test_the_official_method_is_a_setting_in_admin(admin_client, disputed):
    contender_list, _ = disputed
    url = reverse("admin:cities_contenderlist_change", args=[contender_list.pk])

    form = admin_client.get(url).content.decode()

    for method in RankingMethod.values:
        assert f'value="{method}"' in form


def test_the_methods_the_job_counts_are_the_counted_ranking_methods():
    assert set(CountedMethod.values) == set(COUNTED_METHODS)


# --- The method page -----------------------------------------------------------


def method_url(contender_list) -> str:
    return reverse("cities:list_method", args=[contender_list.slug])


def pairwise_from_ballots(ballots: dict[str, int]) -> dict[tuple[str, str], int]:
    """d[i, j] worked out here, ballot by ballot: how many voters rank i above j."""
    table = {}
    for order, voters in ballots.items():
        for i, j in permutations(order, 2):
            if order.index(i) < order.index(j):
                table[i, j] = table.get((i, j), 0) + voters
    return table


@pytest.fixture
def wikipedia_list():
    contender_list, ids = make_letters()
    cast_ballots(contender_list, ids, WIKIPEDIA_BALLOTS)
    count_list(contender_list)
    return ContenderList.objects.get(pk=contender_list.pk), ids


def test_the_head_to_head_table_holds_the_published_counts(client, wikipedia_list):
    contender_list, _ = wikipedia_list
    counted = pairwise_from_ballots(WIKIPEDIA_BALLOTS)
    assert counted == {
        (i, j): wins for i, row in WIKIPEDIA_PAIRWISE.items() for j, wins in row.items()
    }

    response = client.get(method_url(contender_list))

    assert response.status_code == 200
    html = response.content.decode()
    cells = re.findall(
        r'<td(?: class="head-to-head__win")?>(\d+)%<span class="head-to-head__count">'
        r"(\d+) of (\d+)</span></td>",
        html,
    )
    order = "EACBD"  # Schulze's order, the table's rows and columns.
    expected = []
    for i in order:
        for j in order:
            if i != j:
                wins, both = counted[i, j], counted[i, j] + counted[j, i]
                expected.append((str(round(100 * wins / both)), str(wins), str(both)))
    assert cells == expected
    wins, both = counted["E", "A"], counted["E", "A"] + counted["A", "E"]
    sentence = f"E is ranked above A by {round(100 * wins / both)}% of the members who ranked both"
    assert f"{sentence} ({wins} of {both})." in html
    assert '<th scope="col">E</th>' in html
    assert '<th scope="row">1. E</th>' in html
    assert "<caption" in html


def test_the_method_page_tells_the_count_and_each_method(client, wikipedia_list):
    contender_list, _ = wikipedia_list

    html = client.get(method_url(contender_list)).content.decode()

    assert "from 45 ballots and 0 members without a ballot" in html
    assert "All 5 contenders were counted head to head." in html
    assert "no Condorcet winner" in html
    assert "points[i] = Σ over j ≠ i of d[i, j]" in html
    assert "n \u2212 1 points for a first place down to 0 for the last" in html
    assert "i ranks above j when p[i, j] > p[j, i]" in html
    assert "score = up votes \u2212 down votes" in html
    assert "z = 1.2816" in html
    assert "Above 1,000 contenders" in html


def test_the_method_page_explains_a_disagreement_from_the_rows(client):
    """Borda counts breadth: four ballots put S above L, three members vote L alone up.

    Head to head S beats L four to three; Borda gives L four points for each
    of the three members (L above the four others) on top of its ballots'.
    """
    contender_list, ids = make_letters("LSXYZ")
    cast_ballots(contender_list, ids, {"SLXYZ": 4})
    cast_votes(ids["L"], up=3)
    count_list(contender_list)
    borda = dict(
        MethodStanding.objects.filter(contender_list=contender_list, method=BORDA).values_list(
            "contender__city__name", "rank"
        )
    )
    schulze = dict(
        MethodStanding.objects.filter(contender_list=contender_list, method=SCHULZE).values_list(
            "contender__city__name", "rank"
        )
    )
    assert (borda["L"], schulze["S"]) == (1, 1)  # The premise of this test.
    counted = pairwise_from_ballots({"SLXYZ": 4})
    for other in "SXYZ":  # The three up votes: L above every city they left unvoted.
        counted["L", other] = counted.get(("L", other), 0) + 3

    html = client.get(method_url(contender_list)).content.decode()

    both = counted["S", "L"] + counted["L", "S"]
    assert (
        f"Borda puts <strong>L</strong> first where Schulze puts <strong>S</strong> first. "
        f"Head to head, {counted['S', 'L']} of the {both} members who ranked both put S above L."
    ) in html


def test_the_method_page_of_a_list_never_counted(client):
    contender_list, _ = make_letters("AB")

    html = client.get(method_url(contender_list)).content.decode()

    assert "has not been counted by Schulze and Borda yet" in html
    assert "<table" not in html


def test_the_method_page_of_an_unknown_list_is_not_found(client, db):
    assert client.get(reverse("cities:list_method", args=["atlantis"])).status_code == 404


@pytest.mark.parametrize("size", [5, 40])
def test_the_method_page_counts_once_per_count_then_reads_three_rows(
    client, django_assert_num_queries, size
):
    """Fresh: the list, the leaders, each method's top ten with how sure they are, and the
    four reads of the contenders, ballots, votes and duels. Then, while the count stands,
    the table comes from the cache."""
    contender_list, ids = make_letters([f"City {n:02}" for n in range(size)])
    cast_ballots(contender_list, ids, {("City 04", "City 02", "City 00"): 3})
    cast_votes(ids["City 01"], up=2)
    count_list(contender_list)

    with django_assert_num_queries(7):
        client.get(method_url(contender_list))
    caches["pages"].clear()
    caches["kept"].clear()
    with django_assert_num_queries(3):
        client.get(method_url(contender_list))
    cast_votes(ids["City 03"], up=1)  # New rows, a new count's digest: counted again.
    count_list(contender_list)
    caches["pages"].clear()
    caches["kept"].clear()
    with django_assert_num_queries(7):
        client.get(method_url(contender_list))


def test_names_on_the_method_page_are_escaped(client):
    contender_list, ids = make_letters(["<b>Bold</b>", "Plain"])
    cast_ballots(contender_list, ids, {("<b>Bold</b>", "Plain"): 1})
    count_list(contender_list)

    html = client.get(method_url(contender_list)).content.decode()

    assert "<b>Bold</b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html
