"""The clinician's day: the evaluation visit opens care, an ODI is entered and scored."""

import datetime as dt

from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from liaison.accounts.models import Role
from liaison.care.models import Outcome, Referral
from liaison.factories import LocationFactory, PartnerFactory, PatientFactory, UserFactory

ODI_ANSWERS = ["2", "3", "1", "0", "4", "2", "3", "", "2", "3"]  # section 8 skipped


def test_a_clinician_records_an_evaluation_with_an_odi_and_sees_the_score(page, log_in, screenshot):
    clinic = LocationFactory(name="Riverside Clinic")
    patient = PatientFactory(location=clinic, first_name="Maya", last_name="Okonkwo")
    today = dt.date.today()
    Referral.objects.create(
        patient=patient,
        partner=PartnerFactory(first_name="Ana", last_name="Reed"),
        received_on=today - dt.timedelta(days=3),
        decision="accepted",
        decided_on=today - dt.timedelta(days=2),
        scheduled_on=today,
    )
    doc = UserFactory(
        username="doc",
        first_name="Sam",
        last_name="Lee",
        credentials="DPT",
        role=Role.CLINICIAN,
        locations=[clinic],
    )

    log_in(doc)
    page.get_by_role("link", name="Referrals").click()
    page.get_by_role("link", name="Okonkwo, Maya").click()
    expect(page.get_by_role("heading", name="Record the first visit")).to_be_visible()
    expect(page.get_by_label("Clinician").locator("option:checked")).to_have_text("Sam Lee, DPT")
    page.get_by_role("button", name="Record first visit").click()
    expect(page.get_by_text("First visit recorded: the episode of care is open.")).to_be_visible()
    screenshot("episode-opened")
    assert_accessible(page)

    page.get_by_role("link", name="ODI", exact=True).click()
    expect(page.get_by_role("heading", name="Oswestry Disability Index")).to_be_visible()
    assert_accessible(page)
    # Keyboard entry, section after section; the preview follows the answers.
    for answer in ODI_ANSWERS:
        page.keyboard.type(answer)
        page.keyboard.press("Tab")
    expect(page.locator("#score-preview")).to_contain_text("44.44")
    screenshot("odi-entered")
    page.get_by_role("button", name="Save ODI").click()

    expect(page.get_by_text("ODI recorded: score 44.44%.")).to_be_visible()
    expect(page.get_by_role("cell", name="44.44 %")).to_be_visible()
    expect(page.get_by_text("Primary measure: Oswestry Disability Index")).to_be_visible()
    expect(page.locator("#outcome-chart")).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart('outcome-chart')")
    screenshot("score")
    assert_accessible(page)

    outcome = Outcome.objects.get()
    assert outcome.items["answers"][7] is None and str(outcome.score) == "44.44"

    # The evaluation itself is written in the clinical record form, linked from here.
    evaluation = page.get_by_role("link", name="Record the evaluation")
    expect(evaluation).to_have_attribute(
        "href", f"/reports/episodes/{outcome.episode.code}/evaluation/"
    )
