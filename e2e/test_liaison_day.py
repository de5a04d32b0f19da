"""The liaison's day: a cooling partner on Today, a touchpoint logged, the partner off the list."""

import datetime as dt

from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from liaison.accounts.models import Role
from liaison.care.models import Referral
from liaison.factories import LocationFactory, PartnerFactory, PatientFactory, UserFactory
from liaison.partners.models import Touchpoint


def test_the_liaison_logs_a_touchpoint_and_the_partner_leaves_the_reconnect_list(
    page, log_in, screenshot
):
    clinic = LocationFactory(name="Riverside Clinic")
    today = dt.date.today()
    quiet = PartnerFactory(first_name="Ana", last_name="Reed", specialty_id="orthopedic_surgery")
    # Referred last year, then nothing for more than 180 days: dormant.
    for days_ago in (400, 300, 250):
        Referral.objects.create(
            patient=PatientFactory(location=clinic, first_name="Hidden", last_name="Patientname"),
            partner=quiet,
            received_on=today - dt.timedelta(days=days_ago),
        )
    PartnerFactory(first_name="Olu", last_name="Stone", contact_cadence_days=30)
    marketing = UserFactory(
        username="marketing",
        first_name="Jo",
        last_name="Park",
        role=Role.LIAISON,
        locations=[clinic],
    )

    log_in(marketing)
    reconnect = page.get_by_role("region", name="Partners to reconnect with")
    expect(reconnect.get_by_role("link", name="Ana Reed, MD", exact=True)).to_be_visible()
    expect(
        page.get_by_role("region", name="Contacts overdue by cadence").get_by_role(
            "link", name="Olu Stone, MD", exact=True
        )
    ).to_be_visible()
    expect(page.get_by_text("Patientname")).to_have_count(0)
    screenshot("today-before")
    assert_accessible(page)

    reconnect.get_by_role("link", name="Log contact with Ana Reed, MD").click()
    expect(page.get_by_role("heading", name="Touchpoint with Ana Reed, MD")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Kind").select_option("lunch")
    page.get_by_label("Notes").fill("Lunch at the clinic; asked how referrals are going.")
    page.get_by_label("Cost (USD)").fill("48.50")
    page.get_by_label("Plan the next one for").fill((today + dt.timedelta(days=3)).isoformat())
    screenshot("touchpoint")
    page.get_by_role("button", name="Log touchpoint").click()

    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_text("Touchpoint with Ana Reed, MD logged.")).to_be_visible()
    reconnect = page.get_by_role("region", name="Partners to reconnect with")
    expect(reconnect.get_by_role("link", name="Ana Reed, MD", exact=True)).to_have_count(0)
    planned = page.get_by_role("region", name="Touchpoints planned this week")
    if (today + dt.timedelta(days=3)).isocalendar()[1] == today.isocalendar()[1]:
        expect(planned.get_by_role("link", name="Ana Reed, MD", exact=True)).to_be_visible()
    screenshot("today-after")
    assert_accessible(page)
    touchpoint = Touchpoint.objects.get()
    assert (touchpoint.kind, str(touchpoint.cost), touchpoint.staff) == (
        "lunch",
        "48.50",
        "Jo Park",
    )

    # The partner's page shows the contact, this year's spending and no patient.
    page.get_by_role("link", name="Partners").click()
    page.get_by_role("link", name="Ana Reed, MD", exact=True).click()
    expect(page.get_by_text("Gifts and meals in")).to_contain_text("$48.50")
    expect(page.get_by_text("Patientname")).to_have_count(0)
    expect(page.get_by_text("Counts only: your role sees partners, not patients.")).to_be_visible()
    screenshot("partner")
    assert_accessible(page)
