"""Fill insights_patientfacts and install the triggers that keep it current
(liaison/insights/facts.py; they are also reinstalled after every migrate)."""

from django.db import migrations

from liaison.insights import facts


def install(apps, schema_editor):
    facts.rebuild(schema_editor.connection)
    facts.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    facts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("insights", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
