# An index on the claims' language: the admin's language filter lists the languages
# recorded on every page of the claim list, walking it one language to the next
# (`claims.models.claim_languages`) instead of reading every claim.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_claim_match_index_without_pending_list"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["language"], name="claim_language"),
        ),
    ]
