# Articles learn when they last changed. Existing articles count as unchanged since they
# were first seen, so no published ClaimReview looks modified by the upgrade itself.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sources', '0004_article_without_address'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='updated_at',
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now),
            preserve_default=False,
        ),
        migrations.RunSQL(
            "UPDATE sources_article SET updated_at = seen_at",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
