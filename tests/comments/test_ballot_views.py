"""The ballot page ("My top ten"): each test makes one request, checks the answer, then
checks the rows stored."""

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, event, given, strategies
from hypothesis import settings as hypothesis_settings

from cities.models import Contender
from comments.ballots import save_ballot
from comments.models import Ballot, BallotEntry
from comments.moderation import make_moderator, suspend_user
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import ranking

pytestmark = pytest.mark.django_db


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(14)


@pytest.fixture
def ids(contender_list):
    """The list's contender ids, in their rank order."""
    return ranking(contender_list)


def ballot_url(contender_list, query: str = "") -> str:
    return reverse("comments:ballot", args=[contender_list.slug]) + query


def withdraw_url(contender_list) -> str:
    return reverse("comments:ballot_withdraw", args=[contender_list.slug])


def stored(member, contender_list) -> list[int]:
    """The member's ballot for the list as stored: contender ids, best first."""
    return list(
        BallotEntry.objects.filter(ballot__user=member, ballot__contender_list=contender_list)
        .order_by("position")
        .values_list("contender_id", flat=True)
    )


def posted(positions: dict[int, object], *, remove=(), add=()) -> dict:
    """The ballot form as the page posts it: each city's id and position, ticked boxes."""
    data = {"contender": list(positions), "remove": list(remove), "add": list(add)}
    data.update({f"position-{pk}": str(position) for pk, position in positions.items()})
    return data


def save(member, contender_list, contender_ids):
    return save_ballot(
        user=member, contender_list_id=contender_list.pk, contender_ids=contender_ids
    )


# --- Showing ------------------------------------------------------------------------------


def test_the_page_shows_the_members_ballot_in_order(member_client, member, contender_list, ids):
    save(member, contender_list, [ids[3], ids[0], ids[8]])

    response = member_client.get(ballot_url(contender_list))

    assert response.status_code == 200
    html = response.content.decode()
    names = [Contender.objects.get(pk=pk).city.name for pk in (ids[3], ids[0], ids[8])]
    places = [html.index(f'data-city="{name}"') for name in names]
    assert places == sorted(places)
    for place, pk in enumerate([ids[3], ids[0], ids[8]], start=1):
        assert f'name="position-{pk}" type="number" min="1" max="10"' in html
        assert f'id="position-{pk}" name="position-{pk}"' in html
        assert f'value="{place}" data-ballot-position' in html
    assert f'<span class="visually-hidden">Position of {names[0]}</span>' in html
    assert "Withdraw my ballot" in html


def test_a_member_without_a_ballot_is_offered_the_leaders(member_client, contender_list, ids):
    response = member_client.get(ballot_url(contender_list))

    html = response.content.decode()
    assert "Your ballot is empty" in html
    assert "Withdraw my ballot" not in html
    assert html.count('name="add"') == len(ids)  # 14 cities, fewer than the 20 offered.
    assert f'value="{ids[0]}" form="ballot-form"' in html


def test_the_search_offers_the_matching_cities_not_on_the_ballot(
    member_client, member, contender_list, ids
):
    tokyo = ContenderFactory(contender_list=contender_list, city__name="Tokyo")
    ContenderFactory(
        contender_list=contender_list,
        city__name="Tokyo Bay Pending",
        status=Contender.Status.PENDING,
    )
    osaka = ContenderFactory(contender_list=contender_list, city__name="Osaka")

    html = member_client.get(ballot_url(contender_list, "?q=tokyo")).content.decode()

    assert f'id="add-{tokyo.pk}"' in html
    assert "Tokyo Bay Pending" not in html
    assert f'id="add-{osaka.pk}"' not in html
    assert "Cities matching “tokyo”" in html


def test_an_overlong_search_is_a_400_with_its_message(member_client, contender_list):
    response = member_client.get(ballot_url(contender_list, "?q=" + "x" * 101))

    assert response.status_code == 400
    assert "Search for at most 100 characters." in response.content.decode()


def test_a_rejected_city_drops_out_and_the_places_close_up(
    member_client, member, contender_list, ids
):
    save(member, contender_list, [ids[0], ids[1], ids[2]])
    Contender.objects.filter(pk=ids[1]).update(status=Contender.Status.REJECTED)

    html = member_client.get(ballot_url(contender_list)).content.decode()

    assert f'name="position-{ids[1]}"' not in html
    third = f'id="position-{ids[2]}" name="position-{ids[2]}" type="number" min="1" max="10"'
    assert f'{third} inputmode="numeric" value="2"' in html


def test_a_voided_ballot_says_it_does_not_count(member_client, member, contender_list, ids):
    save(member, contender_list, [ids[0]])
    Ballot.objects.update(voided_at=timezone.now())

    html = member_client.get(ballot_url(contender_list)).content.decode()

    assert "A moderator voided this ballot, so it does not count." in html
    assert f'name="position-{ids[0]}"' in html


def test_an_unknown_list_is_a_404(member_client):
    assert member_client.get("/lists/no-such-list/ballot/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_and_told_why(client, contender_list):
    response = client.get(ballot_url(contender_list), follow=True)

    assert response.redirect_chain[0][0] == (
        f"{reverse('account_login')}?next={ballot_url(contender_list)}"
    )
    html = response.content.decode()
    assert f"Log in to rank your own top ten of “{contender_list.title}”" in html


def test_an_anonymous_post_writes_nothing(client, contender_list, ids):
    response = client.post(ballot_url(contender_list), posted({ids[0]: 1}))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Ballot.objects.exists()


# --- Saving -------------------------------------------------------------------------------


def test_saving_orders_the_ballot_by_the_position_fields(
    member_client, member, contender_list, ids
):
    save(member, contender_list, [ids[0], ids[1], ids[2]])

    response = member_client.post(
        ballot_url(contender_list), posted({ids[0]: 3, ids[1]: 1, ids[2]: 2})
    )

    assert response.status_code == 302
    assert response["Location"] == ballot_url(contender_list)
    assert stored(member, contender_list) == [ids[1], ids[2], ids[0]]
    page = member_client.get(response["Location"]).content.decode()
    assert f"Your top ten of “{contender_list.title}” is saved." in page


def test_gaps_in_the_positions_close_up(member_client, member, contender_list, ids):
    member_client.post(ballot_url(contender_list), posted({ids[5]: 9, ids[6]: 2, ids[7]: 4}))

    assert stored(member, contender_list) == [ids[6], ids[7], ids[5]]
    positions = BallotEntry.objects.filter(ballot__user=member).values_list("position", flat=True)
    assert sorted(positions) == [1, 2, 3]


def test_ticked_cities_are_added_after_the_others_and_removed_ones_go(
    member_client, member, contender_list, ids
):
    save(member, contender_list, [ids[0], ids[1], ids[2]])

    member_client.post(
        ballot_url(contender_list, "?q=x"),
        posted({ids[0]: 1, ids[1]: 2, ids[2]: 3}, remove=[ids[1]], add=[ids[9], ids[4]]),
    )

    assert stored(member, contender_list) == [ids[0], ids[2], ids[9], ids[4]]


def test_the_post_returns_to_the_same_search(member_client, member, contender_list, ids):
    response = member_client.post(ballot_url(contender_list, "?q=city"), posted({}, add=[ids[0]]))

    assert response["Location"] == ballot_url(contender_list, "?q=city")
    assert stored(member, contender_list) == [ids[0]]


def test_a_new_ballot_replaces_a_voided_one(member_client, member, contender_list, ids):
    save(member, contender_list, [ids[0]])
    Ballot.objects.update(voided_at=timezone.now())

    member_client.post(ballot_url(contender_list), posted({ids[0]: 1}, add=[ids[1]]))

    assert stored(member, contender_list) == [ids[0], ids[1]]
    assert Ballot.objects.get().voided_at is None


# --- Bad input: a form error, a 400, nothing written ------------------------------------


BAD_POSTS = {
    "position 0": lambda ids: posted({ids[0]: 0, ids[1]: 1}),
    "position 11": lambda ids: posted({ids[0]: 11, ids[1]: 1}),
    "no position": lambda ids: posted({ids[0]: "", ids[1]: 1}),
    "a word for a position": lambda ids: posted({ids[0]: "first", ids[1]: 1}),
    "two cities at one position": lambda ids: posted({ids[0]: 2, ids[1]: 2}),
    "a city twice": lambda ids: {
        "contender": [ids[0], ids[0]],
        f"position-{ids[0]}": "1",
    },
    "a city added twice": lambda ids: posted({}, add=[ids[3], ids[3]]),
    "a city added that is on it": lambda ids: posted({ids[0]: 1}, add=[ids[0]]),
    "an unknown city": lambda ids: posted({ids[0]: 1, 999_999: 2}),
    "an id that is no number": lambda ids: posted({ids[0]: 1}, add=["tokyo"]),
    "an id too large for the database": lambda ids: posted({ids[0]: 1}, add=[2**63]),
    "eleven cities": lambda ids: posted(
        {pk: n for n, pk in enumerate(ids[:10], 1)}, add=[ids[10]]
    ),
    "every city removed": lambda ids: posted({ids[0]: 1, ids[1]: 2}, remove=[ids[0], ids[1]]),
    "nothing at all": lambda ids: {},
}

MESSAGES = {
    "position 0": "position from 1 to 10",
    "position 11": "position from 1 to 10",
    "no position": "position from 1 to 10",
    "a word for a position": "position from 1 to 10",
    "two cities at one position": "are both at position 2: give each city its own place.",
    "a city twice": "A ballot names each city once.",
    "a city added twice": "A ballot names each city once.",
    "a city added that is on it": "is on your ballot already.",
    "an unknown city": "A ballot can only rank cities of its own list.",
    "an id that is no number": "A ballot can only rank cities of its own list.",
    "an id too large for the database": "A ballot can only rank cities of its own list.",
    "eleven cities": "A ballot ranks at most 10 cities; this one would have 11.",
    "every city removed": "Your ballot would be empty",
    "nothing at all": "Your ballot would be empty",
}


@pytest.mark.parametrize("case", sorted(BAD_POSTS))
def test_bad_input_is_a_form_error_and_changes_nothing(
    member_client, member, contender_list, ids, case
):
    save(member, contender_list, [ids[12], ids[13]])

    response = member_client.post(ballot_url(contender_list), BAD_POSTS[case](ids))

    assert response.status_code == 400
    assert MESSAGES[case] in response.content.decode()
    assert stored(member, contender_list) == [ids[12], ids[13]]


def test_a_refused_ballot_comes_back_as_it_was_posted(member_client, contender_list, ids):
    response = member_client.post(ballot_url(contender_list), posted({ids[4]: 2, ids[5]: 12}))

    html = response.content.decode()
    assert f'name="position-{ids[4]}" type="number" min="1" max="10" inputmode="numeric" ' in html
    assert (
        f'value="12" data-ballot-position aria-invalid="true" '
        f'aria-describedby="position-{ids[5]}-error"'
    ) in html
    assert f'id="position-{ids[5]}-error">Give ' in html
    assert not Ballot.objects.exists()


def test_another_lists_city_is_refused(member_client, member, contender_list, make_ranked_list):
    elsewhere = ranking(make_ranked_list(2))

    response = member_client.post(ballot_url(contender_list), posted({elsewhere[0]: 1}))

    assert response.status_code == 400
    assert "A ballot can only rank cities of its own list." in response.content.decode()
    assert not Ballot.objects.exists()


JUNK_POSITIONS = strategies.one_of(
    strategies.integers(-1, 12).map(str), strategies.sampled_from(["", "x", "2.5", " 3 "])
)


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    # Mostly well-formed posts (distinct cities, distinct places), with some of everything
    # else: junk positions, a city twice, a pending or an unknown one (indexes 13 and 14).
    kept=strategies.lists(strategies.integers(0, 12), unique=True, max_size=11),
    extra=strategies.sampled_from([None, None, None, 0, 13, 14]),
    positions=strategies.one_of(
        strategies.permutations([str(place) for place in range(1, 11)]),
        strategies.lists(JUNK_POSITIONS, min_size=12, max_size=12),
    ),
    removed=strategies.sets(strategies.integers(0, 14), max_size=3),
    added=strategies.lists(strategies.integers(0, 14), unique=True, max_size=3),
)
def test_any_post_saves_the_order_of_its_fields_or_changes_nothing(
    member_client,
    member,
    contender_list,
    ids,
    relaxed_rate_limits,
    kept,
    extra,
    positions,
    removed,
    added,
):
    """Whatever a post holds, it saves the cities it keeps in the order of their
    position fields, then the ticked ones; or it is refused and nothing changes."""
    with transaction.atomic():
        pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)
        choices = [*ids[:13], pending.pk, 999_999]  # 13 cities, one pending, one unknown.
        kept = kept if extra is None else [*kept, extra]
        data = {
            "contender": [choices[i] for i in kept],
            "remove": [choices[i] for i in removed],
            "add": [choices[i] for i in added],
        }
        for place, i in zip(positions, kept, strict=False):
            data[f"position-{choices[i]}"] = place  # A city posted twice keeps one field.
        save(member, contender_list, [ids[13]])

        response = member_client.post(ballot_url(contender_list), data)

        event(f"answered {response.status_code}")  # --hypothesis-show-statistics shows the mix.
        if response.status_code == 302:
            staying = [
                (int(data[f"position-{choices[i]}"]), choices[i])
                for i in kept
                if choices[i] not in data["remove"]
            ]
            expected = [pk for _, pk in sorted(staying)] + data["add"]
            assert stored(member, contender_list) == expected
            assert len(set(expected)) == len(expected) <= 10
            assert pending.pk not in expected
            assert 999_999 not in expected
        else:
            assert response.status_code in (400, 409)
            assert stored(member, contender_list) == [ids[13]]
        transaction.set_rollback(True)


# --- Refusals: a clear message, nothing written -----------------------------------------


def test_a_pending_city_is_refused(member_client, contender_list, ids):
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)

    response = member_client.post(
        ballot_url(contender_list), posted({ids[0]: 1}, add=[pending.pk])
    )

    assert response.status_code == 409
    assert "waiting for a moderator" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_closed_list_is_refused(member_client, make_ranked_list):
    closed = make_ranked_list(3, is_open=False)

    page = member_client.get(ballot_url(closed))
    response = member_client.post(ballot_url(closed), posted({ranking(closed)[0]: 1}))

    assert "has closed" in page.content.decode()
    assert response.status_code == 409
    assert "has closed" in response.content.decode()
    assert not Ballot.objects.exists()


def test_an_unverified_member_is_told_to_confirm_and_nothing_is_written(
    client, contender_list, ids
):
    client.force_login(UserFactory(verified=False))

    page = client.get(ballot_url(contender_list))
    response = client.post(ballot_url(contender_list), posted({ids[0]: 1}))

    assert "Confirm your email address" in page.content.decode()
    assert response.status_code == 403
    assert "Confirm your email address" in response.content.decode()
    assert not Ballot.objects.exists()


def test_a_suspended_member_is_told_why_and_keeps_their_ballot(
    member_client, member, contender_list, ids
):
    save(member, contender_list, [ids[0], ids[1]])
    moderator = UserFactory()
    make_moderator(moderator)
    moderator = type(moderator).objects.get(pk=moderator.pk)
    suspend_user(moderator=moderator, member=member, reason="Ballot stuffing.")

    response = member_client.post(ballot_url(contender_list), posted({ids[1]: 1, ids[0]: 2}))
    withdrawal = member_client.post(withdraw_url(contender_list))

    assert response.status_code == 403
    assert "Ballot stuffing." in response.content.decode()
    assert withdrawal.status_code == 403
    assert stored(member, contender_list) == [ids[0], ids[1]]


def test_saving_too_often_is_a_429(member_client, member, contender_list, ids, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "ballot": {"established": {"minute": 1, "day": 5}, "new": {"minute": 1, "day": 5}},
    }
    member_client.post(ballot_url(contender_list), posted({ids[0]: 1}))

    response = member_client.post(ballot_url(contender_list), posted({ids[1]: 1}))

    assert response.status_code == 429
    assert stored(member, contender_list) == [ids[0]]


def test_a_post_without_a_csrf_token_is_refused(member, contender_list, ids):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(ballot_url(contender_list), posted({ids[0]: 1}))

    assert response.status_code == 403
    assert not Ballot.objects.exists()


# --- Withdrawing --------------------------------------------------------------------------


def test_withdrawing_takes_the_ballot_back(member_client, member, contender_list, ids):
    save(member, contender_list, [ids[0], ids[1]])

    response = member_client.post(withdraw_url(contender_list))

    assert response.status_code == 302
    assert response["Location"] == ballot_url(contender_list)
    assert not Ballot.objects.exists()
    page = member_client.get(response["Location"]).content.decode()
    assert f"Your ballot for “{contender_list.title}” is withdrawn." in page


def test_withdrawing_without_a_ballot_says_so(member_client, contender_list):
    response = member_client.post(withdraw_url(contender_list), follow=True)

    assert "You had no ballot" in response.content.decode()


def test_withdrawing_asks_for_a_post(member_client, member, contender_list, ids):
    save(member, contender_list, [ids[0]])

    assert member_client.get(withdraw_url(contender_list)).status_code == 405
    assert Ballot.objects.count() == 1


def test_a_closed_lists_ballot_cannot_be_withdrawn(member_client, member, make_ranked_list):
    closed = make_ranked_list(2)
    save(member, closed, ranking(closed))
    closed.is_open = False
    closed.save()

    response = member_client.post(withdraw_url(closed))

    assert response.status_code == 409
    assert Ballot.objects.count() == 1


# --- Elsewhere: the list page's link, the member's page ---------------------------------


def test_the_list_page_links_to_my_top_ten(client, contender_list):
    html = client.get(contender_list.get_absolute_url()).content.decode()

    assert f'<a href="{ballot_url(contender_list)}">My top ten</a>' in html


def test_the_members_page_shows_their_counted_ballots(client, member, make_ranked_list):
    first, second = make_ranked_list(3, position=1), make_ranked_list(3, position=2)
    a, b = ranking(first), ranking(second)
    save(member, first, [a[2], a[0]])
    save(member, second, [b[1]])
    Ballot.objects.filter(contender_list=second).update(voided_at=timezone.now())

    html = client.get(reverse("comments:user_profile", args=[member.username])).content.decode()

    section = html[html.index('id="ballots-heading"') : html.index('id="comments-heading"')]
    assert first.title in section
    assert second.title not in section  # Voided: it does not count, so it is not shown.
    names = [Contender.objects.get(pk=pk).city.name for pk in (a[2], a[0])]
    assert section.index(names[0]) < section.index(names[1])


# --- Cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [14, 120])
def test_the_ballot_page_runs_the_same_queries_whatever_the_size(
    member_client, member, make_ranked_list, django_assert_num_queries, size
):
    """List, session, user, the ballot's entries, the cities to add, and the member's
    standing, remembered in the cache since the save (a table, without Redis)."""
    contender_list = make_ranked_list(size)
    save(member, contender_list, ranking(contender_list)[:10])

    with django_assert_num_queries(6):
        response = member_client.get(ballot_url(contender_list, "?q=a"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [14, 120])
def test_a_ballot_save_runs_the_same_statements_whatever_the_size(
    member_client, member, make_ranked_list, assert_statements, size
):
    """Session, user, the list; then the service's: standing (remembered, a cache read
    without Redis), the ballot row written by the statement that checks the list and the
    cities, the rate limit, the entries replaced. The form itself reads nothing."""
    contender_list = make_ranked_list(size)
    ids = ranking(contender_list)
    save(member, contender_list, ids[:10])

    with assert_statements(8):
        response = member_client.post(
            ballot_url(contender_list), posted({pk: n for n, pk in enumerate(ids[10:0:-1], 1)})
        )
    assert response.status_code == 302
    assert stored(member, contender_list) == ids[10:0:-1]


def test_with_redis_a_ballot_save_runs_four_statements(
    own_redis, member_client, member, make_ranked_list, assert_statements
):
    """The list; the ballot row, checked as it is written; the entries deleted and
    inserted. The session, the user row, the standing and the rate limit come from Redis."""
    contender_list = make_ranked_list(12)
    ids = ranking(contender_list)
    member_client.get(ballot_url(contender_list))  # The user row and standing, remembered.

    with assert_statements(4):
        response = member_client.post(
            ballot_url(contender_list), posted({pk: n for n, pk in enumerate(ids[:10], 1)})
        )

    assert response.status_code == 302
    assert stored(member, contender_list) == ids[:10]
