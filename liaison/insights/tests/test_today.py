"""Today, the home page: each role's work lists, one click from their actions."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    TouchpointFactory,
    VisitFactory,
)
from liaison.insights.data_version import data_version
from liaison.insights.kept import forget
from liaison.partners.models import PlannedTouchpoint

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 4)  # a Wednesday
HOME = reverse("insights-home")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(dt.datetime(2026, 3, 4, 15, 0), tick=False):
        yield


def dormant_partner(name="Sleepyman"):
    partner = PartnerFactory(last_name=name)
    ReferralFactory(partner=partner, received_on=dt.date(2025, 6, 1))
    return partner


def practice(location_a, location_b, n=1):
    """A practice with something in every list; `n` scales how much."""
    for i in range(n):
        ReferralFactory(
            patient=PatientFactory(location=location_b, last_name=f"Bwaiting{i}"),
            received_on=dt.date(2026, 3, 3),
        )
        ReferralFactory(
            patient=PatientFactory(location=location_a, last_name=f"Awaiting{i}"),
            received_on=dt.date(2026, 3, 2),
        )
        stalled_referral = ReferralFactory(
            patient=PatientFactory(location=location_a, last_name=f"Stalled{i}"),
            received_on=dt.date(2026, 1, 5),
            decision="accepted",
            decided_on=dt.date(2026, 1, 5),
        )
        episode = EpisodeFactory(
            patient=stalled_referral.patient,
            referral=stalled_referral,
            started_on=dt.date(2026, 1, 12),
            primary_measure="ODI",
        )
        VisitFactory(episode=episode, visit_on=dt.date(2026, 1, 12))
        OutcomeFactory(episode=episode, measured_on=dt.date(2026, 1, 12), score=Decimal(40))
        OutcomeFactory(episode=episode, measured_on=dt.date(2026, 2, 20), score=Decimal(38))
        dormant_partner(f"Sleepyman{i}")
        PlannedTouchpoint.objects.create(
            partner=PartnerFactory(last_name=f"Planned{i}"),
            planned_on=dt.date(2026, 3, 6),
            kind="lunch",
        )
        PartnerFactory(last_name=f"Cadenced{i}", contact_cadence_days=30)


def test_the_front_desk_sees_referrals_to_triage_at_their_locations(
    client, front_desk, location_a, location_b
):
    practice(location_a, location_b)
    client.force_login(front_desk)
    page = client.get(HOME).content.decode()
    assert "Referrals to triage" in page and "Bwaiting0" in page
    assert "Awaiting0" not in page  # location A's
    assert "Partners to reconnect with" not in page and "Reports overdue" not in page


def test_the_clinician_sees_triage_reports_and_patients_not_responding(
    client, clinician, location_a, location_b
):
    practice(location_a, location_b)
    client.force_login(clinician)
    page = client.get(HOME).content.decode()
    assert "Awaiting0" in page and "Bwaiting0" not in page
    assert "Reports overdue and due today" in page
    assert "Initial report: Stalled0" in page  # first visit Jan 12: due Jan 14, overdue
    assert "Patients not responding or worsening" in page and "Stalled0" in page
    assert "ODI 2 points better over 39 days; 10 needed" in page


def test_the_liaison_sees_partners_only_and_never_a_patient(
    client, liaison_user, location_a, location_b
):
    practice(location_a, location_b)
    client.force_login(liaison_user)
    page = client.get(HOME).content.decode()
    for heading in [
        "Partners to reconnect with",
        "Touchpoints planned this week",
        "Contacts overdue by cadence",
    ]:
        assert heading in page
    assert "Sleepyman0" in page and "Planned0" in page and "Cadenced0" in page
    for patient in ["waiting0", "Stalled0"]:
        assert patient not in page
    assert "/care/" not in page


def test_a_logged_touchpoint_takes_the_partner_off_the_reconnect_list(
    client, liaison_user, django_capture_on_commit_callbacks
):
    partner = dormant_partner()
    client.force_login(liaison_user)
    item = f'aria-label="Log contact with {partner.display_name}"'
    assert item in client.get(HOME).content.decode()
    # The scorecards are now kept; the contact still counts at once (once its write commits).
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("partners-touchpoint-new", args=[partner.code]) + "?next=today",
            {"kind": "call", "occurred_on": "2026-03-04", "staff": "Jo"},
        )
    page = client.get(HOME).content.decode()
    assert item not in page and "No partner is cooling off" in page


def test_each_item_is_one_click_from_its_action(client, owner, location_a, location_b):
    practice(location_a, location_b)
    client.force_login(owner)
    page = client.get(HOME).content.decode()
    assert 'aria-label="Triage the referral of' in page
    assert 'aria-label="Log contact with' in page
    assert 'aria-label="Review the care of' in page
    assert 'action="/reports/drafts/"' in page  # write the overdue report
    assert "?plan=" in page  # log the planned touchpoint


def test_a_user_without_a_role_is_told_so(client, outsider):
    client.force_login(outsider)
    assert "Your account has no role yet" in client.get(HOME).content.decode()


@pytest.mark.parametrize("role", ["front_desk", "clinician", "liaison_user", "owner"])
def test_today_runs_the_same_queries_whatever_the_data(
    request, client, role, location_a, location_b
):
    client.force_login(request.getfixturevalue(role))
    practice(location_a, location_b, n=1)
    client.get(HOME)  # sessions
    small = queries_computed_and_kept(client)
    practice(location_a, location_b, n=4)
    TouchpointFactory.create_batch(3)
    assert queries_computed_and_kept(client) == small


def queries_computed_and_kept(client) -> tuple[int, int]:
    """Queries of Today computing its figures afresh, then reading them from the cache."""
    cache.clear()
    forget()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            client.get(HOME)
        counts.append(len(queries))
    return tuple(counts)


def test_a_report_written_and_sent_leaves_today_at_once(client, clinician, location_a, location_b):
    from liaison.reports.delivery import report_mark_sent
    from liaison.reports.services import report_draft

    practice(location_a, location_b)
    client.force_login(clinician)
    assert "Initial report: Stalled0" in client.get(HOME).content.decode()  # now kept
    episode = EpisodeFactory._meta.model.objects.get(patient__last_name="Stalled0")
    report = report_draft(
        referral=episode.referral,
        kind="initial",
        episode=episode,
        due_on=dt.date(2026, 1, 14),
        by=clinician,
    )
    report_mark_sent(report=report, on=TODAY, channel="email")
    assert "Initial report: Stalled0" not in client.get(HOME).content.decode()


def test_the_figures_version_lives_where_every_worker_reads_it(client, owner):
    """Not in one process's memory, nor in the cache: in a table of the database, which the
    database advances itself, so a write in one worker refreshes the figures of all."""
    PartnerFactory()
    version = data_version()
    with connection.cursor() as cursor:
        cursor.execute("SELECT topic, counter FROM insights_dataversion")
        stored = dict(cursor.fetchall())
    assert stored["figures"] == version["figures"] > 0
    cache.close()
    cache.clear()
    assert data_version() == version
