# A claim points at the API token that recorded it (it was a list on the token).

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0001_tokens_and_webhooks'),
        ('claims', '0004_rating_scale'),
        ('core', '0001_api_tokens'),
        ('pghistory', '0007_auto_20250421_0444'),
    ]

    operations = [
        migrations.AddField(
            model_name='claim',
            name='submitted_with',
            field=models.ForeignKey(blank=True, editable=False, help_text='The API token that recorded it, if any (a submit token may read the claims it recorded).', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='claims', to='core.apitoken'),
        ),
        migrations.AddField(
            model_name='claimevent',
            name='submitted_with',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The API token that recorded it, if any (a submit token may read the claims it recorded).', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='core.apitoken'),
        ),
        # Before the history triggers are back: a data move, not a change anyone made.
        migrations.RunSQL(
            """
            UPDATE claims_claim AS claim SET submitted_with_id = link.apitoken_id
            FROM integrations_apitoken_claims AS link WHERE link.claim_id = claim.id
            """,
            migrations.RunSQL.noop,
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='claim',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "claims_claimevent" ("assignee_id", "context", "created_at", "created_by_id", "first_appearance_id", "first_published_at", "id", "language", "made_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "published_at", "quote", "rating_id", "recheck_on", "statement", "status", "submitted_with_id", "tags", "updated_at", "updated_by_id", "version") VALUES (NEW."assignee_id", NEW."context", NEW."created_at", NEW."created_by_id", NEW."first_appearance_id", NEW."first_published_at", NEW."id", NEW."language", NEW."made_on", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."priority", NEW."published_at", NEW."quote", NEW."rating_id", NEW."recheck_on", NEW."statement", NEW."status", NEW."submitted_with_id", NEW."tags", NEW."updated_at", NEW."updated_by_id", NEW."version"); RETURN NULL;', hash='82c6b41cf5279083d8d8dd3f0476f6d828e9e651', operation='INSERT', pgid='pgtrigger_insert_insert_df8fa', table='claims_claim', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='claim',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."assignee_id" IS DISTINCT FROM (NEW."assignee_id") OR OLD."context" IS DISTINCT FROM (NEW."context") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at") OR OLD."created_by_id" IS DISTINCT FROM (NEW."created_by_id") OR OLD."first_appearance_id" IS DISTINCT FROM (NEW."first_appearance_id") OR OLD."first_published_at" IS DISTINCT FROM (NEW."first_published_at") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."language" IS DISTINCT FROM (NEW."language") OR OLD."made_on" IS DISTINCT FROM (NEW."made_on") OR OLD."priority" IS DISTINCT FROM (NEW."priority") OR OLD."published_at" IS DISTINCT FROM (NEW."published_at") OR OLD."quote" IS DISTINCT FROM (NEW."quote") OR OLD."rating_id" IS DISTINCT FROM (NEW."rating_id") OR OLD."recheck_on" IS DISTINCT FROM (NEW."recheck_on") OR OLD."statement" IS DISTINCT FROM (NEW."statement") OR OLD."status" IS DISTINCT FROM (NEW."status") OR OLD."submitted_with_id" IS DISTINCT FROM (NEW."submitted_with_id") OR OLD."tags" IS DISTINCT FROM (NEW."tags") OR OLD."updated_at" IS DISTINCT FROM (NEW."updated_at") OR OLD."updated_by_id" IS DISTINCT FROM (NEW."updated_by_id") OR OLD."version" IS DISTINCT FROM (NEW."version"))', func='INSERT INTO "claims_claimevent" ("assignee_id", "context", "created_at", "created_by_id", "first_appearance_id", "first_published_at", "id", "language", "made_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "published_at", "quote", "rating_id", "recheck_on", "statement", "status", "submitted_with_id", "tags", "updated_at", "updated_by_id", "version") VALUES (NEW."assignee_id", NEW."context", NEW."created_at", NEW."created_by_id", NEW."first_appearance_id", NEW."first_published_at", NEW."id", NEW."language", NEW."made_on", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."priority", NEW."published_at", NEW."quote", NEW."rating_id", NEW."recheck_on", NEW."statement", NEW."status", NEW."submitted_with_id", NEW."tags", NEW."updated_at", NEW."updated_by_id", NEW."version"); RETURN NULL;', hash='cb3148172a9dd4bf266e20d72f42f896eeeef2c6', operation='UPDATE', pgid='pgtrigger_update_update_fe4ba', table='claims_claim', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='claim',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "claims_claimevent" ("assignee_id", "context", "created_at", "created_by_id", "first_appearance_id", "first_published_at", "id", "language", "made_on", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "priority", "published_at", "quote", "rating_id", "recheck_on", "statement", "status", "submitted_with_id", "tags", "updated_at", "updated_by_id", "version") VALUES (OLD."assignee_id", OLD."context", OLD."created_at", OLD."created_by_id", OLD."first_appearance_id", OLD."first_published_at", OLD."id", OLD."language", OLD."made_on", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."priority", OLD."published_at", OLD."quote", OLD."rating_id", OLD."recheck_on", OLD."statement", OLD."status", OLD."submitted_with_id", OLD."tags", OLD."updated_at", OLD."updated_by_id", OLD."version"); RETURN NULL;', hash='7a4d67d125e698b60c121b9fdf6922519041bb1f', operation='DELETE', pgid='pgtrigger_delete_delete_dbf31', table='claims_claim', when='AFTER')),
        ),
        migrations.AlterField(
            model_name='claim',
            name='rating',
            field=models.ForeignKey(blank=True, editable=False, help_text='The published verdict.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='claims.rating'),
        ),
        migrations.AlterField(
            model_name='claimevent',
            name='rating',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The published verdict.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='claims.rating'),
        ),
    ]
