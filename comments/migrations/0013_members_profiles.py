"""Members' profiles. Accounts made before them keep their votes public, as their
pages always showed them; new accounts start private."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def keep_existing_votes_public(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    MemberProfile = apps.get_model("comments", "MemberProfile")
    MemberProfile.objects.bulk_create(
        [MemberProfile(user_id=pk, votes_public=True) for pk in User.objects.values_list("pk", flat=True)],
        batch_size=1000,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0008_members_city_suggestions'),
        ('comments', '0012_members_moderators_review_cities'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='MemberProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('display_name', models.CharField(blank=True, max_length=50)),
                ('bio', models.CharField(blank=True, max_length=300)),
                ('votes_public', models.BooleanField(default=False, help_text="Whether the member's page lists their votes.")),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('home_city', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cities.city')),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL)),
            ],
        ),
        migrations.RunPython(keep_existing_votes_public, migrations.RunPython.noop),
    ]
