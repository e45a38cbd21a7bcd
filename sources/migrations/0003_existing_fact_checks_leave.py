# Existing fact-checks now belong to corroboration (same table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('corroboration', '0002_existing_fact_checks_move'),
        ('sources', '0002_feeds_and_existing_fact_checks'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name='ExistingFactCheck')]),
    ]
