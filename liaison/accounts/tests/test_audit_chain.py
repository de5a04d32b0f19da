"""The audit trail cannot be emptied or altered, even in raw SQL, and tampering behind the
database's back (its guard dropped) is found by `audit_verify`."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from liaison.accounts import audit_guard
from liaison.accounts.audit import audit_purge, audit_record, audit_verify
from liaison.accounts.models import AuditCheckpoint, AuditEvent
from liaison.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(owner):
    patient = PatientFactory()
    return [
        audit_record(user=owner, action="view", obj=patient, detail=f"page {i}") for i in range(5)
    ]


def raw(sql: str, params=()):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM accounts_auditevent",
        "DELETE FROM accounts_auditevent WHERE id = (SELECT MIN(id) FROM accounts_auditevent)",
        "UPDATE accounts_auditevent SET detail = 'nothing to see'",
    ],
)
def test_raw_sql_cannot_delete_or_alter_audit_events(events, sql):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(sql)
    assert AuditEvent.objects.count() == 5
    assert audit_verify().ok


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
@pytest.mark.django_db(transaction=True)  # in a test's transaction, pending FK checks block it
@pytest.mark.parametrize("table", ["accounts_auditevent", "accounts_auditcheckpoint"])
def test_truncate_is_refused(events, table):
    with pytest.raises(DatabaseError, match="append-only"):
        raw(f"TRUNCATE {table} CASCADE")
    assert AuditEvent.objects.count() == 5


def test_an_intact_chain_verifies(events, capsys):
    call_command("audit_verify")
    assert "intact: 5 events checked" in capsys.readouterr().out


def behind_the_databases_back(sql: str, params=()):
    """What someone with the database's files could do: take the guard down, write, put it up."""
    audit_guard.remove(connection)
    try:
        raw(sql, params)
    finally:
        audit_guard.install(connection)


def test_an_altered_event_is_named(events):
    behind_the_databases_back(
        "UPDATE accounts_auditevent SET detail = 'page 9' WHERE id = %s", [events[2].id]
    )
    report = audit_verify()
    assert (report.broken_at, report.checked) == (events[2].id, 2)
    assert "altered" in report.problem
    with pytest.raises(CommandError, match=f"event #{events[2].id}: its content"):
        call_command("audit_verify")


def test_a_removed_event_is_named_at_the_next_one(events):
    behind_the_databases_back("DELETE FROM accounts_auditevent WHERE id = %s", [events[1].id])
    report = audit_verify()
    assert report.broken_at == events[2].id
    assert "removed or inserted" in report.problem


def test_an_event_written_around_the_trail_is_named(events, owner):
    stray = AuditEvent.objects.create(username="x", action="view", object_type="patient")
    assert audit_verify().broken_at == stray.id


def test_a_purge_removes_only_a_prefix_older_than_retention_and_leaves_a_signed_checkpoint(
    events, owner
):
    cut = timezone.now()
    later = audit_record(user=owner, action="view", obj=PatientFactory(), detail="after the cut")
    assert audit_purge(before=cut, by="test") == 5
    assert list(AuditEvent.objects.order_by("id").values_list("detail", flat=True))[:1] == [
        "after the cut"
    ]
    assert AuditEvent.objects.filter(pk=later.pk).exists()
    purge = AuditEvent.objects.order_by("-id").first()
    assert purge.action == "delete" and "removed 5 events" in purge.detail
    checkpoint = AuditCheckpoint.objects.get()
    assert (checkpoint.up_to_id, checkpoint.removed) == (events[-1].id, 5)
    assert audit_verify().ok and audit_verify().checked == 2
    with pytest.raises(DatabaseError, match="append-only"):
        raw("DELETE FROM accounts_auditcheckpoint")


def test_a_forged_checkpoint_is_refused(events):
    behind_the_databases_back(
        "INSERT INTO accounts_auditcheckpoint (at, up_to_id, last_hash, removed, removed_before,"
        " by, signature) VALUES (%s, %s, %s, 5, %s, 'intruder', 'f00d')",
        [timezone.now(), events[-1].id, events[-1].hash, timezone.now()],
    )
    raw("DELETE FROM accounts_auditevent")  # the guard lets a covered prefix go...
    report = audit_verify()
    assert not report.ok and "not signed" in report.problem  # ...but the forgery shows


def test_purge_command_keeps_six_years_by_default(owner, capsys):
    patient = PatientFactory()
    with time_machine.travel(timezone.now() - dt.timedelta(days=6 * 365 + 10)):
        audit_record(user=owner, action="view", obj=patient, detail="seven years ago")
    with time_machine.travel(timezone.now() - dt.timedelta(days=5 * 365)):
        audit_record(user=owner, action="view", obj=patient, detail="five years ago")
    call_command("audit_purge")
    assert "Removed 1 audit events" in capsys.readouterr().out
    kept = AuditEvent.objects.order_by("id").values_list("detail", flat=True)
    assert kept[0] == "five years ago"
    assert audit_verify().ok
