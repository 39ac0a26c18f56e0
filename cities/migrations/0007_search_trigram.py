"""Near misses in site search ("tokio": Tokyo): pg_trgm and a trigram index
on city names, on PostgreSQL only.

The extension operation does nothing on other databases, which fall back to
difflib (cities/search.py, near_misses); the index is added by hand for the
same reason as 0002_search_indexes: SQLite has no GIN.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="city_name_trgm_idx")


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("cities", "city"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("cities", "city"), INDEX)


class Migration(migrations.Migration):
    dependencies = [("cities", "0006_official_methods")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index),
    ]
