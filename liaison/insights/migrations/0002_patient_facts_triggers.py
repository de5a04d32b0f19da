"""Originally filled insights_patientfacts and installed its triggers; both now happen once
the whole migrate is done (`facts.after_migrate`), for the tables as the last migration leaves
them: today's code cannot fill the tables of this migration's day."""

from django.db import migrations

from liaison.insights import facts


def uninstall(apps, schema_editor):
    facts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(migrations.RunPython.noop, uninstall)]
