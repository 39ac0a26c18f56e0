"""Redis configured, then gone, then back: a real redis-server of the test's own.

Pages keep serving and votes keep being taken (sessions and counts come
from the database), rate limits keep counting in the database instead of
lapsing, the log says so once, and Redis is used again once it answers.
"""

import logging
import shutil

import pytest
import redis
from django.core.cache import caches
from django.urls import reverse

from tests.helpers import at_rank

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")

# Votes as htmx sends them, answered 200 with the vote controls.
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_site_lives_through_a_redis_outage_and_recovers(
    own_redis, client, member, make_ranked_list, settings, caplog
):
    limits = {"minute": 3, "day": 100}
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "vote": {"established": limits, "new": limits}}
    contenders = [at_rank(make_ranked_list(6), rank) for rank in range(1, 7)]
    client.force_login(member)

    def vote(contender, value=1):
        return client.post(reverse("comments:vote", args=[contender.pk]), {"value": value}, **HTMX)

    assert vote(contenders[0]).status_code == 200  # Counted in Redis.
    own_redis.stop()

    with caplog.at_level(logging.WARNING):
        page = client.get(contenders[1].get_comments_url())
        during = [vote(contender).status_code for contender in contenders[1:5]]

    assert page.status_code == 200
    assert member.username in page.content.decode()  # Still signed in: the session is read.
    # Never unlimited: the database counts while Redis is away (3 a minute).
    assert during[:2] == [200, 200]
    assert 429 in during
    assert any("Redis is unavailable" in record.getMessage() for record in caplog.records)
    for contender in contenders[1:3]:
        contender.refresh_from_db()
        assert (contender.upvotes, contender.score) == (1, 1)

    own_redis.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert client.get(contenders[5].get_comments_url()).status_code == 200
        vote(contenders[5])

    assert any("Redis is back" in record.getMessage() for record in caplog.records)
    assert redis.Redis(port=own_redis.port).keys("*ratelimit:vote*")


def test_the_shared_cache_keeps_one_redis_client_across_calls(own_redis):
    shared = caches["default"]
    shared.set("one-client", "stored")
    first = shared._cache.get_client()

    assert shared.get("one-client") == "stored"
    assert shared._cache.get_client(write=True) is first
    # The shared client still finds Redis after it restarts.
    own_redis.stop()
    own_redis.start()
    shared.set("after-restart", "stored")
    assert redis.Redis(port=own_redis.port).exists(shared.make_and_validate_key("after-restart"))
