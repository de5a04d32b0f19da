"""Triage, booking and the first visit, as the front desk and clinicians do them in the browser."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from liaison.accounts.models import AuditEvent
from liaison.care.models import Episode, Referral
from liaison.factories import PartnerFactory, PatientFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 4)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0), tick=False):
        yield


@pytest.fixture
def referral(location_b):
    patient = PatientFactory(
        location=location_b, first_name="Maya", last_name="Okonkwo", zip="02139"
    )
    return ReferralFactory(patient=patient, received_on=dt.date(2026, 3, 2))


@pytest.fixture
def desk(client, front_desk):
    client.force_login(front_desk)
    return client


def url(name, referral):
    return reverse(name, args=[referral.code])


def test_the_desk_accepts_a_referral(desk, referral):
    response = desk.post(url("care-referral-accept", referral))
    referral.refresh_from_db()
    assert response.status_code == 302
    assert (referral.decision, referral.decided_on) == ("accepted", TODAY)
    page = desk.get(url("care-referral-detail", referral)).content.decode()
    assert "Accepted: to book" in page and "Book the first visit" in page


def test_declining_as_not_appropriate_asks_for_the_alternative(desk, referral):
    response = desk.post(
        url("care-referral-decline", referral),
        {"reason": "not_appropriate", "decided_on": "2026-03-04"},
    )
    assert response.status_code == 400
    assert "needs the alternative" in response.content.decode()
    referral.refresh_from_db()
    assert referral.decision is None


def test_declining_as_not_appropriate_asks_why_in_words_and_keeps_what_was_typed(desk, referral):
    response = desk.post(
        url("care-referral-decline", referral),
        {
            "reason": "not_appropriate",
            "alternative": "A neurosurgical consult",
            "decline_note": "  ",
            "decided_on": "2026-03-04",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert '<label for="id_decline_note">Why, in words</label>' in page
    assert "needs the reason in words" in page
    assert 'value="A neurosurgical consult"' in page
    assert "needs the alternative" not in page
    referral.refresh_from_db()
    assert referral.decision is None


def test_the_reason_in_words_is_kept_and_shown_on_the_referral(desk, referral):
    response = desk.post(
        url("care-referral-decline", referral),
        {
            "reason": "not_appropriate",
            "decline_note": "Progressive weakness in the leg.",
            "alternative": "A neurosurgical consult",
            "decided_on": "2026-03-04",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.decline_note == "Progressive weakness in the leg."
    page = desk.get(url("care-referral-detail", referral)).content.decode()
    assert "<dt>Why, in words</dt><dd>Progressive weakness in the leg.</dd>" in page


def test_the_alternative_is_suggested_from_partners_of_a_fitting_specialty(desk, referral):
    near = PartnerFactory(last_name="Nearby", specialty_id="neurology", zip="02139")
    far = PartnerFactory(last_name="Faraway", specialty_id="neurology", zip="90210")
    PartnerFactory(last_name="Otherfield", specialty_id="podiatry", zip="02139")
    page = desk.get(
        url("care-referral-alternatives", referral), {"specialty": "neurology"}
    ).content.decode()
    assert page.index("Nearby") < page.index("Faraway") and "Otherfield" not in page

    response = desk.post(
        url("care-referral-decline", referral),
        {
            "reason": "not_appropriate",
            "specialty": "neurology",
            "decline_note": "Numbness in both hands: a nerve study first.",
            "alternative_partner": str(far.code),
            "decided_on": "2026-03-04",
        },
    )
    referral.refresh_from_db()
    assert response.status_code == 302
    assert (referral.decline_reason, referral.alternative_partner) == ("not_appropriate", far)
    assert near != far


def test_a_decline_for_another_reason_needs_no_alternative(desk, referral):
    desk.post(
        url("care-referral-decline", referral),
        {"reason": "could_not_contact", "decided_on": "2026-03-04"},
    )
    referral.refresh_from_db()
    assert referral.decline_reason == "could_not_contact"


def test_a_decline_for_another_reason_may_say_why_in_words(desk, referral):
    desk.post(
        url("care-referral-decline", referral),
        {
            "reason": "patient_declined",
            "decline_note": "Prefers a clinic nearer work.",
            "decided_on": "2026-03-04",
        },
    )
    referral.refresh_from_db()
    assert (referral.decline_reason, referral.decline_note) == (
        "patient_declined",
        "Prefers a clinic nearer work.",
    )


def test_booking_and_recording_a_no_show_then_the_attended_visit(desk, referral):
    desk.post(url("care-referral-accept", referral))
    desk.post(url("care-referral-schedule", referral), {"scheduled_on": "2026-03-06"})
    referral.refresh_from_db()
    assert referral.scheduled_on == dt.date(2026, 3, 6)

    response = desk.post(
        url("care-referral-first-visit", referral),
        {"visit_on": "2026-03-06", "status": "no_show", "clinician": ""},
    )
    episode = Episode.objects.get()
    assert response.url == reverse("care-episode-detail", args=[episode.code])
    desk.post(
        reverse("care-episode-visit-add", args=[episode.code]),
        {"visit_on": "2026-03-09", "status": "attended"},
    )
    assert list(episode.visits.values_list("status", flat=True)) == ["no_show", "attended"]
    page = desk.get(reverse("care-episode-detail", args=[episode.code])).content.decode()
    assert "1 attended · 1 no-show" in page


def test_a_booking_before_the_referral_arrived_is_refused_with_a_message(desk, referral):
    desk.post(url("care-referral-accept", referral))
    response = desk.post(url("care-referral-schedule", referral), {"scheduled_on": "2026-02-01"})
    assert response.status_code == 400
    assert "before the referral was received" in response.content.decode()


def test_triage_writes_to_the_audit_trail(desk, referral, front_desk):
    desk.post(url("care-referral-accept", referral))
    assert AuditEvent.objects.filter(
        object_code=referral.code, action="update", username=front_desk.username
    ).exists()


def test_the_referral_list_filters_by_status_and_exports_csv(desk, referral, location_b):
    other = ReferralFactory(
        patient=PatientFactory(location=location_b, last_name="Lindqvist"),
        decision="declined",
        decided_on=dt.date(2026, 1, 6),
        decline_reason="insurance",
    )
    page = desk.get(reverse("care-referral-list"), {"progress": "received"}).content.decode()
    assert "Okonkwo" in page and "Lindqvist" not in page
    response = desk.get(reverse("care-referral-export"), {"progress": "declined"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("received_on,patient_last_name")
    assert "Lindqvist" in body and "Okonkwo" not in body
    assert AuditEvent.objects.filter(action="export", object_type="referral").exists()
    assert other.pk != referral.pk and Referral.objects.count() == 2
