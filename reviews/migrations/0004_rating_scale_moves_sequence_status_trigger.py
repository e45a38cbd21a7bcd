# The rating scale leaves for the claims app; transitions are numbered per claim; and
# the workflow installs the trigger that keeps a claim's status on its edges.

import django.db.models.deletion
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models

# reviews.workflow.STATUS_EDGES when this was written; a later change of the table needs
# a migration that replaces the function (tests/reviews/test_transition_log.py checks
# that the database and the table agree).
STATUS_TRIGGER = """
CREATE OR REPLACE FUNCTION claim_status_follows_workflow() RETURNS trigger AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status
       AND (OLD.status, NEW.status) NOT IN (('in_review', 'published'), ('in_review', 'researching'), ('published', 'researching'), ('rejected', 'submitted'), ('researching', 'in_review'), ('submitted', 'rejected'), ('submitted', 'researching')) THEN
        RAISE EXCEPTION 'claim %: % to % is not a transition of the workflow',
            NEW.id, OLD.status, NEW.status USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER claim_status_follows_workflow BEFORE UPDATE OF status ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claim_status_follows_workflow();
"""
DROP_STATUS_TRIGGER = """
DROP TRIGGER IF EXISTS claim_status_follows_workflow ON claims_claim;
DROP FUNCTION IF EXISTS claim_status_follows_workflow();
"""


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_submitted_with'),
        ('reviews', '0003_workflow'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # A review's verdict is on the claims app's scale now (same table, same constraint).
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='reviewevent',
                name='rating',
                field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='claims.rating'),
            ),
            migrations.AlterField(
                model_name='review',
                name='rating',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviews', to='claims.rating'),
            ),
            ],
        ),
        # The old history triggers of the rating scale; claims/0004 installed them anew.
        pgtrigger.migrations.RemoveTrigger(model_name='rating', name='insert_insert'),
        pgtrigger.migrations.RemoveTrigger(model_name='rating', name='update_update'),
        pgtrigger.migrations.RemoveTrigger(model_name='rating', name='delete_delete'),
        pgtrigger.migrations.RemoveTrigger(model_name='ratingscale', name='insert_insert'),
        pgtrigger.migrations.RemoveTrigger(model_name='ratingscale', name='update_update'),
        pgtrigger.migrations.RemoveTrigger(model_name='ratingscale', name='delete_delete'),
        pgtrigger.migrations.RemoveTrigger(model_name='ratingevent', name='append_only'),
        pgtrigger.migrations.RemoveTrigger(model_name='ratingscaleevent', name='append_only'),
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.RemoveField(
                model_name='rating',
                name='scale',
            ),
            migrations.RemoveField(
                model_name='ratingevent',
                name='pgh_obj',
            ),
            migrations.RemoveField(
                model_name='ratingevent',
                name='pgh_context',
            ),
            migrations.RemoveField(
                model_name='ratingevent',
                name='scale',
            ),
            migrations.RemoveField(
                model_name='ratingscaleevent',
                name='pgh_obj',
            ),
            migrations.RemoveField(
                model_name='ratingscaleevent',
                name='pgh_context',
            ),
            migrations.DeleteModel(
                name='Rating',
            ),
            migrations.DeleteModel(
                name='RatingEvent',
            ),
            migrations.DeleteModel(
                name='RatingScale',
            ),
            migrations.DeleteModel(
                name='RatingScaleEvent',
            ),
            ],
        ),
        # Transitions numbered 1, 2, 3… per claim, in the order they were taken.
        migrations.AddField(
            model_name='transition',
            name='sequence',
            field=models.PositiveIntegerField(help_text="The claim's transitions numbered 1, 2, 3… in the order they were taken (webhooks carry it).", null=True),
        ),
        # The log is append-only for the application; numbering the rows it already holds is
        # a change of its schema, made here with its guard lifted for this one statement.
        migrations.RunSQL(
            """
            ALTER TABLE reviews_transition DISABLE TRIGGER USER;
            UPDATE reviews_transition AS t SET sequence = numbered.n
            FROM (
                SELECT id, row_number() OVER (PARTITION BY claim_id ORDER BY created_at, id) AS n
                FROM reviews_transition
            ) AS numbered
            WHERE numbered.id = t.id;
            ALTER TABLE reviews_transition ENABLE TRIGGER USER;
            """,
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='transition',
            name='sequence',
            field=models.PositiveIntegerField(help_text="The claim's transitions numbered 1, 2, 3… in the order they were taken (webhooks carry it)."),
        ),
        migrations.AddConstraint(
            model_name='transition',
            constraint=models.UniqueConstraint(fields=('claim', 'sequence'), name='transition_sequence_unique_per_claim'),
        ),
        migrations.RunSQL(STATUS_TRIGGER, DROP_STATUS_TRIGGER),
    ]
