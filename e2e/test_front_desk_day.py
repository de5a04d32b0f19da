"""The front desk's day: a referred new patient recorded from the keyboard, then triaged."""

import datetime as dt
import re
import time

from django.utils import timezone
from playwright.sync_api import expect

from e2e.accessibility import assert_accessible, assert_fits
from liaison.accounts.models import Role
from liaison.care.models import Patient, Referral
from liaison.factories import LocationFactory, PartnerFactory, PatientFactory, UserFactory
from liaison.partners.models import Partner

INTAKE_SECONDS = 15


def test_the_front_desk_records_a_referred_new_patient_and_triages_it(page, log_in, screenshot):
    clinic = LocationFactory(name="Riverside Clinic", zip="02139")
    clinic_org = PartnerFactory(
        kind=Partner.Kind.ORGANIZATION,
        organization_name="Summit Primary Care",
        last_name="",
        first_name="",
        credentials="",
        npi=None,
    )
    reed = PartnerFactory(
        first_name="Ana",
        last_name="Reed",
        works_at=clinic_org,
        phone="(617) 555-0142",
        specialty_id="primary_care",
    )
    desk = UserFactory(
        username="desk",
        first_name="Rosa",
        last_name="Delgado",
        role=Role.FRONT_DESK,
        locations=[clinic],
    )

    log_in(desk)
    expect(page.get_by_role("heading", name="Referrals to triage")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="New patient").first.click()
    expect(page.locator("#id_first_name")).to_be_focused()
    assert_accessible(page)

    # Keyboard only, as at the desk with the fax in hand: type, Tab, Enter.
    started = time.monotonic()
    keys = page.keyboard
    keys.type("Maya")
    keys.press("Tab")
    keys.type("Okonkwo")
    keys.press("Tab")
    keys.type("05/17/1980")
    keys.press("Tab")
    keys.press("r")  # "Referral from a partner"
    keys.press("Tab")
    expect(page.get_by_label("Referring partner")).to_be_focused()
    keys.type("reed")
    chosen = page.locator("#partner-results input[name=partner]:checked")
    expect(chosen).to_have_value(str(reed.code))
    screenshot("intake")
    assert_accessible(page)
    keys.press("Enter")
    expect(page.get_by_text("Maya Okonkwo is recorded, referred by Ana Reed, MD")).to_be_visible()
    elapsed = time.monotonic() - started
    assert elapsed < INTAKE_SECONDS, f"intake took {elapsed:.1f} s"
    screenshot("recorded")

    patient = Patient.objects.get(last_name="Okonkwo")
    assert (patient.channel, patient.source_partner, patient.location) == ("referral", reed, clinic)
    expect(page.get_by_text("Awaiting triage").first).to_be_visible()
    assert_accessible(page)

    # Triage: accept, then book the first visit.
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted. Book the first visit below.")).to_be_visible()
    # A week after today, the day the referral was received.
    booked_for = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    page.get_by_label("First visit booked for").fill(booked_for)
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("First visit booked.")).to_be_visible()
    screenshot("booked")
    referral = Referral.objects.get(patient=patient)
    assert (referral.decision, str(referral.scheduled_on)) == ("accepted", booked_for)


def test_the_front_desk_declines_a_referral_that_belongs_elsewhere(page, log_in, screenshot):
    clinic = LocationFactory(name="Riverside Clinic", zip="02139")
    patient = PatientFactory(location=clinic, first_name="Tom", last_name="Lindqvist", zip="02139")
    referral = Referral.objects.create(
        patient=patient, partner=PartnerFactory(), received_on="2026-11-20"
    )
    neuro = PartnerFactory(
        first_name="Lee", last_name="Brain", specialty_id="neurology", zip="02139", city="Cambridge"
    )
    desk = UserFactory(username="desk", role=Role.FRONT_DESK, locations=[clinic])

    log_in(desk)
    page.get_by_role("link", name="Lindqvist, Tom").click()
    page.get_by_label("Not appropriate for our care").check()
    page.get_by_label("Why, in words").fill("Numbness in both hands: a nerve study first.")
    page.get_by_label("Fitting specialty").select_option("neurology")
    expect(page.get_by_label("Suggested partner")).to_contain_text("Lee Brain")
    page.get_by_label("Suggested partner").select_option(str(neuro.code))
    screenshot("decline")
    assert_accessible(page)
    page.get_by_role("button", name="Decline").click()
    expect(
        page.get_by_text(re.compile("A redirect letter to the referring partner is now owed"))
    ).to_be_visible()
    referral.refresh_from_db()
    assert (referral.decline_reason, referral.alternative_partner) == ("not_appropriate", neuro)
    assert referral.decline_note == "Numbness in both hands: a nerve study first."

    # The same page on a tablet: everything fits the screen.
    page.set_viewport_size({"width": 768, "height": 1024})
    page.reload()
    assert_fits(page, 768)
    screenshot("tablet")
