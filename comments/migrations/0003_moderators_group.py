"""The Moderators group, with exactly the permissions moderation needs.

Moderators see cities, lists, contenders, comments, reports, votes, members
and the log, and act through admin actions guarded by the custom
permissions below. They cannot add, change or delete any row directly, and
they are not superusers. `manage.py make_moderator <username>` adds a member.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODERATORS = "Moderators"
PERMISSIONS = {
    "cities": [
        "view_city",
        "view_contenderlist",
        "view_contender",
        "view_contendersuggestion",
        "review_contender",
    ],
    "comments": [
        "view_comment",
        "view_reportedcomment",
        "hide_comment",
        "view_report",
        "resolve_report",
        "view_vote",
        "void_vote",
        "view_member",
        "view_suspension",
        "suspend_user",
        "view_moderationlogentry",
    ],
}


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations run; this group
    # needs them now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MODERATORS)
    wanted = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codenames in PERMISSIONS.items()
        for codename in codenames
    ]
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MODERATORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("cities", "0004_comment_count_and_suggestions"),
        ("comments", "0002_comments_and_moderation"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
