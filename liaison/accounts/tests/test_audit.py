import pytest
from django.db import DatabaseError, transaction

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_an_audit_event_cannot_be_altered(owner):
    event = audit_record(user=owner, action="view", obj=PatientFactory())
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    event.refresh_from_db()
    assert event.action == "view"


def test_an_audit_event_names_the_record_not_the_patient(owner):
    patient = PatientFactory(first_name="Zelda", last_name="Quintero")
    event = audit_record(user=owner, action="view", obj=patient, detail="patient page")
    assert (event.username, event.object_type, event.object_code) == (
        "owner",
        "patient",
        patient.code,
    )
    stored = " ".join(str(v) for v in AuditEvent.objects.values().get(pk=event.pk).values())
    assert "Zelda" not in stored and "Quintero" not in stored


def test_unknown_audit_action_is_refused(owner):
    from liaison.factories import refused

    assert refused(lambda: AuditEvent.objects.create(username="x", action="peek", object_type="p"))
