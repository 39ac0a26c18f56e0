"""The embeddable rank badge: an SVG of today's place, and the snippet that embeds it."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from cities.models import ContenderStatus, RankingMethod
from comments.votes import cast_vote
from tests.factories import CityFactory, ContenderFactory, UserFactory

SVG = "{http://www.w3.org/2000/svg}"


def badge_url(contender):
    return reverse(
        "cities:contender_badge", args=[contender.contender_list.slug, contender.city.slug]
    )


@pytest.fixture
def tokyo_first(make_ranked_list):
    contender_list = make_ranked_list(3, title="Most High Tech Cities")
    tokyo = ContenderFactory(contender_list=contender_list, city=CityFactory(name="Tokyo"))
    for _ in range(2):
        cast_vote(user=UserFactory(), contender_id=tokyo.pk, value=1)
    return tokyo


def test_the_badge_names_the_city_its_rank_the_list_the_method_and_the_day(client, tokyo_first):
    response = client.get(badge_url(tokyo_first))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    svg = ET.fromstring(response.content)
    today = timezone.localdate()
    expected = f"Tokyo · #1 in Most High Tech Cities · Net votes · {today.day} {today:%b %Y}"
    assert [text.text for text in svg.iter(f"{SVG}text")] == ["TechVote", expected]
    assert svg.get("role") == "img"
    assert svg.get("aria-label") == f"TechVote: {expected}"
    assert svg.find(f"{SVG}title").text == f"TechVote: {expected}"
    # Presentation attributes only: it renders under any Content-Security-Policy.
    assert b"style" not in response.content
    assert float(svg.get("width")) > 300  # Room for the whole message.


def test_the_badge_follows_the_lists_method(client, tokyo_first):
    contender_list = tokyo_first.contender_list
    contender_list.ranking = RankingMethod.WILSON
    contender_list.save()
    texts = ET.fromstring(client.get(badge_url(tokyo_first)).content).iter(f"{SVG}text")
    assert " · Wilson · " in list(texts)[1].text


def test_a_city_name_is_escaped_in_the_svg(client, make_ranked_list):
    contender = ContenderFactory(
        contender_list=make_ranked_list(1), city=CityFactory(name="<Tokyo & co>")
    )
    response = client.get(badge_url(contender))
    assert b"&lt;Tokyo &amp; co&gt;" in response.content
    ET.fromstring(response.content)  # Still well-formed.


def test_no_badge_for_a_pending_contender_or_an_unknown_city(client, make_ranked_list):
    pending = ContenderFactory(
        contender_list=make_ranked_list(1), city=CityFactory(), status=ContenderStatus.PENDING
    )
    assert client.get(badge_url(pending)).status_code == 404
    url = reverse("cities:contender_badge", args=[pending.contender_list.slug, "nowhere"])
    assert client.get(url).status_code == 404


def test_the_contender_page_offers_the_snippet_with_absolute_addresses(client, tokyo_first):
    page = client.get(tokyo_first.get_comments_url()).content.decode()
    badge = f"http://testserver{badge_url(tokyo_first)}"
    link = f"http://testserver{tokyo_first.get_comments_url()}"
    # Escaped once by the template: the visitor copies the HTML itself.
    assert f"&lt;a href=&quot;{link}&quot;&gt;&lt;img src=&quot;{badge}&quot;" in page
    assert f'<img src="{badge_url(tokyo_first)}"' in page
