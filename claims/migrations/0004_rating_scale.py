# The rating scale moves from the reviews app to claims (Claim.rating points down).

import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep the content type (and with it the permissions granted on it and the admin's
    log entries) when the model changes app."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ('rating', 'ratingevent', 'ratingscale', 'ratingscaleevent'):
        ContentType.objects.filter(app_label='reviews', model=model).update(app_label='claims')


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ('rating', 'ratingevent', 'ratingscale', 'ratingscaleevent'):
        ContentType.objects.filter(app_label='claims', model=model).update(app_label='reviews')


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0003_workflow_status_rules'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('reviews', '0003_workflow'),
    ]

    operations = [
        # The rating scale moves from reviews to claims: state only, the tables stay.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='Rating',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('value', models.SlugField(help_text='Machine value used by the API: mostly_true.')),
                    ('label', models.CharField(help_text='What readers see: Mostly true.', max_length=100)),
                    ('alternate_name', models.CharField(help_text='ClaimReview alternateName.', max_length=100)),
                    ('rating_value', models.SmallIntegerField(blank=True, help_text='ClaimReview ratingValue; empty for a verdict with no place on the scale.', null=True)),
                    ('needs_recheck', models.BooleanField(default=False, help_text='A verdict that must carry a re-check date (Unproven).')),
                    ('description', models.TextField(blank=True)),
                    ('position', models.PositiveSmallIntegerField(default=0)),
                ],
                options={
                    'db_table': 'reviews_rating',
                    'ordering': ['scale', 'position'],
                },
            ),
            migrations.CreateModel(
                name='RatingEvent',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('value', models.SlugField(db_index=False, help_text='Machine value used by the API: mostly_true.')),
                    ('label', models.CharField(help_text='What readers see: Mostly true.', max_length=100)),
                    ('alternate_name', models.CharField(help_text='ClaimReview alternateName.', max_length=100)),
                    ('rating_value', models.SmallIntegerField(blank=True, help_text='ClaimReview ratingValue; empty for a verdict with no place on the scale.', null=True)),
                    ('needs_recheck', models.BooleanField(default=False, help_text='A verdict that must carry a re-check date (Unproven).')),
                    ('description', models.TextField(blank=True)),
                    ('position', models.PositiveSmallIntegerField(default=0)),
                ],
                options={
                    'db_table': 'reviews_ratingevent',
                    'abstract': False,
                },
            ),
            migrations.CreateModel(
                name='RatingScale',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, unique=True)),
                    ('best_rating', models.SmallIntegerField(help_text='ClaimReview bestRating.')),
                    ('worst_rating', models.SmallIntegerField(help_text='ClaimReview worstRating.')),
                    ('is_default', models.BooleanField(default=False)),
                ],
                options={
                    'db_table': 'reviews_ratingscale',
                },
            ),
            migrations.CreateModel(
                name='RatingScaleEvent',
                fields=[
                    ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                    ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                    ('pgh_label', models.TextField(help_text='The event label.')),
                    ('id', models.BigIntegerField()),
                    ('name', models.CharField(max_length=100)),
                    ('best_rating', models.SmallIntegerField(help_text='ClaimReview bestRating.')),
                    ('worst_rating', models.SmallIntegerField(help_text='ClaimReview worstRating.')),
                    ('is_default', models.BooleanField(default=False)),
                ],
                options={
                    'db_table': 'reviews_ratingscaleevent',
                    'abstract': False,
                },
            ),
            migrations.AddField(
                model_name='ratingevent',
                name='pgh_context',
                field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
            ),
            migrations.AddField(
                model_name='ratingevent',
                name='pgh_obj',
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='claims.rating'),
            ),
            migrations.AddConstraint(
                model_name='ratingscale',
                constraint=models.CheckConstraint(condition=models.Q(('best_rating__gt', models.F('worst_rating'))), name='scale_best_above_worst'),
            ),
            migrations.AddConstraint(
                model_name='ratingscale',
                constraint=models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='scale_one_default'),
            ),
            migrations.AddField(
                model_name='ratingevent',
                name='scale',
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='claims.ratingscale'),
            ),
            migrations.AddField(
                model_name='rating',
                name='scale',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='claims.ratingscale'),
            ),
            migrations.AddField(
                model_name='ratingscaleevent',
                name='pgh_context',
                field=models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context'),
            ),
            migrations.AddField(
                model_name='ratingscaleevent',
                name='pgh_obj',
                field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='claims.ratingscale'),
            ),
            migrations.AddConstraint(
                model_name='rating',
                constraint=models.UniqueConstraint(fields=('scale', 'value'), name='rating_value_unique_per_scale'),
            ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        # Its history triggers, under this app's names (reviews/0004 drops the old ones).
        pgtrigger.migrations.AddTrigger(
            model_name='ratingscale',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reviews_ratingscaleevent" ("best_rating", "id", "is_default", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "worst_rating") VALUES (NEW."best_rating", NEW."id", NEW."is_default", NEW."name", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."worst_rating"); RETURN NULL;', hash='c6cce92a4ce7c8bca283e41659802028752eb73d', operation='INSERT', pgid='pgtrigger_insert_insert_cee2b', table='reviews_ratingscale', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratingscale',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "reviews_ratingscaleevent" ("best_rating", "id", "is_default", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "worst_rating") VALUES (NEW."best_rating", NEW."id", NEW."is_default", NEW."name", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."worst_rating"); RETURN NULL;', hash='c33dba1011315fbcf10a4dedcbb77d856581f10b', operation='UPDATE', pgid='pgtrigger_update_update_0bfc9', table='reviews_ratingscale', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratingscale',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reviews_ratingscaleevent" ("best_rating", "id", "is_default", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "worst_rating") VALUES (OLD."best_rating", OLD."id", OLD."is_default", OLD."name", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."worst_rating"); RETURN NULL;', hash='8e4edac46d9cf1249099fa61e9f7b6602e293325', operation='DELETE', pgid='pgtrigger_delete_delete_fef73', table='reviews_ratingscale', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratingevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='d100892ce4738c742af6c05402d693e03cbf9025', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_88473', table='reviews_ratingevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rating',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reviews_ratingevent" ("alternate_name", "description", "id", "label", "needs_recheck", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rating_value", "scale_id", "value") VALUES (NEW."alternate_name", NEW."description", NEW."id", NEW."label", NEW."needs_recheck", _pgh_attach_context(), NOW(), \'insert\', NEW."id", NEW."position", NEW."rating_value", NEW."scale_id", NEW."value"); RETURN NULL;', hash='676a2dc66b281681e46d4454e7b725cb0f3bccd5', operation='INSERT', pgid='pgtrigger_insert_insert_49e43', table='reviews_rating', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rating',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD.* IS DISTINCT FROM NEW.*)', func='INSERT INTO "reviews_ratingevent" ("alternate_name", "description", "id", "label", "needs_recheck", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rating_value", "scale_id", "value") VALUES (NEW."alternate_name", NEW."description", NEW."id", NEW."label", NEW."needs_recheck", _pgh_attach_context(), NOW(), \'update\', NEW."id", NEW."position", NEW."rating_value", NEW."scale_id", NEW."value"); RETURN NULL;', hash='41cb0e5a5909cb5243f38053a8b9fd50e7a2d6e6', operation='UPDATE', pgid='pgtrigger_update_update_40dc3', table='reviews_rating', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='rating',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='INSERT INTO "reviews_ratingevent" ("alternate_name", "description", "id", "label", "needs_recheck", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rating_value", "scale_id", "value") VALUES (OLD."alternate_name", OLD."description", OLD."id", OLD."label", OLD."needs_recheck", _pgh_attach_context(), NOW(), \'delete\', OLD."id", OLD."position", OLD."rating_value", OLD."scale_id", OLD."value"); RETURN NULL;', hash='7972d729cec90e5ef661a2cfe99ffab48a76010d', operation='DELETE', pgid='pgtrigger_delete_delete_eea28', table='reviews_rating', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='ratingscaleevent',
            trigger=pgtrigger.compiler.Trigger(name='append_only', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;", hash='5091b41a972dd37909fca91549715eb9193020d2', operation='UPDATE OR DELETE', pgid='pgtrigger_append_only_f0d3d', table='reviews_ratingscaleevent', when='BEFORE')),
        ),
        # The workflow's status trigger is now installed by reviews (0004); the history
        # triggers are rebuilt in 0005 with the new column.
        pgtrigger.migrations.RemoveTrigger(
            model_name='claim',
            name='status_follows_workflow',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='claim',
            name='insert_insert',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='claim',
            name='update_update',
        ),
        pgtrigger.migrations.RemoveTrigger(
            model_name='claim',
            name='delete_delete',
        ),
    ]
