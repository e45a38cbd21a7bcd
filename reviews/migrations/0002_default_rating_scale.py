from django.db import migrations

from reviews.defaults import create_default_scale


def create(apps, schema_editor):
    create_default_scale(apps.get_model("reviews", "RatingScale"), apps.get_model("reviews", "Rating"))


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
