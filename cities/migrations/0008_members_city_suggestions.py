"""Cities suggested by name and country, with a reason, for the moderators' queue."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0007_search_trigram'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CitySuggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100)),
                ('country', models.CharField(max_length=100)),
                ('key', models.CharField(help_text='Name and country as compared.', max_length=201)),
                ('reason', models.CharField(max_length=500)),
                ('status', models.CharField(choices=[('approved', 'Approved'), ('pending', 'Pending review'), ('rejected', 'Rejected')], default='pending', max_length=10)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decision_reason', models.CharField(blank=True, max_length=500)),
                ('city', models.ForeignKey(blank=True, help_text='The city on TechVote: found when suggested, or made on approval.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='cities.city')),
                ('contender', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='suggestion', to='cities.contender')),
                ('contender_list', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='city_suggestions', to='cities.contenderlist')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('suggested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='city_suggestions', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['created_at', 'pk'],
                'indexes': [models.Index(fields=['status', 'created_at'], name='citysuggestion_queue_idx'), models.Index(fields=['suggested_by', '-created_at'], name='citysuggestion_member_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('contender_list', 'key'), name='citysuggestion_one_pending'), models.CheckConstraint(condition=models.Q(('status__in', ['approved', 'pending', 'rejected'])), name='citysuggestion_status_valid'), models.CheckConstraint(condition=models.Q(models.Q(('name', ''), _negated=True), models.Q(('country', ''), _negated=True), models.Q(('reason', ''), _negated=True)), name='citysuggestion_required_text'), models.CheckConstraint(condition=models.Q(models.Q(('contender__isnull', True), ('decided_at__isnull', True), ('status', 'pending')), models.Q(('contender__isnull', False), ('decided_at__isnull', False), ('status', 'approved')), models.Q(('contender__isnull', True), ('decided_at__isnull', False), ('status', 'rejected'), models.Q(('decision_reason', ''), _negated=True)), _connector='OR'), name='citysuggestion_decided_whole')],
            },
        ),
    ]
