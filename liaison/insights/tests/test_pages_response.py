"""The response page: days to first visit by location and partner, on-time rates by kind,
clinician and location, and the overdue list (no patient named; a link only for those who
may see patients)."""

import pytest
from django.urls import reverse

from conftest import client_for
from liaison.factories import PartnerFactory, ReportFactory
from liaison.insights.response import response_times
from liaison.insights.response_breakdown import response_breakdown
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, referral, visits
from liaison.insights.tests.page_checks import ROLES, csv_lines, queries_of, status_for
from liaison.reports.models import Report

pytestmark = pytest.mark.django_db

D = day("2026-03-31")
URL = reverse("insights-response")
QUERY = {"as_of": D.isoformat(), "window_days": 365}


def seen_after(partner, received: str, first_visit: str, location, clinician="Sam Lee, DPT"):
    ref = referral(partner, received, location=location)
    ep = episode(ref, started=first_visit)
    ep.clinician_name = clinician
    ep.save()
    visits(ep, first_visit)
    return ref, ep


@pytest.fixture
def history(location_a, location_b):
    quick = PartnerFactory(last_name="Quick")
    slow = PartnerFactory(last_name="Slow")
    ref, ep = seen_after(quick, "2026-01-05", "2026-01-07", location_a)  # 2 days
    ReportFactory(referral=ref, episode=ep, due_on=day("2026-01-09"), sent_on=day("2026-01-09"))
    seen_after(quick, "2026-02-02", "2026-02-06", location_a)  # 4 days
    ref, ep = seen_after(slow, "2026-02-02", "2026-02-22", location_b, clinician="Kim Ito, PT")
    ReportFactory(referral=ref, episode=ep, due_on=day("2026-02-24"), sent_on=None)  # overdue
    ReportFactory(
        referral=ref,
        episode=ep,
        kind=Report.Kind.PROGRESS,
        due_on=day("2026-03-20"),
        sent_on=day("2026-03-25"),
    )  # late, but sent
    return quick, slow


@ROLES
def test_who_may_look(request, client, user, status):
    assert status_for(request, client, user, URL) == status


def test_breakdown_figures(history, location_a, location_b):
    quick, slow = history
    parts = response_breakdown(scope=Scope(as_of=D))
    assert parts.seen_by_location[location_a.pk].median_days == 3.0
    assert parts.seen_by_location[location_b.pk].p90_days == 20
    assert parts.seen_by_partner[quick.pk].seen == 2
    assert parts.seen_by_partner[slow.pk].seen_within_target == 0
    reports_on_time = response_times(scope=Scope(as_of=D)).reports_on_time
    # Sam Lee owes two initial reports (one sent on time, one never written) and three
    # progress reports of the two open episodes (6 February and 8 March), none written.
    by_clinician = reports_on_time.by_clinician
    assert (by_clinician["Sam Lee, DPT"].rate, by_clinician["Kim Ito, PT"].rate) == (0.2, 0.0)
    assert reports_on_time.by_location[location_b.pk].due == 2


def test_page_shows_the_figures_and_the_overdue_report(client, owner, history):
    page = client_for(client, owner).get(URL, QUERY).content.decode()
    assert "Riverside Clinic" in page and "Hillcrest Clinic" in page
    assert "Quick" in page and "Kim Ito, PT" in page
    assert "5 overdue reports." in page  # Kim Ito's initial report, and four never written
    assert "Open report" in page  # a manager may open the one written
    assert "Not written: report queue" in page


def test_the_liaison_sees_no_patient_and_no_report_link(client, liaison_user, history):
    page = client_for(client, liaison_user).get(URL, QUERY).content.decode()
    assert "5 overdue reports." in page
    assert "Open report" not in page and "Not written" not in page
    assert "Jordan" not in page and "Patient" not in page.replace("patients", "")


def test_csvs(client, liaison_user, history):
    client_for(client, liaison_user)
    overdue = csv_lines(client.get(URL, {**QUERY, "csv": "overdue"}))
    assert overdue[0] == "partner id,partner,kind,due on,days overdue,clinician"
    assert overdue[1].endswith(',Progress report,2026-02-06,53,"Sam Lee, DPT"')
    assert any(row.endswith(',Initial report,2026-02-24,35,"Kim Ito, PT"') for row in overdue)
    partners = csv_lines(client.get(URL, {**QUERY, "csv": "by-partner"}))
    assert partners[1].startswith('"Alex Quick, MD",2,3.0,4,1.0')
    on_time = csv_lines(client.get(URL, {**QUERY, "csv": "on-time"}))
    assert on_time[0] == "by,name,on-time rate,reports due,sent on time,not sent"
    assert "kind,Initial report,0.3333,3,1,2" in on_time
    assert "kind,Progress report,0.0,4,0,3" in on_time  # one sent, but late
    assert 'clinician,"Kim Ito, PT",0.0,2,0,1' in on_time


def test_query_count_does_not_grow(client, owner, history):
    client_for(client, owner)
    client.get(URL, QUERY)  # the session and the settings row exist from here on
    before = queries_of(client, URL, QUERY)
    for _ in range(30):  # 30 more partners, each with an overdue report
        ref, ep = seen_after(PartnerFactory(), "2026-03-01", "2026-03-03", None)
        ReportFactory(referral=ref, episode=ep, due_on=day("2026-03-05"), sent_on=None)
    assert queries_of(client, URL, QUERY) == before
