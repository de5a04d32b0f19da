"""Fill insights_patientfacts and install the triggers that keep it current
(liaison/insights/facts.py; they are also reinstalled after every migrate)."""

from django.db import migrations

from liaison.insights import facts


def install(apps, schema_editor):
    """Nothing to do here any more: the facts are computed and their triggers installed once
    the whole migrate is done (`facts.after_migrate`), for the tables as the last migration
    leaves them; the code of today cannot fill the tables of this migration's day."""


def uninstall(apps, schema_editor):
    facts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
