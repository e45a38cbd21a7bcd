# Indexes for the two orders the API pages through: the claim list's default (most
# recently updated first, ties by id) and the ClaimReview feed's (published claims,
# most recently published first). A page is then read from an index, not sorted out
# of every claim.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_claim_search_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(fields=["-updated_at", "-id"], name="claim_list_order"),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["-published_at", "-id"],
                name="claim_published_order",
            ),
        ),
    ]
