"""Every page, download and endpoint that shows patient data leaves exactly one audit row,
naming what was seen: one line of the table per way in."""

import pytest
from django.urls import reverse

from liaison.accounts.models import AuditEvent
from liaison.factories import ReportFactory
from liaison.insights.tests.history import episode, reading, referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(location_a):
    from liaison.factories import PartnerFactory

    ref = referral(PartnerFactory(), "2026-01-05", location=location_a)
    ep = episode(ref, started="2026-01-07")
    reading(ep, "2026-01-07", 40)
    reading(ep, "2026-03-01", 41)
    report = ReportFactory(referral=ref, episode=ep, kind="initial")
    return {"patient": ref.patient, "referral": ref, "episode": ep, "report": report}


# (what is opened, its address from the record, the row expected: action, type, detail)
PAGES = [
    (
        "patient page",
        lambda r: reverse("care-patient-detail", args=[r["patient"].code]),
        ("view", "patient", "patient page"),
    ),
    (
        "patient list",
        lambda r: reverse("care-patient-list"),
        ("view", "patient", "patient list, page 1"),
    ),
    (
        "patient list CSV",
        lambda r: reverse("care-patient-export"),
        ("export", "patient", "patient list CSV"),
    ),
    (
        "referral list CSV",
        lambda r: reverse("care-referral-export"),
        ("export", "referral", "referral list CSV"),
    ),
    (
        "report page",
        lambda r: reverse("reports-report", args=[r["report"].code]),
        ("view", "report", "report page"),
    ),
    (
        "report PDF",
        lambda r: reverse("reports-report-pdf", args=[r["report"].code]),
        ("export", "report", "letter PDF downloaded"),
    ),
    (
        "admin patient list",
        lambda r: reverse("admin:care_patient_changelist"),
        ("view", "patient", "admin list"),
    ),
    (
        "admin patient",
        lambda r: reverse("admin:care_patient_change", args=[r["patient"].pk]),
        ("view", "patient", "admin change page"),
    ),
    (
        "API not-responding list",
        lambda r: "/api/v1/insights/not-responding?as_of=2026-03-31",
        ("view", "episode", "API not-responding list: 1 episodes"),
    ),
]


@pytest.mark.parametrize(("page", "address", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_each_view_of_patient_data_leaves_one_audit_row(
    client, owner, record, page, address, expected
):
    client.force_login(owner)
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(address(record))
    assert response.status_code == 200, page
    if response.streaming:  # read a download to its end
        b"".join(response.streaming_content)
    rows = list(
        AuditEvent.objects.filter(id__gt=before).values_list(
            "username", "action", "object_type", "detail"
        )
    )
    assert rows == [("owner", *expected)], page
