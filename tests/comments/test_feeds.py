"""The Atom feeds, read by a real feed parser: valid Atom, only what the pages show."""

from datetime import timedelta

import feedparser
import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import ContenderStatus
from comments.comments import post_comment
from comments.models import RankSnapshot
from comments.moderation import hide_comment
from tests.factories import CityFactory, ContenderFactory, UserFactory


def parsed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")  # Well-formed, as a reader sees it.
    assert feed.version == "atom10"
    return feed


@pytest.fixture
def seoul_in_two_lists(make_ranked_list):
    """Seoul in two lists, with a pending contender in the first."""
    first, second = make_ranked_list(3), make_ranked_list(2)
    seoul = CityFactory(name="Seoul")
    in_first = ContenderFactory(contender_list=first, city=seoul)
    in_second = ContenderFactory(contender_list=second, city=seoul)
    pending = ContenderFactory(
        contender_list=first, city=CityFactory(), status=ContenderStatus.PENDING
    )
    return first, in_first, in_second, pending


def test_a_lists_comments_feed_holds_its_visible_comments_and_replies_newest_first(
    client, member, moderator, seoul_in_two_lists
):
    first, in_first, in_second, pending = seoul_in_two_lists
    said = post_comment(user=member, contender_id=in_first.pk, body="Fast trains & <b>5G</b>.")
    reply = post_comment(
        user=UserFactory(), contender_id=in_first.pk, body="Agreed.", parent_id=said.pk
    )
    hidden = post_comment(user=member, contender_id=in_first.pk, body="Spam spam spam")
    hide_comment(moderator=moderator, comment=hidden, reason="Spam")
    post_comment(user=member, contender_id=in_second.pk, body="Another list entirely.")
    pending.comments.create(author=member, body="On a city not yet approved.")

    feed = parsed(client, reverse("comments:list_comments_feed", args=[first.slug]))

    assert feed.feed.title == f"New comments: {first.title} (TechVote)"
    assert [entry.summary for entry in feed.entries] == ["Agreed.", "Fast trains & <b>5G</b>."]
    newest = feed.entries[0]
    assert newest.title == f"{reply.author.username} on Seoul in {first.title}"
    assert newest.link == f"http://testserver{reply.get_absolute_url()}"
    assert newest.author == reply.author.username
    assert len({entry.id for entry in feed.entries}) == 2


def test_a_citys_feed_holds_its_comments_in_every_list(client, member, seoul_in_two_lists):
    first, in_first, in_second, _ = seoul_in_two_lists
    post_comment(user=member, contender_id=in_first.pk, body="Here in the first list.")
    post_comment(user=member, contender_id=in_second.pk, body="And in the second one.")
    elsewhere = ContenderFactory(contender_list=first, city=CityFactory())
    post_comment(user=member, contender_id=elsewhere.pk, body="About some other city.")

    feed = parsed(client, reverse("comments:city_comments_feed", args=[in_first.city.slug]))

    assert [entry.summary for entry in feed.entries] == [
        "And in the second one.",
        "Here in the first list.",
    ]


def test_the_moderation_log_feed_says_who_did_what_and_why(
    client, member, moderator, seoul_in_two_lists
):
    _, in_first, _, _ = seoul_in_two_lists
    comment = post_comment(user=member, contender_id=in_first.pk, body="Buy cheap watches")
    hide_comment(moderator=moderator, comment=comment, reason="Advertising")

    feed = parsed(client, reverse("comments:moderation_log_feed"))

    (entry,) = feed.entries
    assert entry.title.startswith("Hid")
    assert entry.summary == "By marta. Reason: Advertising."
    assert entry.link.startswith("http://testserver/moderation/#entry-")
    # The log page has the row the entry points at.
    page = client.get(reverse("comments:moderation_log")).content.decode()
    assert f'id="{entry.link.split("#")[1]}"' in page


def test_the_movers_feed_tells_each_days_climbers_and_fallers(client, make_ranked_list):
    contender_list = make_ranked_list(3)
    a, b, c = contender_list.contenders.order_by("pk")
    today = timezone.localdate()
    mornings = {
        today - timedelta(days=3): {a: 1, b: 2, c: 3},
        # Two quiet days, then: on day -3 c climbed two places.
        today - timedelta(days=1): {c: 1, a: 2, b: 3},
        today: {c: 1, a: 2, b: 3},  # Yesterday nothing changed places.
    }
    for day, ranks in mornings.items():
        for contender, rank in ranks.items():
            RankSnapshot.objects.create(contender=contender, taken_on=day, rank=rank, score=0)

    feed = parsed(client, reverse("comments:movers_feed", args=[contender_list.slug]))

    quiet, moved = feed.entries
    assert quiet.title.endswith(": Nothing changed places.")
    first_day = today - timedelta(days=3)
    assert moved.title == (
        f"{first_day.day} {first_day:%B %Y}: {c.city.name} up 2 (#3 → #1); "
        f"{a.city.name} down 1 (#1 → #2); {b.city.name} down 1 (#2 → #3)"
    )
    on = (today - timedelta(days=1)).isoformat()
    assert moved.link == f"http://testserver{contender_list.get_absolute_url()}?on={on}"


def test_feeds_of_unknown_lists_and_cities_are_not_found(client, db):
    for name in ("list_comments_feed", "movers_feed", "city_comments_feed"):
        assert client.get(reverse(f"comments:{name}", args=["nowhere"])).status_code == 404


def test_the_pages_name_their_feeds(client, seoul_in_two_lists):
    first, in_first, _, _ = seoul_in_two_lists
    pages = {
        first.get_absolute_url(): [
            reverse("comments:list_comments_feed", args=[first.slug]),
            reverse("comments:movers_feed", args=[first.slug]),
        ],
        in_first.city.get_absolute_url(): [
            reverse("comments:city_comments_feed", args=[in_first.city.slug])
        ],
        reverse("comments:moderation_log"): [reverse("comments:moderation_log_feed")],
    }
    for page, feeds in pages.items():
        html = client.get(page).content.decode()
        for feed in feeds:
            assert '<link rel="alternate" type="application/atom+xml"' in html
            assert f'href="{feed}"' in html


def test_a_feed_costs_the_same_few_queries_whatever_the_list_size(
    client, member, make_ranked_list, django_assert_num_queries, relaxed_rate_limits
):
    small, big = make_ranked_list(2), make_ranked_list(20)
    for contender_list in (small, big):
        for contender in contender_list.contenders.all():
            post_comment(user=member, contender_id=contender.pk, body="Worth a look.")
    for contender_list in (small, big):
        with django_assert_num_queries(2):  # The list, then its comments with all they show.
            client.get(reverse("comments:list_comments_feed", args=[contender_list.slug]))
