"""The database's own guard over the audit trail: triggers that refuse any UPDATE, DELETE or
TRUNCATE of audit events and checkpoints, on SQLite and PostgreSQL alike. The one deletion
let through is a retention purge's: events up to the latest checkpoint (accounts/audit.py
writes the checkpoint first, in the same transaction).

Installed by accounts migration 0003; `liaison flush` (which empties the whole database) takes
them down and puts them back around its work."""

from django.db.backends.base.base import BaseDatabaseWrapper

REFUSAL = "the audit trail is append-only"
# An event may be deleted only when a checkpoint covers it (a retention purge).
UNCOVERED = "OLD.id > COALESCE((SELECT MAX(up_to_id) FROM accounts_auditcheckpoint), 0)"

SQLITE = {
    "accounts_auditevent_no_update": f"""
        CREATE TRIGGER accounts_auditevent_no_update BEFORE UPDATE ON accounts_auditevent
        BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    "accounts_auditevent_no_delete": f"""
        CREATE TRIGGER accounts_auditevent_no_delete BEFORE DELETE ON accounts_auditevent
        WHEN {UNCOVERED} BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    "accounts_auditcheckpoint_no_update": f"""
        CREATE TRIGGER accounts_auditcheckpoint_no_update BEFORE UPDATE
        ON accounts_auditcheckpoint BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
    "accounts_auditcheckpoint_no_delete": f"""
        CREATE TRIGGER accounts_auditcheckpoint_no_delete BEFORE DELETE
        ON accounts_auditcheckpoint BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END""",
}

POSTGRES_FUNCTIONS = [
    f"""CREATE OR REPLACE FUNCTION accounts_audit_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION accounts_auditevent_refuse_delete() RETURNS trigger AS $$
        BEGIN
            IF {UNCOVERED} THEN RAISE EXCEPTION '{REFUSAL}'; END IF;
            RETURN OLD;
        END; $$ LANGUAGE plpgsql""",
]
# (trigger, table, event and level, function)
POSTGRES_TRIGGERS = [
    (
        "accounts_auditevent_no_update",
        "accounts_auditevent",
        "UPDATE",
        "ROW",
        "accounts_audit_refuse",
    ),
    (
        "accounts_auditevent_no_delete",
        "accounts_auditevent",
        "DELETE",
        "ROW",
        "accounts_auditevent_refuse_delete",
    ),
    (
        "accounts_auditevent_no_truncate",
        "accounts_auditevent",
        "TRUNCATE",
        "STATEMENT",
        "accounts_audit_refuse",
    ),
    (
        "accounts_auditcheckpoint_no_update",
        "accounts_auditcheckpoint",
        "UPDATE",
        "ROW",
        "accounts_audit_refuse",
    ),
    (
        "accounts_auditcheckpoint_no_delete",
        "accounts_auditcheckpoint",
        "DELETE",
        "ROW",
        "accounts_audit_refuse",
    ),
    (
        "accounts_auditcheckpoint_no_truncate",
        "accounts_auditcheckpoint",
        "TRUNCATE",
        "STATEMENT",
        "accounts_audit_refuse",
    ),
]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the guard triggers, replacing any older ones."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for sql in POSTGRES_FUNCTIONS:
                cursor.execute(sql)
            for name, table, event, level, function in POSTGRES_TRIGGERS:
                cursor.execute(
                    f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                    f"FOR EACH {level} EXECUTE FUNCTION {function}()"
                )
        else:
            for sql in SQLITE.values():
                cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for name, table, *_ in POSTGRES_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        else:
            for name in SQLITE:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
