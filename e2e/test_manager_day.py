"""The manager's day: a duplicate partner found in the directory and merged into the real one."""

import datetime as dt

from playwright.sync_api import expect

from e2e.accessibility import assert_accessible, assert_fits
from liaison.accounts.models import Role
from liaison.care.models import Referral
from liaison.factories import (
    LocationFactory,
    PartnerFactory,
    PatientFactory,
    TouchpointFactory,
    UserFactory,
)
from liaison.partners.models import Partner


def test_a_manager_merges_a_duplicate_partner(page, log_in, screenshot):
    clinic = LocationFactory(name="Riverside Clinic")
    today = dt.date.today()
    real = PartnerFactory(
        first_name="Ana", last_name="Reed", city="Cambridge", phone="(617) 555-0142"
    )
    duplicate = PartnerFactory(
        first_name="Ana", last_name="Reed", npi=None, city="", phone="617-555-0142", credentials=""
    )
    for days_ago in (20, 10):
        Referral.objects.create(
            patient=PatientFactory(location=clinic),
            partner=duplicate,
            received_on=today - dt.timedelta(days=days_ago),
        )
    Referral.objects.create(
        patient=PatientFactory(location=clinic),
        partner=real,
        received_on=today - dt.timedelta(days=40),
    )
    TouchpointFactory(partner=duplicate, occurred_on=today - dt.timedelta(days=5))
    boss = UserFactory(
        username="boss", first_name="Dana", last_name="Whitfield", role=Role.MANAGER, is_staff=True
    )

    log_in(boss)
    assert_accessible(page)
    page.get_by_role("link", name="Partners", exact=True).click()
    page.get_by_label("Search").fill("reed")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Ana Reed", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Ana Reed, MD", exact=True)).to_be_visible()
    screenshot("directory")
    assert_accessible(page)

    page.get_by_role("link", name="Ana Reed", exact=True).click()
    page.get_by_role("link", name="Merge a duplicate…").click()
    expect(page.get_by_role("heading", name="Merge a duplicate: Ana Reed")).to_be_visible()
    expect(page.get_by_text("2 referrals")).to_be_visible()
    page.get_by_label("Ana Reed, MD · Primary care").check()
    page.get_by_label("Move everything to the partner kept").check()
    screenshot("merge")
    assert_accessible(page)
    page.get_by_role("button", name="Merge").click()

    expect(
        page.get_by_text("Merged: everything of the duplicate is now Ana Reed, MD's.")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Ana Reed, MD")).to_be_visible()
    scorecard = page.get_by_role("region", name="Scorecard")
    expect(scorecard.get_by_text("Referrals", exact=True).locator("xpath=..")).to_contain_text("3")
    screenshot("merged")
    assert_accessible(page)
    assert not Partner.objects.filter(pk=duplicate.pk).exists()
    assert Referral.objects.filter(partner=real).count() == 3

    # Directory and partner page on a tablet.
    page.set_viewport_size({"width": 768, "height": 1024})
    assert_fits(page, 768)
    screenshot("tablet-partner")
    page.get_by_role("link", name="Partners", exact=True).click()
    assert_fits(page, 768)
    screenshot("tablet-directory")
