"""Syndication candidates through an indexed fingerprint, and matching that resumes.

`ArticleBand` holds the locality-sensitive bands of each article's MinHash signature
(indexed by band), filled here for every stored article with text so that copies
already stored are found from the first new article on. `ArticleMatching` records how
far matching an article to the open claims has got; existing articles start without
one, so the beat task matches them again (articles grouped by a coverage search were
never matched to the other claims before)."""

import django.db.models.deletion
from django.db import migrations, models

from corroboration.fingerprint import band_ids, signature

BATCH = 500


def fill_bands(apps, schema_editor):
    Article = apps.get_model("sources", "Article")
    ArticleBand = apps.get_model("corroboration", "ArticleBand")
    rows = []
    for pk, text in Article.objects.exclude(text="").values_list("pk", "text").iterator(chunk_size=BATCH):
        rows.extend(ArticleBand(article_id=pk, band=band) for band in set(band_ids(signature(text))))
        if len(rows) >= BATCH * 64:
            ArticleBand.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    ArticleBand.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("corroboration", "0004_prior_checks"),
        ("sources", "0005_article_updated_at"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleMatching",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="matching",
                        serialize=False,
                        to="sources.article",
                    ),
                ),
                ("claims_through", models.BigIntegerField(default=0, help_text="Claims up to this id are matched.")),
                (
                    "finished_at",
                    models.DateTimeField(
                        blank=True, help_text="When matching to every open claim finished.", null=True
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True)),
            ],
            options={
                "indexes": [models.Index(fields=["finished_at"], name="article_matching_finished")],
            },
        ),
        migrations.CreateModel(
            name="ArticleBand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("band", models.BigIntegerField()),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="bands", to="sources.article"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["band"], name="article_band_lookup")],
                "constraints": [models.UniqueConstraint(fields=("article", "band"), name="article_band_once")],
            },
        ),
        migrations.RunPython(fill_bands, migrations.RunPython.noop, elidable=True),
    ]
