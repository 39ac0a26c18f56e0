"""Redis configured, then gone, then back: a real redis-server of the test's own.

Pages keep serving and votes keep being taken (sessions and counts come
from the database), rate limits keep counting in the database instead of
lapsing, the log says so once, and Redis is used again once it answers.
"""

import logging
import shutil

import pytest
import redis
from django.urls import reverse

from comments import ratelimits
from techvote import cache as resilient_cache
from tests.helpers import at_rank
from tests.servers import OwnRedis

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")

# Votes as htmx sends them, answered 200 with the vote controls.
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def own_redis(settings, monkeypatch):
    server = OwnRedis()
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    settings.REDIS_URL = url
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "techvote.cache.RedisWithDatabaseFallback",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # Ask Redis again at once rather than after a few seconds.
    monkeypatch.setattr(resilient_cache, "RETRY_SECONDS", 0)
    monkeypatch.setattr(ratelimits, "REDIS_RETRY_SECONDS", 0)
    monkeypatch.setattr(resilient_cache.RedisWithDatabaseFallback, "_down_since", None)
    ratelimits._redis_down_since.clear()
    yield server
    if server.process.poll() is None:
        server.stop()
    ratelimits._redis_down_since.clear()


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
