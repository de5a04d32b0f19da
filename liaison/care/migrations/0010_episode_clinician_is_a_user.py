"""An episode's clinician becomes a reference to the user. Names written so far are matched to
users by full name ("Maya Okafor, DPT" and "Maya Okafor" are the same person) and kept as
written; a name that matches nobody, or two people, stays unlinked for a manager to resolve."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from liaison.accounts.names import name_key, users_by_name


def link_clinicians(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    Episode = apps.get_model("care", "Episode")
    matches = users_by_name(User.objects.values_list("id", "first_name", "last_name"))
    named = Episode.objects.exclude(clinician_name="").values_list("clinician_name", flat=True)
    for written in named.distinct():
        if (user_id := matches.get(name_key(written))) is not None:
            Episode.objects.filter(clinician_name=written).update(clinician_id=user_id)


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0009_payer_decline_note_marketing_spend"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("episode", "clinician", "clinician_name"),
        migrations.AlterField(
            model_name="episode",
            name="clinician_name",
            field=models.CharField(
                blank=True, max_length=150, verbose_name="clinician as written"
            ),
        ),
        migrations.AddField(
            model_name="episode",
            name="clinician",
            field=models.ForeignKey(
                blank=True,
                help_text="The treating clinician.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="episodes",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(link_clinicians, migrations.RunPython.noop, elidable=False),
    ]
