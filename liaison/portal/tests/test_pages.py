"""What a signed-in referrer sees and does: only the referrals they sent, each one's care so
far, their reports as PDFs (read marks on the practice's side), answers, new referrals."""

import datetime as dt

import pytest

from conftest import client_for
from liaison.accounts.models import AuditEvent
from liaison.care.models import Channel, Referral
from liaison.factories import PartnerFactory, PatientFactory, ReferralFactory
from liaison.portal.models import ReportAnswer, ReportRead
from liaison.reports.models import Report
from liaison.reports.tests.builders import measure
from liaison.reports.tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def page(portal, path: str) -> str:
    response = portal.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_list_shows_the_partners_referrals_and_no_one_elses(portal, partner, other_referral):
    html = page(portal, "/portal/")
    assert "Maya" in html
    assert "In care" in html
    assert "Theo" not in html and "Brandt" not in html


def test_another_partners_referral_is_not_found(portal, other_referral):
    assert portal.get(f"/portal/referrals/{other_referral.code}/").status_code == 404


def test_another_partners_report_is_not_found(portal, other_referral, clinician):
    report = Report.objects.create(
        referral=other_referral, kind=Report.Kind.REDIRECT, due_on=dt.date(2026, 2, 3)
    )
    Report.objects.filter(pk=report.pk).update(sent_on=dt.date(2026, 2, 3))
    assert portal.get(f"/portal/reports/{report.code}/pdf/").status_code == 404
    answer = {"kind": "question", "text": "Who is this?"}
    assert portal.post(f"/portal/reports/{report.code}/answer/", answer).status_code == 404


def test_the_referral_shows_the_timeline_visits_and_the_outcome_against_its_mcid(
    portal, evaluated_episode
):
    measure(evaluated_episode, ("2026-02-09", "30"))
    evaluated_episode.primary_measure = "ODI"
    evaluated_episode.save()
    html = page(portal, f"/portal/referrals/{evaluated_episode.referral.code}/")
    assert 'aria-current="step"' in html
    assert "Visits attended: <strong>2</strong> of 12 planned" in html
    assert "Oswestry Disability Index" in html
    assert "A change of 10 or more is clinically important" in html
    assert "a clinically important improvement" in html  # 46 → 30 on the ODI
    assert 'id="outcome-chart-data"' in html


def test_a_declined_referral_shows_the_reason_and_the_alternative(portal, partner, location_a):
    other = PartnerFactory(last_name="Novak", organization_name="")
    referral = ReferralFactory(
        patient=PatientFactory(location=location_a, first_name="Iris"),
        partner=partner,
        received_on=dt.date(2026, 3, 2),
        decision="declined",
        decided_on=dt.date(2026, 3, 3),
        decline_reason="not_appropriate",
        alternative="Needs a hand surgeon",
        alternative_partner=other,
    )
    html = page(portal, f"/portal/referrals/{referral.code}/")
    assert "Declined" in html
    assert referral.get_decline_reason_display() in html
    assert "Needs a hand surgeon" in html
    assert other.display_name in html
    assert "Booked" not in html


def test_opening_a_report_gives_its_pdf_and_marks_it_read_for_the_practice(
    portal, initial_report, client, clinician
):
    response = portal.get(f"/portal/reports/{initial_report.code}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    assert "Maya was seen on January 12." in pdf_text(response.content)
    first = ReportRead.objects.get(report=initial_report).first_opened_at
    portal.get(f"/portal/reports/{initial_report.code}/pdf/")
    assert ReportRead.objects.get(report=initial_report).first_opened_at == first

    staff = client_for(client, clinician)
    html = staff.get(f"/reports/reports/{initial_report.code}/").content.decode()
    assert "opened in the referrer portal" in html
    assert "Not opened" not in html


def test_an_unopened_report_is_shown_unread_to_the_practice(initial_report, client, clinician):
    html = client_for(client, clinician).get(f"/reports/reports/{initial_report.code}/")
    assert "Not opened in the referrer portal yet" in html.content.decode()


def test_agreeing_with_the_plan_reaches_the_practice(portal, initial_report, client, clinician):
    response = portal.post(f"/portal/reports/{initial_report.code}/answer/", {"kind": "agree"})
    assert response.status_code == 302
    assert "You answered" in page(portal, response.url)
    html = client_for(client, clinician).get(f"/reports/reports/{initial_report.code}/")
    assert "Agrees with the plan" in html.content.decode()


def test_a_question_needs_its_text(portal, initial_report):
    response = portal.post(f"/portal/reports/{initial_report.code}/answer/", {"kind": "question"})
    assert response.status_code == 400
    assert "Write the question." in response.content.decode()
    assert not ReportAnswer.objects.exists()


def test_the_plan_of_care_is_signed_once_with_a_name(portal, initial_report):
    url = f"/portal/reports/{initial_report.code}/answer/"
    unsigned = portal.post(url, {"kind": "sign_plan"})
    assert unsigned.status_code == 400
    assert "Type your name and credentials" in unsigned.content.decode()
    assert portal.post(url, {"kind": "sign_plan", "signer": "Ana Silva, MD"}).status_code == 302
    twice = portal.post(url, {"kind": "sign_plan", "signer": "Ana Silva, MD"})
    assert twice.status_code == 400
    assert "already signed" in twice.content.decode()
    assert ReportAnswer.objects.get().signer == "Ana Silva, MD"


def test_a_discharge_report_carries_no_plan_to_sign(portal, initial_report):
    Report.objects.filter(pk=initial_report.pk).update(kind=Report.Kind.DISCHARGE)
    url = f"/portal/reports/{initial_report.code}/answer/"
    response = portal.post(url, {"kind": "sign_plan", "signer": "Ana Silva, MD"})
    assert response.status_code == 400
    assert "Only an initial or progress report" in response.content.decode()


def test_a_referral_sent_from_the_portal_lands_in_triage(portal, partner, location_a):
    form = {
        "first_name": "Lena",
        "last_name": "Ortiz",
        "birth_date": "04/12/1980",
        "location": location_a.pk,
        "urgency": "routine",
        "reason": "Neck pain after a fall",
        "icd10_codes": "m54.2, S13.4XXA",
    }
    response = portal.post("/portal/referrals/new/", form)
    assert response.status_code == 302
    referral = Referral.objects.get(patient__last_name="Ortiz")
    assert referral.partner == partner
    assert referral.decision is None  # awaiting triage
    assert referral.received_on == dt.date.today()
    assert referral.icd10_codes == "M54.2; S13.4XXA"
    assert referral.patient.channel == Channel.REFERRAL
    assert referral.patient.source_partner == partner
    created = AuditEvent.objects.filter(object_code=referral.code, action="create").get()
    assert created.username == "portal: silva@clinic.example"
    assert "Lena" in page(portal, "/portal/")


def test_a_referral_for_a_patient_on_file_joins_their_record(portal, partner, location_a):
    known = PatientFactory(
        location=location_a, first_name="Lena", last_name="Ortiz", birth_date=dt.date(1980, 4, 12)
    )
    form = {
        "first_name": "lena",
        "last_name": "ORTIZ",
        "birth_date": "1980-04-12",
        "location": location_a.pk,
        "urgency": "urgent",
        "reason": "Neck pain",
    }
    assert portal.post("/portal/referrals/new/", form).status_code == 302
    assert Referral.objects.get(partner=partner, reason="Neck pain").patient == known


def test_a_bad_referral_re_renders_with_each_field_named(portal, location_a):
    form = {"first_name": "Lena", "birth_date": "2099-01-01", "icd10_codes": "back pain"}
    response = portal.post("/portal/referrals/new/", form)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A birth date cannot be in the future." in html
    assert "Not an ICD-10 code: BACK PAIN." in html
    assert 'id="id_last_name_error"' in html and 'id="id_reason_error"' in html
    assert not Referral.objects.filter(reason="").exists()


def test_every_page_view_is_audited_as_the_referrer(portal, evaluated_episode, initial_report):
    referral = evaluated_episode.referral
    portal.get("/portal/")
    portal.get(f"/portal/referrals/{referral.code}/")
    portal.get(f"/portal/reports/{initial_report.code}/pdf/")
    events = AuditEvent.objects.filter(username="portal: silva@clinic.example")
    details = set(events.values_list("detail", flat=True))
    assert {"portal referral list", "portal referral", "portal report PDF"} <= details
    viewed = events.get(detail="portal referral")
    assert viewed.object_code == referral.code
    assert viewed.ip_address == "127.0.0.1"
