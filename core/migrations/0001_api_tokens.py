# API tokens move from the integrations app to core, tables and history unchanged.

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep the content type (and with it the permissions granted on it and the admin's
    log entries) when the model changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ('apitoken', 'apitokenevent'):
        ContentType.objects.filter(app_label='integrations', model=model).update(app_label='core')


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ('apitoken', 'apitokenevent'):
        ContentType.objects.filter(app_label='core', model=model).update(app_label='integrations')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('integrations', '0001_tokens_and_webhooks'),
        ('pghistory', '0007_auto_20250421_0444'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ApiToken',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(help_text='What uses it: “CMS”, “chat bot”…', max_length=100)),
                    ('scope', models.CharField(choices=[('read', 'Read'), ('submit', 'Submit claims'), ('write', "Write (as the user's role allows)")], max_length=10)),
                    ('prefix', models.CharField(db_index=True, editable=False, max_length=12)),
                    ('digest', models.CharField(editable=False, max_length=64, unique=True)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('expires_at', models.DateTimeField(blank=True, help_text='Empty: does not expire.', null=True)),
                    ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('last_used_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('created_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('revoked_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'API token',
                    'db_table': 'integrations_apitoken',
                    'ordering': ['-created_at'],
                },
            ),
            migrations.CreateModel(
                name='ApiTokenEvent',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('name', models.CharField(help_text='What uses it: “CMS”, “chat bot”…', max_length=100)),
                    ('scope', models.CharField(choices=[('read', 'Read'), ('submit', 'Submit claims'), ('write', "Write (as the user's role allows)")], max_length=10)),
                    ('prefix', models.CharField(editable=False, max_length=12)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                    ('expires_at', models.DateTimeField(blank=True, help_text='Empty: does not expire.', null=True)),
                    ('revoked_at', models.DateTimeField(blank=True, editable=False, null=True)),
                    ('created_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                    ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='core.apitoken')),
                    ('revoked_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                    ('user', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'db_table': 'integrations_apitokenevent',
                    'abstract': False,
                },
            ),
            migrations.AddConstraint(
                model_name='apitoken',
                constraint=models.CheckConstraint(condition=models.Q(('scope__in', ['read', 'submit', 'write'])), name='token_scope_valid'),
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        # The history triggers are installed again under this app's names
        # (integrations/migrations/0002 drops the old ones).
        pgtrigger.migrations.AddTrigger(
            model_name='apitoken',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "integrations_apitokenevent" ("created_at", "created_by_id", "expires_at", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "prefix", "revoked_at", "revoked_by_id", "scope", "user_id") VALUES (NEW."created_at", NEW."created_by_id", NEW."expires_at", NEW."id", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."prefix", NEW."revoked_at", NEW."revoked_by_id", NEW."scope", NEW."user_id"); RETURN NULL;', hash='5d849c9050e3328401bc523ec356ed5347f210f3', operation='INSERT', pgid='pgtrigger_insert_insert_8f3ec', table='integrations_apitoken', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='apitoken',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."expires_at" IS DISTINCT FROM (NEW."expires_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."name" IS DISTINCT FROM (NEW."name") OR OLD."prefix" IS DISTINCT FROM (NEW."prefix") OR OLD."revoked_at" IS DISTINCT FROM (NEW."revoked_at") OR OLD."revoked_by_id" IS DISTINCT FROM (NEW."revoked_by_id") OR OLD."scope" IS DISTINCT FROM (NEW."scope") OR OLD."user_id" IS DISTINCT FROM (NEW."user_id"))', func='INSERT INTO "integrations_apitokenevent" ("created_at", "created_by_id", "expires_at", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "prefix", "revoked_at", "revoked_by_id", "scope", "user_id") VALUES (NEW."created_at", NEW."created_by_id", NEW."expires_at", NEW."id", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."prefix", NEW."revoked_at", NEW."revoked_by_id", NEW."scope", NEW."user_id"); RETURN NULL;', hash='91528093c56ed88bc2951e8b3022b05cbd235dcb', operation='UPDATE', pgid='pgtrigger_update_update_90670', table='integrations_apitoken', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='apitoken',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "integrations_apitokenevent" ("created_at", "created_by_id", "expires_at", "id", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "prefix", "revoked_at", "revoked_by_id", "scope", "user_id") VALUES (OLD."created_at", OLD."created_by_id", OLD."expires_at", OLD."id", OLD."name", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."prefix", OLD."revoked_at", OLD."revoked_by_id", OLD."scope", OLD."user_id"); RETURN NULL;', hash='a389139d8560133466d2d761a1971df965f2c7a2', operation='DELETE', pgid='pgtrigger_delete_delete_f3049', table='integrations_apitoken', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='apitokenevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='2b72fd96d10306a3ae3bdf4a616a0ebf09828a0b', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_5bb8f', table='integrations_apitokenevent', when='BEFORE')),
        ),
    ]
