"""Alias rows get a kind: the rows already there are entities (other names for a
party), and a seed table of wordings (equivalent ways of saying what happened: "quit"
for "step down") is written, which matching folds into one term that is never a party."""

from django.db import migrations, models

# The starting wordings (corroboration.aliases.SEED_WORDINGS as they stood when the kind
# was added), written out so that this migration never changes when the module does.
SEED = {
    "step down": ["stand down", "stood down", "step aside", "resign", "quit", "leave office", "left office"],
    "buy": ["bought", "acquire", "acquisition", "purchase", "take over", "took over", "taken over", "takeover"],
    "sell": ["sold", "divest", "offload"],
    "ban": ["prohibit", "outlaw", "forbid", "forbade", "forbidden"],
    "strike down": ["struck down", "overturn", "annul", "quash", "invalidate", "nullify"],
    "arrest": ["detain", "detention", "apprehend", "take into custody", "took into custody", "taken into custody"],
    "raise": ["increase", "hike"],
    "cut": ["reduce", "reduction", "slash"],
    "dismiss": ["sack"],
    "kill": ["slay", "slain"],
    "attack": ["assault"],
    "approve": ["adopt", "ratify"],
    "reject": ["rebuff", "rebuffed", "vote down", "turn down"],
    "sue": ["sued", "suing", "lawsuit"],
    "convict": ["found guilty", "find guilty"],
    "release": ["freed", "set free"],
    "close": ["shut"],
    "withdraw": ["withdrew", "withdrawn", "pull out"],
    "repeal": ["abolish", "scrap", "rescind", "revoke"],
    "postpone": ["delay", "defer"],
    "cancel": ["call off"],
    "win": ["won", "victory"],
    "lose": ["lost"],
}


def seed(apps, schema_editor):
    Alias = apps.get_model("corroboration", "Alias")
    Alias.objects.bulk_create(
        [
            Alias(kind="wording", name=name, alias=alias, notes="Seed table.")
            for name, forms in SEED.items()
            for alias in forms
        ],
        ignore_conflicts=True,
    )


def unseed(apps, schema_editor):
    Alias = apps.get_model("corroboration", "Alias")
    Alias.objects.filter(kind="wording").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('corroboration', '0008_syndication_stored_shingles'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='alias',
            options={'ordering': ['kind', 'name', 'alias'], 'verbose_name_plural': 'aliases'},
        ),
        migrations.AddField(
            model_name='alias',
            name='kind',
            field=models.CharField(choices=[('entity', 'Entity (a name: a party a claim is about)'), ('wording', 'Wording (what happened: never a party)')], default='entity', help_text='Entity: another name for a party. Wording: another way of saying what happened.', max_length=10),
        ),
        migrations.AlterField(
            model_name='alias',
            name='alias',
            field=models.CharField(help_text='Another name for it (“the Kremlin”; short capitals such as “US” match only in capitals), or another way of saying it (“quit”, “stood down”).', max_length=200),
        ),
        migrations.AlterField(
            model_name='alias',
            name='name',
            field=models.CharField(help_text="The entity as claims name it (“Russia”), or the wording's canonical term (“step down”).", max_length=200),
        ),
        migrations.RunPython(seed, unseed),
    ]
