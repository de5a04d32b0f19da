"""The episode page: visits, questionnaires entered item by item, the chart, the timeline."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from liaison.accounts.models import AuditEvent
from liaison.care.models import Outcome
from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PatientFactory,
    PaymentFactory,
    ReferralFactory,
    ReportFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(location_a):
    patient = PatientFactory(location=location_a, first_name="Maya", last_name="Okonkwo")
    referral = ReferralFactory(patient=patient)
    return EpisodeFactory(
        patient=patient, referral=referral, primary_measure=None, started_on=dt.date(2026, 1, 12)
    )


@pytest.fixture
def doc(client, clinician):
    client.force_login(clinician)
    return client


def odi(answers=None):
    data = {"measured_on": "2026-01-12"}
    data.update({f"item_{n}": v for n, v in (answers or {}).items()})
    return data


def test_the_clinician_enters_an_odi_and_sees_its_score(doc, episode):
    url = reverse("care-outcome-new", args=[episode.code, "ODI"])
    page = doc.get(url).content.decode()
    assert "Section 1 — pain intensity" in page and "Section 10 — travelling" in page
    answers = dict(zip(range(1, 11), [2, 3, 1, 0, 4, 2, 3, "", 2, 3], strict=True))
    response = doc.post(url, odi(answers), follow=True)
    page = response.content.decode()
    assert "ODI recorded: score 44.44%" in page
    outcome = Outcome.objects.get()
    assert outcome.score == Decimal("44.44") and outcome.items["answers"][7] is None
    episode.refresh_from_db()
    assert episode.primary_measure == "ODI"


def test_a_quickdash_with_two_items_missing_is_refused_with_the_rule(doc, episode):
    url = reverse("care-outcome-new", args=[episode.code, "QuickDASH"])
    data = {"measured_on": "2026-01-12", **{f"item_{n}": 3 for n in range(1, 10)}}
    response = doc.post(url, data)
    assert response.status_code == 400
    assert "at least 10 of its 11 items" in response.content.decode()
    assert not Outcome.objects.exists()


def test_an_answer_off_the_scale_is_pointed_out(doc, episode):
    url = reverse("care-outcome-new", args=[episode.code, "ODI"])
    response = doc.post(url, odi({1: 7}))
    assert response.status_code == 400 and not Outcome.objects.exists()


def test_the_score_preview_follows_the_answers(doc, episode):
    url = reverse("care-outcome-preview", args=[episode.code, "NDI"])
    fragment = doc.post(url, odi({1: 3, 2: 2})).content.decode()
    assert "<strong>50.00</strong>" in fragment
    empty = doc.post(url, odi()).content.decode()
    assert "at least one section" in empty


def test_psfs_and_nprs_have_their_own_forms(doc, episode):
    url = reverse("care-outcome-new", args=[episode.code, "PSFS"])
    doc.post(
        url,
        {
            "measured_on": "2026-01-12",
            "activity_1": "Walking",
            "rating_1": 4,
            "activity_2": "Stairs",
            "rating_2": 5,
        },
    )
    url = reverse("care-outcome-new", args=[episode.code, "NPRS"])
    doc.post(url, {"measured_on": "2026-01-12", "rating": 6})
    assert sorted(Outcome.objects.values_list("instrument", "score")) == [
        ("NPRS", Decimal("6.00")),
        ("PSFS", Decimal("4.50")),
    ]


def test_an_unknown_instrument_is_not_found(doc, episode):
    assert doc.get(reverse("care-outcome-new", args=[episode.code, "SF36"])).status_code == 404


def test_the_chart_draws_the_primary_outcome_against_its_mcid_line(doc, episode):
    episode.primary_measure = "ODI"
    episode.save()
    OutcomeFactory(episode=episode, measured_on=dt.date(2026, 1, 12), score=Decimal("44"))
    OutcomeFactory(episode=episode, measured_on=dt.date(2026, 2, 12), score=Decimal("30"))
    page = doc.get(reverse("care-episode-detail", args=[episode.code])).content.decode()
    data = json.loads(
        page.split('id="outcome-chart-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["scores"] == [44.0, 30.0] and data["threshold"] == 34.0
    assert data["dates"] == ["2026-01-12", "2026-02-12"]
    assert "vendor/chart.umd.min.js" in page
    assert "Yes" in page  # 14 points better: the MCID (10) is reached


def test_the_episode_page_links_the_clinical_record_forms(doc, episode):
    page = doc.get(reverse("care-episode-detail", args=[episode.code])).content.decode()
    assert reverse("reports-episode-evaluation", args=[episode.code]) in page
    assert reverse("reports-episode-discharge", args=[episode.code]) in page


def test_the_timeline_shows_referrals_visits_outcomes_reports_and_payments(doc, episode):
    VisitFactory(episode=episode, visit_on=dt.date(2026, 1, 12))
    VisitFactory(episode=episode, visit_on=dt.date(2026, 1, 15), status="no_show")
    OutcomeFactory(episode=episode, measured_on=dt.date(2026, 1, 12), score=Decimal("44"))
    PaymentFactory(patient=episode.patient, episode=episode, amount=Decimal("95.00"))
    ReportFactory(
        referral=episode.referral,
        kind="initial",
        due_on=dt.date(2026, 1, 14),
        sent_on=dt.date(2026, 1, 13),
        channel="fax",
    )
    page = doc.get(reverse("care-patient-detail", args=[episode.patient.code])).content.decode()
    for text in [
        "Referral from",
        "Care started",
        "No-show",
        "ODI measured: <strong>44.00",
        "Payment: $95.00",
        "Initial report",
        "Sent by fax",
    ]:
        assert text in page, text
    assert AuditEvent.objects.filter(object_code=episode.patient.code, action="view").exists()


def test_the_patient_list_searches_by_name_and_exports_audited(doc, location_a):
    PatientFactory(location=location_a, first_name="Maya", last_name="Okonkwo")
    PatientFactory(location=location_a, first_name="Tom", last_name="Lindqvist")
    url = reverse("care-patient-list")
    response = doc.post(url, {"q": "okon may"})
    assert response.url == url  # the name stays out of the address
    page = doc.get(url).content.decode()
    assert "Okonkwo" in page and "Lindqvist" not in page
    response = doc.get(reverse("care-patient-export"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Okonkwo" in body and "Lindqvist" not in body  # the list as searched
    assert AuditEvent.objects.get(action="export").detail == "patient list CSV"
