"""Voting as a newcomer meets it: what a vote says it did, a visitor's vote kept
through logging in, and the rows an in-place vote moved."""

import re
import time

import pytest
from django.urls import reverse

from cities.models import Contender, RankingMethod
from comments.models import Suspension, Vote
from comments.services import cast_vote
from comments.vote_intents import SESSION_KEY, VOTE_INTENT_SECONDS
from tests.factories import PASSWORD, ContenderFactory, UserFactory
from tests.helpers import at_rank

pytestmark = pytest.mark.django_db


def vote_url(contender):
    return reverse("comments:vote", args=[contender.pk])


def vote_login_url(contender, value, next_url):
    return f"{reverse('comments:vote_login', args=[contender.pk])}?value={value}&next={next_url}"


def log_in(client, user):
    """The login form's POST, as a member sends it."""
    return client.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}, follow=True
    )


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(40)


# --- Without JavaScript, a vote says what it recorded ------------------------------------------


def test_a_plain_vote_says_what_it_recorded(member_client, contender_list):
    seoul = at_rank(contender_list, 12)

    response = member_client.post(
        vote_url(seoul), {"value": "1", "next": contender_list.get_absolute_url()}, follow=True
    )

    html = response.content.decode()
    assert f"Your up vote on {seoul.city.name} is recorded; its score is now 1." in html


def test_taking_a_vote_back_says_so(member_client, member, contender_list):
    seoul = at_rank(contender_list, 12)
    cast_vote(user=member, contender_id=seoul.pk, value=-1)

    response = member_client.post(vote_url(seoul), {"value": "0"}, follow=True)

    assert f"Your vote on {seoul.city.name} is taken back; its score is now 0." in (
        response.content.decode()
    )


# --- A visitor's vote, kept through logging in -------------------------------------------------


def test_a_visitors_vote_button_leads_to_a_login_page_that_says_why(client, contender_list):
    seoul = at_rank(contender_list, 12)
    back = contender_list.get_absolute_url()

    response = client.get(vote_login_url(seoul, 1, back))

    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"] == f"{login}?next={back}%23contender-{seoul.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f"Log in to cast your vote on {seoul.city.name} (up vote)" in page
    assert not Vote.objects.exists()


def test_the_kept_vote_is_cast_when_the_member_logs_in_and_only_once(
    client, member, contender_list
):
    seoul = at_rank(contender_list, 12)
    client.get(vote_login_url(seoul, 1, contender_list.get_absolute_url()))

    page = log_in(client, member)

    assert Vote.objects.get(user=member, contender=seoul).value == 1
    assert f"Your up vote on {seoul.city.name} is recorded" in page.content.decode()
    cast_vote(user=member, contender_id=seoul.pk, value=0)  # Taken back on the page.
    client.post(reverse("account_logout"))
    log_in(client, member)
    assert not Vote.objects.filter(user=member).exists()


def test_a_kept_vote_older_than_its_time_is_forgotten(client, member, contender_list):
    seoul = at_rank(contender_list, 12)
    client.get(vote_login_url(seoul, -1, contender_list.get_absolute_url()))
    session = client.session
    session[SESSION_KEY]["asked_at"] = time.time() - VOTE_INTENT_SECONDS - 1
    session.save()

    log_in(client, member)

    assert not Vote.objects.exists()


def test_a_suspended_member_is_told_the_kept_vote_was_not_cast(client, member, contender_list):
    seoul = at_rank(contender_list, 12)
    Suspension.objects.create(user=member, reason="Advertising.", suspended_by=UserFactory())
    client.get(vote_login_url(seoul, 1, contender_list.get_absolute_url()))

    page = log_in(client, member).content.decode()

    assert "Your vote was not cast:" in page
    assert not Vote.objects.exists()


def test_a_visitors_posted_vote_is_kept_too(client, member, contender_list):
    seoul = at_rank(contender_list, 12)

    client.post(vote_url(seoul), {"value": "-1", "next": contender_list.get_absolute_url()})
    log_in(client, member)

    assert Vote.objects.get(user=member, contender=seoul).value == -1


def test_following_the_link_while_logged_in_casts_nothing(member_client, contender_list):
    seoul = at_rank(contender_list, 12)
    back = contender_list.get_absolute_url()

    response = member_client.get(vote_login_url(seoul, 1, back))

    assert response.status_code == 302
    assert response["Location"] == f"{back}#contender-{seoul.pk}"
    assert not Vote.objects.exists()


@pytest.mark.parametrize("value", ["2", "up", ""])
def test_a_malformed_kept_vote_is_refused(client, contender_list, value):
    seoul = at_rank(contender_list, 12)

    response = client.get(vote_login_url(seoul, value, "/"))

    assert response.status_code == 400
    assert "A vote is up, down or none." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_kept_vote_on_a_missing_contender_is_404(client, db):
    response = client.get(reverse("comments:vote_login", args=[424242]) + "?value=1")

    assert response.status_code == 404


def test_the_link_is_not_a_post(client, contender_list):
    seoul = at_rank(contender_list, 12)

    response = client.post(vote_login_url(seoul, 1, "/"))

    assert response.status_code == 405


# --- With JavaScript, the rows a vote moved come back ------------------------------------------


def htmx_vote(client, contender, value, *, current, shown=(1, 35)):
    return client.post(
        vote_url(contender),
        {"value": value, "shown_from": shown[0], "shown_to": shown[1]},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"vote-{contender.pk}",
        HTTP_HX_CURRENT_URL=f"http://testserver{current}",
    )


def moved_rows(html: str) -> list[tuple[int, int]]:
    """(rank, contender id) of each row in the answer's moved rows, in order."""
    moves = html[html.index('<template class="vote-moves"') :]
    return [
        (int(rank), int(pk))
        for pk, rank in re.findall(
            r'<li class="contender" id="contender-(\d+)" value="(\d+)"', moves
        )
    ]


def test_an_in_place_vote_brings_back_the_rows_whose_rank_it_changed(
    member_client, contender_list
):
    ahead = [at_rank(contender_list, rank) for rank in (1, 2)]
    for voter in (UserFactory(), UserFactory()):
        for contender in ahead:
            cast_vote(user=voter, contender_id=contender.pk, value=1)
    twelfth, passed = (
        at_rank(contender_list, 12),
        [at_rank(contender_list, r) for r in (3, 10, 11)],
    )

    response = htmx_vote(member_client, twelfth, "1", current=contender_list.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<div class="vote" id="vote-{twelfth.pk}"')
    assert f'data-announce="{twelfth.city.name} moved up to 3rd."' in html
    rows = moved_rows(html)
    assert [rank for rank, _ in rows] == list(range(3, 13))
    assert rows[0] == (3, twelfth.pk)
    assert rows[1] == (4, passed[0].pk)
    assert rows[-2:] == [(11, passed[1].pk), (12, passed[2].pk)]
    # The moved row shows the member's vote pressed, as the page would.
    assert 'value="0" class="vote__button vote__button--up" aria-pressed="true"' in html


def test_only_the_ranks_the_page_shows_come_back(member_client, contender_list):
    thirtieth = at_rank(contender_list, 30)

    response = htmx_vote(
        member_client, thirtieth, "1", current=contender_list.get_absolute_url(), shown=(20, 35)
    )

    assert [rank for rank, _ in moved_rows(response.content.decode())] == list(range(20, 31))


def test_a_vote_down_moves_the_row_down(member_client, contender_list):
    fifth = at_rank(contender_list, 5)

    response = htmx_vote(member_client, fifth, "-1", current=contender_list.get_absolute_url())

    html = response.content.decode()
    assert f"{fifth.city.name} moved down to 40th." in html
    assert [rank for rank, _ in moved_rows(html)] == list(range(5, 36))


@pytest.mark.parametrize(
    "query", ["?q=a", f"?method={RankingMethod.SCHULZE}", "?method=nonsense", "?on=2026-01-01"]
)
def test_rows_stay_put_where_the_page_is_not_a_run_of_live_ranks(
    member_client, contender_list, query
):
    twelfth = at_rank(contender_list, 12)

    response = htmx_vote(
        member_client, twelfth, "1", current=contender_list.get_absolute_url() + query
    )

    assert response.status_code == 200
    assert "vote-moves" not in response.content.decode()
    assert Vote.objects.get(contender=twelfth).value == 1


def test_rows_stay_put_without_the_shown_ranks_or_from_another_page(member_client, contender_list):
    twelfth, thirteenth = at_rank(contender_list, 12), at_rank(contender_list, 13)

    without = member_client.post(
        vote_url(twelfth),
        {"value": "1"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL=f"http://testserver{contender_list.get_absolute_url()}",
    )
    elsewhere = htmx_vote(member_client, thirteenth, "1", current=thirteenth.get_comments_url())

    assert "vote-moves" not in without.content.decode()
    assert "vote-moves" not in elsewhere.content.decode()


def test_a_wilson_page_moves_its_rows_by_wilson(member_client, contender_list):
    twelfth = at_rank(contender_list, 12)
    url = contender_list.get_absolute_url() + f"?method={RankingMethod.WILSON}"

    response = htmx_vote(member_client, twelfth, "1", current=url)

    assert f"{twelfth.city.name} moved up to 1st." in response.content.decode()


@pytest.mark.parametrize("size", [40, 120])
def test_an_in_place_vote_that_moves_rows_runs_the_same_statements(
    member_client, make_ranked_list, assert_statements, size
):
    """Session and user, the rank before, the service's four, the rank after, the list,
    the page's rows, their top comments and sparklines, the member's votes."""
    contender_list = make_ranked_list(size)
    cast_vote(user=UserFactory(), contender_id=at_rank(contender_list, 1).pk, value=1)
    twelfth = at_rank(contender_list, 12)

    with assert_statements(13):
        response = htmx_vote(
            member_client, twelfth, "1", current=contender_list.get_absolute_url()
        )
    assert "moved up to 2nd" in response.content.decode()


def test_a_pending_contender_is_not_moved_anywhere(member_client, contender_list):
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)

    response = htmx_vote(member_client, pending, "1", current=contender_list.get_absolute_url())

    assert response.status_code == 409
