"""Moderators review cities suggested by name, and fill in the profile of the cities
they approve: the queue's view permission, and changing cities with their facts and
organizations (never deleting them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
PERMISSIONS = {
    "cities": [
        "view_citysuggestion",
        "change_city",
        "view_sector",
        "view_source",
        "view_fact",
        "add_fact",
        "change_fact",
        "view_organization",
        "add_organization",
        "change_organization",
    ],
}


def _wanted(apps):
    # As in 0003: permissions are normally created after all migrations run.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codenames in PERMISSIONS.items()
        for codename in codenames
    ]


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.add(*_wanted(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=MODERATORS).first()
    if group is not None:
        group.permissions.remove(*_wanted(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("cities", "0008_members_city_suggestions"),
        ("comments", "0011_rank_history"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
