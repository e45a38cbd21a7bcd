"""Each grouped article keeps its five-word shingle hashes with its group
(`Syndication.shingles`), so grouping a new copy compares it with the candidates'
stored shingles instead of reading and shingling their texts again.

The articles already grouped get theirs here, in batches of `BATCH` articles, each
batch in its own transaction: a migration stopped part-way carries on with the rows
still empty when run again. A row left empty is still read correctly (grouping falls
back to the article's text)."""

from django.db import migrations, models, transaction

from corroboration.fingerprint import pack_shingles
from corroboration.text import shingles

BATCH = 500


def fill_shingles(apps, schema_editor):
    Syndication = apps.get_model("corroboration", "Syndication")
    database = schema_editor.connection.alias
    after = 0
    while True:
        with transaction.atomic(using=database):
            batch = list(
                Syndication.objects.using(database)
                .filter(article_id__gt=after, shingles__isnull=True)
                .exclude(article__text="")
                .order_by("article_id")
                .values_list("article_id", "article__text")[:BATCH]
            )
            rows = []
            for pk, text in batch:
                own = shingles(text)
                if own:
                    rows.append(Syndication(article_id=pk, shingles=pack_shingles(own)))
            Syndication.objects.using(database).bulk_update(rows, ["shingles"])
        if len(batch) < BATCH:
            return
        after = batch[-1][0]


class Migration(migrations.Migration):
    atomic = False  # one transaction per batch (fill_shingles)

    dependencies = [
        ("corroboration", "0007_alias_table"),
    ]

    operations = [
        migrations.AddField(
            model_name="syndication",
            name="shingles",
            field=models.BinaryField(null=True),
        ),
        migrations.RunPython(fill_shingles, migrations.RunPython.noop, elidable=True),
    ]
