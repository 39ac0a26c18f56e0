import pytest
from django.db import connection

from comments.ranking import rerank_list
from tests.factories import CityFactory, ContenderFactory, ContenderListFactory


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
    """A list with `size` approved contenders, ranked 1..size in creation order."""

    def make(size: int, **list_fields):
        contender_list = ContenderListFactory(**list_fields)
        for _ in range(size):
            ContenderFactory(contender_list=contender_list, city=CityFactory())
        rerank_list(contender_list)
        return contender_list

    return make


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
