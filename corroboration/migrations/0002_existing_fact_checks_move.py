# Existing fact-checks move from sources to corroboration; the unread SimHash goes.

import django.db.models.deletion
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep the content type (and the permissions and log entries on it) as the model
    changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="sources", model="existingfactcheck").update(app_label="corroboration")


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="corroboration", model="existingfactcheck").update(app_label="sources")


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_submitted_with'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('sources', '0002_feeds_and_existing_fact_checks'),
        ('corroboration', '0001_coverage_and_jobs'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='syndication',
            name='fingerprint',
        ),
        # Fact-checks by others belong with coverage: state only, the table stays.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ExistingFactCheck',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('url', models.URLField(max_length=2048, verbose_name='fact-check URL')),
                    ('title', models.CharField(blank=True, max_length=1000)),
                    ('publisher_name', models.CharField(blank=True, max_length=300)),
                    ('publisher_site', models.CharField(blank=True, max_length=253)),
                    ('textual_rating', models.CharField(blank=True, help_text="The publisher's verdict in its own words (“Pants on Fire”).", max_length=500)),
                    ('review_date', models.DateTimeField(blank=True, help_text='Empty when the provider did not say.', null=True)),
                    ('claim_text', models.TextField(blank=True, help_text='The claim as the fact-checker worded it.')),
                    ('claimant', models.CharField(blank=True, max_length=500)),
                    ('claim_date', models.DateTimeField(blank=True, null=True)),
                    ('language', models.CharField(blank=True, max_length=16)),
                    ('query', models.CharField(blank=True, help_text='What we searched for.', max_length=500)),
                    ('provider', models.CharField(choices=[('manual', 'Entered by hand'), ('feed', 'RSS/Atom feed'), ('gdelt', 'GDELT DOC 2.0'), ('factcheck_tools', 'Google Fact Check Tools'), ('mediacloud', 'Media Cloud'), ('url', 'URL pasted by a reviewer'), ('demo', 'Demo fixture')], default='factcheck_tools', max_length=20)),
                    ('raw_payload', models.JSONField(blank=True, help_text='What the provider sent, kept for audit.', null=True)),
                    ('found_at', models.DateTimeField(auto_now_add=True)),
                    ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='existing_fact_checks', to='claims.claim')),
                ],
                options={
                    'db_table': 'sources_existingfactcheck',
                    'ordering': ['-review_date', '-found_at'],
                    'constraints': [models.UniqueConstraint(fields=('claim', 'url'), name='existing_fact_check_once_per_claim')],
                },
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
