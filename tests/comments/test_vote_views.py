import pytest
from django.test import Client
from django.urls import reverse

from cities.models import Contender
from comments.models import Vote
from comments.services import cast_vote
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import at_rank, rank_of

pytestmark = pytest.mark.django_db


def htmx(contender):
    """The headers htmx sends for a press of one of the contender's vote buttons."""
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"vote-{contender.pk}"}


def vote_url(contender):
    return reverse("comments:vote", args=[contender.pk])


@pytest.fixture
def contender_list(make_ranked_list):
    return make_ranked_list(40)


@pytest.fixture
def tenth(contender_list):
    return at_rank(contender_list, 10)


def list_url(contender_list):
    return contender_list.get_absolute_url()


# --- Without JavaScript -----------------------------------------------------------


def test_a_vote_form_post_redirects_back_to_the_same_place(member_client, contender_list, tenth):
    back = list_url(contender_list) + "?page=1"

    response = member_client.post(vote_url(tenth), {"value": "1", "next": back})

    assert response.status_code == 302
    assert response["Location"] == f"{back}#contender-{tenth.pk}"
    tenth.refresh_from_db()
    assert (tenth.upvotes, tenth.score, rank_of(tenth)) == (1, 1, 1)


def test_the_list_shows_the_members_own_votes(member_client, member, contender_list, tenth):
    cast_vote(user=member, contender_id=tenth.pk, value=1)

    html = member_client.get(list_url(contender_list)).content.decode()

    row = html[html.index(f'id="contender-{tenth.pk}"') :]
    row = row[: row.index("</li>")]
    assert 'value="0" class="vote__button vote__button--up" aria-pressed="true"' in row
    assert 'value="-1" class="vote__button vote__button--down" aria-pressed="false"' in row


def test_with_redis_the_list_shows_the_members_vote_as_soon_as_it_changes(
    own_redis, member_client, contender_list, tenth, django_capture_on_commit_callbacks
):
    """The member's votes are kept in Redis, and their own vote moves them on once it commits."""
    up = f'formaction="{vote_url(tenth)}" data-hx-post="{vote_url(tenth)}" name="value" value="0"'
    assert up not in member_client.get(list_url(contender_list)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(vote_url(tenth), {"value": "1"})

    assert up in member_client.get(list_url(contender_list)).content.decode()


def test_pressing_the_pressed_button_takes_the_vote_back(member_client, member, tenth):
    cast_vote(user=member, contender_id=tenth.pk, value=1)

    member_client.post(vote_url(tenth), {"value": "0"})

    assert not Vote.objects.filter(user=member).exists()


def test_an_unsafe_next_url_is_replaced_by_the_list(member_client, contender_list, tenth):
    response = member_client.post(
        vote_url(tenth), {"value": "1", "next": "https://evil.example/phish"}
    )

    assert response["Location"] == f"{list_url(contender_list)}#contender-{tenth.pk}"


# --- With JavaScript --------------------------------------------------------------


def test_htmx_gets_the_vote_controls_partial_with_the_new_score(member_client, tenth):
    response = member_client.post(vote_url(tenth), {"value": "1"}, **htmx(tenth))

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="vote" id="vote-{tenth.pk}"')
    assert "<html" not in html
    assert 'value="0" class="vote__button vote__button--up" aria-pressed="true"' in html
    assert '<span class="visually-hidden">Score </span>1</span>' in html
    assert f'data-hx-post="{vote_url(tenth)}"' in html
    tenth.refresh_from_db()
    assert (tenth.upvotes, tenth.downvotes, tenth.score) == (1, 0, 1)


def test_the_partial_is_the_one_the_page_shows(member_client, member, contender_list, tenth):
    partial = member_client.post(vote_url(tenth), {"value": "1"}, **htmx(tenth))

    page = member_client.get(list_url(contender_list)).content.decode()

    assert partial.content.decode().strip() in page


def test_htmx_gets_refusals_in_the_widgets_message_slot(member_client, make_ranked_list):
    closed = Contender.objects.get(contender_list=make_ranked_list(1, is_open=False))

    response = member_client.post(vote_url(closed), {"value": "1"}, **htmx(closed))

    assert response.status_code == 409
    assert response["HX-Retarget"] == f"#vote-{closed.pk}-error"
    assert response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert f'id="vote-{closed.pk}-error" role="alert"' in html
    assert "has closed" in html
    assert not Vote.objects.exists()


def test_a_malformed_value_by_htmx_gets_400_in_the_slot(member_client, tenth):
    response = member_client.post(vote_url(tenth), {"value": "7"}, **htmx(tenth))

    assert response.status_code == 400
    assert "A vote is up, down or none." in response.content.decode()
    assert response["HX-Retarget"] == f"#vote-{tenth.pk}-error"


def test_an_expired_form_by_htmx_gets_403_in_the_slot(member, tenth):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(vote_url(tenth), {"value": "1"}, **htmx(tenth))

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert response["HX-Retarget"] == f"#vote-{tenth.pk}-error"
    assert not Vote.objects.exists()


# --- Anonymous visitors -------------------------------------------------------------


def test_anonymous_visitors_see_buttons_that_lead_to_login(client, contender_list, tenth):
    html = client.get(list_url(contender_list)).content.decode()

    keep = reverse("comments:vote_login", args=[tenth.pk])
    assert f'href="{keep}?value=1&amp;next=/lists/{contender_list.slug}/"' in html
    assert f'href="{keep}?value=-1&amp;next=/lists/{contender_list.slug}/"' in html
    assert f'"{reverse("comments:vote", args=[tenth.pk])}"' not in html
    assert "csrfmiddlewaretoken" not in html


def test_an_anonymous_post_is_sent_to_login_and_back(client, contender_list, tenth):
    response = client.post(vote_url(tenth), {"value": "1", "next": list_url(contender_list)})

    assert response.status_code == 302
    login = reverse("account_login")
    assert response["Location"] == (
        f"{login}?next=/lists/{contender_list.slug}/%23contender-{tenth.pk}"
    )
    assert not Vote.objects.exists()


def test_an_anonymous_htmx_request_gets_401_and_a_message(client, tenth):
    response = client.post(vote_url(tenth), {"value": "1"}, **htmx(tenth))

    assert response.status_code == 401
    assert "Log in to take part." in response.content.decode()


# --- Bad votes change nothing ---------------------------------------------------------


@pytest.mark.parametrize("value", ["2", "up", "", "1.0", "1; DROP TABLE"])
def test_a_malformed_value_gets_400_and_changes_nothing(member_client, tenth, value):
    response = member_client.post(vote_url(tenth), {"value": value})

    assert response.status_code == 400
    assert "A vote is up, down or none." in response.content.decode()
    assert not Vote.objects.exists()


def test_a_closed_list_gets_a_clear_409(member_client, make_ranked_list):
    closed = Contender.objects.get(contender_list=make_ranked_list(1, is_open=False))

    response = member_client.post(vote_url(closed), {"value": "1"})

    assert response.status_code == 409
    assert "has closed" in response.content.decode()
    assert not Vote.objects.exists()


def test_a_pending_contender_gets_409(member_client, contender_list):
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)

    response = member_client.post(vote_url(pending), {"value": "1"})

    assert response.status_code == 409
    assert "waiting for a moderator" in response.content.decode()


def test_a_missing_contender_gets_404(member_client, db):
    response = member_client.post(reverse("comments:vote", args=[424242]), {"value": "1"})

    assert response.status_code == 404


def test_an_unverified_member_gets_403(client, tenth):
    client.force_login(UserFactory(verified=False))

    response = client.post(vote_url(tenth), {"value": "1"})

    assert response.status_code == 403
    assert "Confirm your email address" in response.content.decode()


def test_a_vote_without_a_csrf_token_is_refused(member, tenth):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    response = client.post(vote_url(tenth), {"value": "1"})

    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not Vote.objects.exists()


def test_votes_are_posted_never_fetched(member_client, tenth):
    assert member_client.get(vote_url(tenth) + "?value=1").status_code == 405


# --- Cost --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [40, 120])
def test_signed_in_list_pages_run_the_same_queries(
    member_client, member, make_ranked_list, django_assert_num_queries, size
):
    """Session, user, list, contenders, the member's votes on them, top comments, the
    rows' last 30 days (sparklines), the map's leading contenders."""
    contender_list = make_ranked_list(size)
    for contender in Contender.objects.filter(contender_list=contender_list)[:5]:
        cast_vote(user=member, contender_id=contender.pk, value=1)

    with django_assert_num_queries(8):
        member_client.get(list_url(contender_list))
    # Later pages have no Top Ten (no top comments) and no map.
    with django_assert_num_queries(6):
        member_client.get(list_url(contender_list) + "?page=2")


@pytest.mark.parametrize("size", [12, 120])
def test_a_vote_request_runs_the_same_statements(
    member_client, make_ranked_list, assert_statements, size
):
    """Session and user, then the service's four (without Redis, one counts the rate limits)."""
    contender_list = make_ranked_list(size)
    contender = at_rank(contender_list, size // 2)
    cast_vote(user=UserFactory(), contender_id=contender.pk, value=1)  # Today's snapshot.

    with assert_statements(6):
        member_client.post(vote_url(contender), {"value": "1"})


def test_with_redis_a_vote_request_runs_its_three_statements(
    own_redis, member_client, contender_list, tenth, assert_statements
):
    """The read, the vote row, the counts: the session, the user row and the rate limit
    come from Redis."""
    cast_vote(user=UserFactory(), contender_id=tenth.pk, value=1)  # Today's snapshot.
    member_client.get(list_url(contender_list))  # The user row, kept.

    with assert_statements(3):
        voted = member_client.post(vote_url(tenth), {"value": "1"})

    assert voted.status_code == 302
    assert Vote.objects.filter(contender=tenth).count() == 2


def test_htmx_gets_a_pending_contenders_refusal_in_the_slot(member_client, contender_list):
    pending = ContenderFactory(contender_list=contender_list, status=Contender.Status.PENDING)

    response = member_client.post(vote_url(pending), {"value": "1"}, **htmx(pending))

    assert response.status_code == 409
    assert "waiting for a moderator" in response.content.decode()
    assert response["HX-Retarget"] == f"#vote-{pending.pk}-error"
