# API tokens leave for core (claims point at the token that recorded them), and a
# webhook delivery names its claim and the event's place in that claim's order instead
# of pointing at the transition (integrations sit below the workflow).

import django.db.models.deletion
import pgtrigger.migrations
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_submitted_with'),
        ('core', '0001_api_tokens'),
        ('integrations', '0001_tokens_and_webhooks'),
        ('reviews', '0004_rating_scale_moves_sequence_status_trigger'),
    ]

    operations = [
        # The old history triggers of the token table; core/0001 installed them anew.
        pgtrigger.migrations.RemoveTrigger(model_name='apitoken', name='insert_insert'),
        pgtrigger.migrations.RemoveTrigger(model_name='apitoken', name='update_update'),
        pgtrigger.migrations.RemoveTrigger(model_name='apitoken', name='delete_delete'),
        pgtrigger.migrations.RemoveTrigger(model_name='apitokenevent', name='append_only'),
        # claims/0005 copied this list into Claim.submitted_with.
        migrations.RemoveField(model_name='apitoken', name='claims'),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ApiTokenEvent'),
                migrations.DeleteModel(name='ApiToken'),
            ],
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='claim',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='webhook_deliveries', to='claims.claim', help_text='The claim it concerns.'),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='sequence',
            field=models.PositiveIntegerField(null=True, help_text="The event's place in its claim's order of events."),
        ),
        migrations.RunSQL(
            """
            UPDATE integrations_webhookdelivery AS d SET claim_id = t.claim_id, sequence = t.sequence
            FROM reviews_transition AS t WHERE t.id = d.transition_id
            """,
            migrations.RunSQL.noop,
        ),
        migrations.RemoveConstraint(model_name='webhookdelivery', name='delivery_once_per_endpoint_and_event'),
        migrations.RemoveField(model_name='webhookdelivery', name='transition'),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='claim',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='webhook_deliveries', to='claims.claim', help_text='The claim it concerns.'),
        ),
        migrations.AlterField(
            model_name='webhookdelivery',
            name='sequence',
            field=models.PositiveIntegerField(help_text="The event's place in its claim's order of events."),
        ),
        migrations.AddConstraint(
            model_name='webhookdelivery',
            constraint=models.UniqueConstraint(fields=('endpoint', 'event', 'claim', 'sequence'), name='delivery_once_per_endpoint_and_event'),
        ),
    ]
