"""/api/v1/: the read API shows what the pages show, paged, conditional and rate-limited."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from cities.models import ContenderStatus
from comments.comments import delete_comment
from comments.models import MethodStanding, RankSnapshot
from comments.moderation import hide_comment
from comments.tallies import count_list
from comments.uncertainty import bootstrap_list
from comments.votes import cast_vote
from tests.factories import (
    CityFactory,
    ContenderFactory,
    FactFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import ranking, say

pytestmark = pytest.mark.django_db


def walk(client, path, **params):
    """Every row of a collection, following the cursors; and how many pages it took."""
    rows, pages, cursor = [], 0, None
    while True:
        answer = client.get(path, {**params, **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.content
        body = answer.json()
        rows += body["results"]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return rows, pages


@pytest.fixture
def voted_list(make_ranked_list):
    """Thirty cities, votes that reorder them, a pending city, and a fresh count, resampled."""
    contender_list = make_ranked_list(30)
    contenders = list(contender_list.contenders.order_by("pk"))
    voters = [UserFactory() for _ in range(4)]
    for number, voter in enumerate(voters):
        for place, contender in enumerate(contenders[::3]):
            cast_vote(user=voter, contender_id=contender.pk, value=1 if place % 2 else -1)
        cast_vote(user=voter, contender_id=contenders[-1 - number].pk, value=1)
    ContenderFactory(
        contender_list=contender_list,
        city=CityFactory(name="Pendington"),
        status=ContenderStatus.PENDING,
    )
    count_list(contender_list)
    bootstrap_list(contender_list)
    return contender_list


@pytest.mark.parametrize("method", ["net", "wilson"])
def test_a_live_ranking_walks_the_list_in_the_pages_order(client, voted_list, method):
    voted_list.ranking = method
    voted_list.save()
    rows, pages = walk(client, f"/api/v1/lists/{voted_list.slug}/ranking")
    assert pages == 2  # 25 a page.
    assert [row["contender_id"] for row in rows] == ranking(voted_list)
    assert [row["rank"] for row in rows] == list(range(1, 31))
    assert "Pendington" not in str(rows)


@pytest.mark.parametrize("method", ["schulze", "borda"])
def test_a_counted_ranking_is_the_last_counts(client, voted_list, method):
    rows, _ = walk(client, f"/api/v1/lists/{voted_list.slug}/ranking", method=method)
    stored = MethodStanding.objects.filter(contender_list=voted_list, method=method)
    assert [(row["rank"], row["contender_id"]) for row in rows] == list(
        stored.order_by("rank").values_list("rank", "contender_id")
    )
    assert len(rows) == 30


def test_contenders_come_in_join_order_without_the_pending_one(client, voted_list):
    rows, _ = walk(client, f"/api/v1/lists/{voted_list.slug}/contenders")
    approved = voted_list.contenders.filter(status=ContenderStatus.APPROVED).order_by("pk")
    assert [row["contender_id"] for row in rows] == list(approved.values_list("pk", flat=True))
    assert rows[0]["upvotes"] == approved[0].upvotes


@pytest.mark.parametrize("size", [30, 60])
def test_a_ranking_page_runs_the_same_queries_whatever_the_size(
    client, make_ranked_list, django_assert_num_queries, size
):
    contender_list = make_ranked_list(size)
    first = client.get(f"/api/v1/lists/{contender_list.slug}/ranking").json()
    # The rate limit's counter, the list, the page of contenders with their cities.
    with django_assert_num_queries(3):
        client.get(f"/api/v1/lists/{contender_list.slug}/ranking", {"cursor": first["next"]})


def test_a_cursor_altered_or_from_elsewhere_is_refused(client, voted_list, make_ranked_list):
    cursor = client.get(f"/api/v1/lists/{voted_list.slug}/ranking").json()["next"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    other = make_ranked_list(3)
    for path, params in [
        (f"/api/v1/lists/{voted_list.slug}/ranking", {"cursor": tampered}),
        (f"/api/v1/lists/{other.slug}/ranking", {"cursor": cursor}),
        (f"/api/v1/lists/{voted_list.slug}/ranking", {"cursor": cursor, "method": "borda"}),
    ]:
        answer = client.get(path, params)
        assert answer.status_code == 400
        assert answer.json() == {"detail": "That cursor is not one this collection gave out."}


def test_unknown_names_are_404_and_a_bad_method_is_refused(client, voted_list):
    assert client.get("/api/v1/lists/nowhere").status_code == 404
    assert client.get("/api/v1/lists/nowhere/ranking").status_code == 404
    assert client.get("/api/v1/cities/nowhere").status_code == 404
    answer = client.get(f"/api/v1/lists/{voted_list.slug}/ranking", {"method": "coin-toss"})
    assert answer.status_code == 422


def test_the_api_is_read_only(client, voted_list):
    for path in ["/api/v1/lists", f"/api/v1/lists/{voted_list.slug}/ranking"]:
        assert client.post(path).status_code == 405
        assert client.delete(path).status_code == 405


def test_a_city_shows_its_profile_sources_and_only_approved_standings(client, voted_list):
    contender = voted_list.contenders.filter(status=ContenderStatus.APPROVED).first()
    city = contender.city
    FactFactory(city=city, label="Start-ups", value="1,200")
    OrganizationFactory(city=city, name="Institute of Testing")
    pending = voted_list.contenders.get(status=ContenderStatus.PENDING)
    body = client.get(f"/api/v1/cities/{city.slug}").json()
    assert body["facts"][0]["label"] == "Start-ups"
    assert body["facts"][0]["source"]
    assert body["organizations"][0]["name"] == "Institute of Testing"
    assert body["standings"] == [{"list": voted_list.slug, "rank": 1, "score": contender.score}]
    pending_body = client.get(f"/api/v1/cities/{pending.city.slug}").json()
    assert pending_body["standings"] == []


def test_an_unchanged_answer_is_a_304_by_etag_and_by_date(client, voted_list):
    path = f"/api/v1/lists/{voted_list.slug}/ranking"
    first = client.get(path)
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    voter = UserFactory()
    last = voted_list.contenders.filter(status=ContenderStatus.APPROVED).order_by("pk").last()
    cast_vote(user=voter, contender_id=last.pk, value=1)
    changed = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]

    city = last.city
    answer = client.get(f"/api/v1/cities/{city.slug}")
    assert answer["Last-Modified"] == http_date(city.updated_at.timestamp())
    since = client.get(
        f"/api/v1/cities/{city.slug}", HTTP_IF_MODIFIED_SINCE=answer["Last-Modified"]
    )
    assert since.status_code == 304


def test_each_address_is_rate_limited(client, voted_list, settings):
    settings.API_RATE_LIMITS = {"minute": 3, "day": 100}
    for _ in range(3):
        assert client.get("/api/v1/lists").status_code == 200
    refused = client.get("/api/v1/lists")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert client.get("/api/v1/lists", REMOTE_ADDR="192.0.2.7").status_code == 200
    # A client cannot pass for another address through a header of its own.
    spoofed = client.get("/api/v1/lists", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 429


def test_the_schema_is_openapi_3_with_every_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/lists",
        "/api/v1/lists/{slug}",
        "/api/v1/lists/{slug}/ranking",
        "/api/v1/lists/{slug}/contenders",
        "/api/v1/cities",
        "/api/v1/cities/{slug}",
        "/api/v1/lists/{slug}/{city}/comments",
        "/api/v1/lists/{slug}/{city}/history",
        "/api/v1/moderation",
    }
    assert all(set(operations) == {"get"} for operations in schema["paths"].values())


def test_the_docs_load_their_scripts_from_the_site(client):
    answer = client.get("/api/v1/docs")
    html = answer.content.decode()
    assert answer.status_code == 200
    assert 'src="/static/ninja/swagger-ui-bundle.js"' in html
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in answer["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"  # Swagger UI's icons, on this page alone.
    assert "data:" not in client.get("/api/v1/lists")["Content-Security-Policy"]


def test_comments_come_newest_first_without_hidden_or_deleted_ones(
    client, voted_list, moderator, settings
):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "comment": {
            "established": {"minute": 100, "day": 100},
            "new": {"minute": 100, "day": 100},
        },
    }
    contender = voted_list.contenders.filter(status=ContenderStatus.APPROVED).first()
    author = UserFactory()
    said = [say(author, contender, f"Comment number {n} on the trains.") for n in range(30)]
    hide_comment(moderator=moderator, comment=said[3], reason="Off topic.")
    delete_comment(user=author, comment_id=said[4].pk)
    rows, pages = walk(client, f"/api/v1/lists/{voted_list.slug}/{contender.city.slug}/comments")
    assert pages == 2
    assert [row["id"] for row in rows] == [c.pk for c in reversed(said) if c not in said[3:5]]
    assert rows[0]["author"] == author.username
    assert rows[0]["body"] == "Comment number 29 on the trains."

    pending = voted_list.contenders.get(status=ContenderStatus.PENDING)
    path = f"/api/v1/lists/{voted_list.slug}/{pending.city.slug}/comments"
    assert client.get(path).status_code == 404

    log, _ = walk(client, "/api/v1/moderation")
    assert [(entry["moderator"], entry["action"], entry["reason"]) for entry in log] == [
        (moderator.username, "hide-comment", "Off topic.")
    ]


def test_a_control_character_is_refused_in_json(client):
    answer = client.get("/api/v1/lists", {"cursor": "a\x00b"})
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert "control character" in answer.json()["detail"]
    assert client.get("/search/", {"q": "a\x00b"})["Content-Type"].startswith("text/html")


def test_a_counted_ranking_carries_the_bootstrap_intervals(client, voted_list):
    rows, _ = walk(client, f"/api/v1/lists/{voted_list.slug}/ranking", method="schulze")
    stored = {
        standing.contender_id: standing
        for standing in MethodStanding.objects.filter(contender_list=voted_list, method="schulze")
    }
    for row in rows:
        standing = stored[row["contender_id"]]
        assert (
            row["rank_lower"],
            row["rank_upper"],
            row["top_ten_chance"],
            row["conservative_rank"],
        ) == (
            standing.rank_lower,
            standing.rank_upper,
            standing.top_ten_chance,
            standing.conservative_rank,
        )
    live, _ = walk(client, f"/api/v1/lists/{voted_list.slug}/ranking", method="net")
    assert {row["rank_lower"] for row in live} == {None}


def test_a_duels_ranking_is_the_last_counts(client, voted_list):
    rows, _ = walk(client, f"/api/v1/lists/{voted_list.slug}/ranking", method="duels")
    stored = MethodStanding.objects.filter(contender_list=voted_list, method="duels")
    assert [row["contender_id"] for row in rows] == list(
        stored.order_by("rank").values_list("contender_id", flat=True)
    )


def test_a_contenders_history_is_its_days_ending_now(client, voted_list):
    contender = voted_list.contenders.filter(status=ContenderStatus.APPROVED).first()
    today = timezone.localdate()
    RankSnapshot.objects.create(
        contender=contender, taken_on=today - timedelta(days=2), rank=7, score=-1
    )
    answer = client.get(f"/api/v1/lists/{voted_list.slug}/{contender.city.slug}/history")
    assert answer.status_code == 200
    body = answer.json()
    now = ranking(voted_list).index(contender.pk) + 1
    contender.refresh_from_db()
    assert body["method"] == voted_list.ranking
    assert body["days"] == [
        {"day": (today - timedelta(days=2)).isoformat(), "rank": 7, "score": -1},
        # Nobody voted the next day: it began as the day after it (here: now).
        {"day": (today - timedelta(days=1)).isoformat(), "rank": now, "score": contender.score},
        {"day": today.isoformat(), "rank": now, "score": contender.score},
    ]
    pending = voted_list.contenders.get(status=ContenderStatus.PENDING)
    url = f"/api/v1/lists/{voted_list.slug}/{pending.city.slug}/history"
    assert client.get(url).status_code == 404
