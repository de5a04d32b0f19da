"""A referring physician's visit to the portal: a sign-in link by email, their own patients only,
a report opened (read on the practice's side), the plan agreed with, a referral sent."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.accessibility import assert_accessible
from e2e.conftest import PASSWORD
from liaison.accounts.models import Role
from liaison.care.models import Referral
from liaison.factories import (
    LocationFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    UserFactory,
)
from liaison.portal.models import ReportAnswer, ReportRead
from liaison.portal.tests.conftest import LINK, initial_report_sent
from liaison.reports.tests.builders import evaluated, measure, referral_seen


@pytest.fixture
def practice(transactional_db):
    """Dr Silva's patient Maya, seen and reported on; Dr Okafor's patient Theo."""
    clinic = LocationFactory(name="Riverside Clinic")
    silva = PartnerFactory(
        first_name="Ana",
        last_name="Silva",
        credentials="MD",
        email="silva@clinic.example",
        preferred_channel="email",
    )
    okafor = PartnerFactory(first_name="Ben", last_name="Okafor", email="okafor@elsewhere.example")
    referral, episode = referral_seen(
        location=clinic, visits=["2026-01-12", "2026-01-15"], partner=silva
    )
    evaluated(episode)
    measure(episode, ("2026-01-12", "46"), ("2026-02-09", "30"))
    clinician = UserFactory(
        username="sam",
        first_name="Sam",
        last_name="Lee",
        credentials="DPT",
        role=Role.CLINICIAN,
        locations=[clinic],
    )
    report = initial_report_sent(episode, clinician)
    theirs = ReferralFactory(
        patient=PatientFactory(location=clinic, first_name="Theo", last_name="Brandt"),
        partner=okafor,
        received_on=dt.date(2026, 2, 2),
    )
    return {"report": report, "clinician": clinician, "theirs": theirs, "silva": silva}


def test_a_referrer_signs_in_by_link_and_follows_their_own_patients(
    page,
    live_server,
    settings,
    smtp,
    practice,
    screenshot,
    browser,  # noqa: F811
):
    settings.LIAISON_SITE_URL = live_server.url
    page.goto("/portal/sign-in/")
    assert_accessible(page)
    page.get_by_label("Your email address").fill("silva@clinic.example")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = LINK.search(smtp.messages[-1].get_body(("plain",)).get_content()).group(0)

    page.goto(link)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your patients with us")).to_be_visible()
    expect(page.get_by_role("link", name="Maya")).to_be_visible()
    expect(page.get_by_text("Theo")).to_have_count(0)
    screenshot("portal-home")
    assert_accessible(page)
    assert page.goto(f"/portal/referrals/{practice['theirs'].code}/").status == 404

    page.goto("/portal/")
    page.get_by_role("link", name="Maya").click()
    expect(page.get_by_role("heading", name="Where care stands")).to_be_visible()
    expect(page.get_by_text("Visits attended: 2 of 12 planned.")).to_be_visible()
    expect(page.locator("#outcome-chart")).to_be_visible()
    assert_accessible(page)
    pdf = page.get_by_role("link", name="Open the report (PDF)").get_attribute("href")
    opened = page.context.request.get(pdf)
    assert opened.headers["content-type"] == "application/pdf"
    assert ReportRead.objects.filter(report=practice["report"]).exists()

    page.get_by_text("Answer this report").click()
    page.get_by_label("Agrees with the plan").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Thank you: your answer reached the practice.")).to_be_visible()
    assert ReportAnswer.objects.get().kind == "agree"

    page.get_by_role("link", name="Send a referral").click()
    page.get_by_label("Patient's first name").fill("Lena")
    page.get_by_label("Patient's last name").fill("Ortiz")
    page.get_by_label("Birth date").fill("04/12/1980")
    page.get_by_label("Reason for referral").fill("Neck pain after a fall")
    assert_accessible(page)
    page.get_by_role("button", name="Send the referral").click()
    expect(
        page.get_by_text("Referral sent: the practice will contact the patient.")
    ).to_be_visible()
    assert Referral.objects.get(patient__last_name="Ortiz").partner == practice["silva"]

    page.goto(link)
    expect(page.get_by_text("This sign-in link was already used")).to_be_visible()

    _the_practice_sees_it_read_and_agreed(browser, live_server, practice)


def _the_practice_sees_it_read_and_agreed(browser, live_server, practice) -> None:
    context = browser.new_context(base_url=live_server.url)
    staff = context.new_page()
    staff.goto("/accounts/login/")
    staff.get_by_label("Username").fill("sam")
    staff.get_by_label("Password").fill(PASSWORD)
    staff.get_by_role("button", name="Log in").click()
    staff.goto(f"/reports/reports/{practice['report'].code}/")
    expect(staff.get_by_text("opened in the referrer portal")).to_be_visible()
    expect(staff.get_by_text("Agrees with the plan")).to_be_visible()
    context.close()
