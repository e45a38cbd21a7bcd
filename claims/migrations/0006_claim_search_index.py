"""The claims index a new article is matched through: a stored tsvector of each claim's
statement (weight A) and quote (weight B), GIN-indexed. A generated column, so every
existing claim gets its vector when the column is added and every later write keeps
it current."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_submitted_with"),
        ("core", "0002_idempotency_keys"),
        ("sources", "0005_article_updated_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="match_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.CombinedSearchVector(
                    django.contrib.postgres.search.SearchVector("statement", config="english", weight="A"),
                    "||",
                    django.contrib.postgres.search.SearchVector("quote", config="english", weight="B"),
                    django.contrib.postgres.search.SearchConfig("english"),
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(fields=["match_vector"], name="claim_match_gin"),
        ),
    ]
