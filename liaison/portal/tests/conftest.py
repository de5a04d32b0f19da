"""Fixtures for the portal's tests: a real SMTP server, a partner with referrals and a report
that reached them, and a browser (test client) signed in to the portal by a link."""

import datetime as dt
import re

import pytest

from liaison.factories import PartnerFactory, PatientFactory, ReferralFactory
from liaison.portal.services import link_create
from liaison.reports.delivery import report_mark_sent
from liaison.reports.models import Report
from liaison.reports.services import report_draft, report_sign
from liaison.reports.tests.conftest import evaluated_episode, smtp  # noqa: F401  (fixtures)

LINK = re.compile(r"https?://\S+/portal/sign-in/[\w-]+/")


@pytest.fixture
def partner(evaluated_episode):  # noqa: F811
    return evaluated_episode.referral.partner


def initial_report_sent(episode, clinician) -> Report:
    """The episode's initial report, signed by `clinician` and sent by email on Jan 13, 2026."""
    report = report_draft(
        referral=episode.referral,
        kind=Report.Kind.INITIAL,
        episode=episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )
    report_sign(report=report, body="Maya was seen on January 12.", by=clinician)
    report_mark_sent(report=report, on=dt.date(2026, 1, 13), channel="email")
    report.refresh_from_db()
    return report


@pytest.fixture
def initial_report(evaluated_episode, clinician):  # noqa: F811
    """Dr Silva's initial report about Maya."""
    return initial_report_sent(evaluated_episode, clinician)


@pytest.fixture
def other_referral(location_a):
    """A referral another partner sent: never shown to Dr Silva."""
    other = PartnerFactory(last_name="Okafor", email="okafor@elsewhere.example")
    patient = PatientFactory(location=location_a, first_name="Theo", last_name="Brandt")
    return ReferralFactory(patient=patient, partner=other, received_on=dt.date(2026, 2, 2))


def link_token(partner) -> str:
    return (
        link_create(partner=partner, email=partner.email, now=_now()).rstrip("/").rsplit("/", 1)[1]
    )


def _now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def portal(client, partner):
    """The test client signed in to the portal as Dr Silva, through a link."""
    response = client.post(f"/portal/sign-in/{link_token(partner)}/")
    assert response.status_code == 302
    return client
