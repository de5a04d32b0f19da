"""Migration operations Django does not offer as we need them."""

from django.db import migrations
from django.db.migrations.operations.base import Operation


def drop_field_index(app_label: str, model_name: str, name: str, field) -> Operation:
    """Set `db_index=False` on a foreign key (`field`, as the model now declares it) and drop
    its index, without rebuilding the table: Django's AlterField rebuilds a SQLite table to
    do it, and a rebuild loses the table's triggers (signed reports, the insights facts)."""

    def index_name(apps, schema_editor) -> tuple[type, str]:
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(name).column
        return model, schema_editor._create_index_name(model._meta.db_table, [column], suffix="")

    def drop(apps, schema_editor) -> None:
        _, index = index_name(apps, schema_editor)
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    def create(apps, schema_editor) -> None:
        model, _ = index_name(apps, schema_editor)
        field_now = model._meta.get_field(name)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field_now]))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[migrations.RunPython(drop, create, elidable=False)],
    )
