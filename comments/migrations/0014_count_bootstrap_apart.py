from django.db import migrations, models


def resampled_with_their_count(apps, schema_editor):
    """Until now the count resampled in the same job: its intervals are of its own rows."""
    ListCount = apps.get_model("comments", "ListCount")
    ListCount.objects.update(
        bootstrapped_at=models.F("counted_at"), bootstrap_digest=models.F("inputs_digest")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0013_members_profiles"),
    ]

    operations = [
        migrations.AddField(
            model_name="listcount",
            name="bootstrapped_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the rank intervals were resampled (None: never).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="listcount",
            name="bootstrap_digest",
            field=models.CharField(
                blank=True,
                default="",
                help_text="The inputs digest of the rows the rank intervals were resampled from.",
                max_length=64,
            ),
        ),
        migrations.RunPython(resampled_with_their_count, migrations.RunPython.noop),
    ]
