from django.db import migrations

LOCKED = "a signed letter cannot be changed; write an addendum"

SQLITE = [
    f"""CREATE TRIGGER correspondence_signedtext_no_update
       BEFORE UPDATE ON correspondence_signedtext
       BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END""",
    f"""CREATE TRIGGER correspondence_report_signed_body_locked
       BEFORE UPDATE OF body, signed_at ON correspondence_report
       WHEN OLD.signed_at IS NOT NULL
        AND (NEW.body IS NOT OLD.body OR NEW.signed_at IS NOT OLD.signed_at)
       BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS correspondence_signedtext_no_update",
    "DROP TRIGGER IF EXISTS correspondence_report_signed_body_locked",
]

POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION correspondence_refuse_signed_change() RETURNS trigger AS $$
       BEGIN
         IF TG_TABLE_NAME = 'correspondence_signedtext'
            OR NEW.body IS DISTINCT FROM OLD.body
            OR NEW.signed_at IS DISTINCT FROM OLD.signed_at THEN
           RAISE EXCEPTION '{LOCKED}';
         END IF;
         RETURN NEW;
       END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER correspondence_signedtext_no_update
       BEFORE UPDATE ON correspondence_signedtext
       FOR EACH ROW EXECUTE FUNCTION correspondence_refuse_signed_change()""",
    """CREATE TRIGGER correspondence_report_signed_body_locked
       BEFORE UPDATE ON correspondence_report
       FOR EACH ROW WHEN (OLD.signed_at IS NOT NULL)
       EXECUTE FUNCTION correspondence_refuse_signed_change()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS correspondence_signedtext_no_update ON correspondence_signedtext",
    "DROP TRIGGER IF EXISTS correspondence_report_signed_body_locked ON correspondence_report",
    "DROP FUNCTION IF EXISTS correspondence_refuse_signed_change()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    """The database itself refuses to change what a clinician signed: a signed text is never
    updated, and a report's draft body freezes the moment it is signed."""

    dependencies = [("correspondence", "0002_letters_and_delivery")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
