import importlib
import shutil
from contextlib import contextmanager

import hypothesis
import pytest
from django.core.cache import caches
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from tests.factories import CityFactory, ContenderFactory, ContenderListFactory, UserFactory
from tests.servers import OwnRedis

# Property tests check what the code does, not how fast: on a shared 2-core CI
# machine, running both suites at once, a 200 ms example deadline trips at random.
hypothesis.settings.register_profile("techvote", deadline=None)
hypothesis.settings.load_profile("techvote")


def pytest_collection_modifyitems(config, items):
    """Skip tests marked `postgres` when the suite runs on another database."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://...")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_ranked_list(db):
    """A list with `size` approved contenders and no votes: ranked in creation order."""

    def make(size: int, **list_fields):
        contender_list = ContenderListFactory(**list_fields)
        for _ in range(size):
            ContenderFactory(contender_list=contender_list, city=CityFactory())
        return contender_list

    return make


@pytest.fixture
def member(db):
    """A signed-up member with a verified email address."""
    return UserFactory()


@pytest.fixture
def moderator(db):
    """A member of the Moderators group with admin access, not a superuser."""
    from comments.moderation import make_moderator

    user = UserFactory(username="marta")
    make_moderator(user)
    return type(user).objects.get(pk=user.pk)  # Fresh permission cache.


@pytest.fixture
def moderators_group(transactional_db):
    """The Moderators group, as migrations 0003 and 0012 give it its permissions.

    Live-server tests run on a transactional database, emptied after each
    test, so rows written by data migrations are gone: run them again.
    """
    for name, function in [
        ("0003_moderators_group", "create_group"),
        ("0012_members_moderators_review_cities", "grant"),
    ]:
        migration = importlib.import_module(f"comments.migrations.{name}")
        state = MigrationExecutor(connection).loader.project_state(("comments", name), at_end=True)
        getattr(migration, function)(state.apps, None)


@pytest.fixture
def member_client(client, member):
    """The test client, logged in as `member`."""
    client.force_login(member)
    return client


@pytest.fixture
def assert_statements():
    """Like django_assert_num_queries, without the savepoints of the test's own transaction.

    A service's `transaction.atomic` runs as a savepoint inside the
    transaction pytest-django wraps each test in; in production it is the
    outermost transaction and sends no SAVEPOINT.
    """

    @contextmanager
    def check(expected: int):
        with CaptureQueriesContext(connection) as captured:
            yield captured
        statements = [
            query["sql"]
            for query in captured.captured_queries
            if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
        ]
        assert len(statements) == expected, "\n\n".join(statements)

    return check


@pytest.fixture(autouse=True)
def empty_cache(request):
    """Every test starts with an empty cache, so rate-limit counters never carry over.

    Without Redis the cache is a table of the test database, so it is
    emptied for the tests that use the database (no other test reads the
    cache), before the test: a test may close the connection on its way out.
    """
    from django.core.cache import cache

    database_fixtures = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
    if request.node.get_closest_marker("django_db") is None and not (
        database_fixtures & set(request.fixturenames)
    ):
        return
    with request.getfixturevalue("django_db_blocker").unblock():
        cache.clear()


@pytest.fixture
def relaxed_rate_limits(settings):
    """Limits no test reaches, for tests that act many times as one member."""
    generous = {"minute": 10_000, "day": 100_000}
    settings.RATE_LIMITS = {
        action: {"established": generous, "new": generous} for action in settings.RATE_LIMITS
    }


@pytest.fixture
def own_redis(settings, monkeypatch):
    """A redis-server of the test's own as the shared cache, which the test may stop and start."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    from comments import ratelimits
    from techvote import cache as resilient_cache

    server = OwnRedis()
    server.start()
    url = server.url
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
        server.thaw()  # A frozen server would not hear the terminate.
        server.stop()
    ratelimits._redis_down_since.clear()


@pytest.fixture
def unpickled_caches(settings):
    """The shared caches with a backend that returns the stored objects themselves."""
    backend = {"BACKEND": "techvote.cache.FrozenMemoryCache"}
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**backend, "LOCATION": "unpickled-pages"},
        "fragments": {**backend, "LOCATION": "unpickled-fragments"},
    }
    settings.ANONYMOUS_PAGE_SECONDS = 5
    yield
    caches["pages"].clear()
    caches["kept"].clear()
    caches["fragments"].clear()
