"""Full-text search indexes, on PostgreSQL only (other databases have no GIN).

The expressions must stay identical to CITY_SEARCH_VECTOR and
LIST_SEARCH_VECTOR in cities/models.py, or PostgreSQL will not use them;
tests/cities/test_search.py checks that it does.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEXES = {
    "city": GinIndex(
        SearchVector("name", "also_known_as", weight="A", config="english")
        + SearchVector("country", weight="B", config="english")
        + SearchVector("summary", weight="C", config="english"),
        name="city_search_idx",
    ),
    "contenderlist": GinIndex(
        SearchVector("title", weight="A", config="english")
        + SearchVector("question", "description", weight="B", config="english"),
        name="contenderlist_search_idx",
    ),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.add_index(apps.get_model("cities", model_name), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in INDEXES.items():
        schema_editor.remove_index(apps.get_model("cities", model_name), index)


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
