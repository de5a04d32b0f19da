"""Keeping referrers informed: completion and outcome success of the episodes whose referrer
had the initial report on time, against the others (docs/metrics.md, the worked example)."""

import json

import pytest
from django.core.management import call_command

from liaison.factories import PartnerFactory, ReportFactory
from liaison.insights.informed import keeping_informed
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, reading, referral, visits
from liaison.reports.models import CommunicationPreference

pytestmark = pytest.mark.django_db

D = day("2026-03-31")
# Mondays to Fridays from Monday 5 January 2026: the attended visits of an episode.
VISIT_DAYS = [
    "2026-01-05",
    "2026-01-07",
    "2026-01-09",
    "2026-01-12",
    "2026-01-14",
    "2026-01-16",
    "2026-01-19",
    "2026-01-21",
    "2026-01-23",
    "2026-01-26",
]
INITIAL_DUE = "2026-01-07"  # first visit Monday 5 January + 2 business days


def closed_episode(
    partner, *, planned, attended, odi, initial_sent, ended="2026-02-27", location=None
):
    """A referral first seen on 5 January whose episode ended on `ended`, with `attended`
    visits of `planned`, ODI readings `odi` (first, last), and its initial report sent on
    `initial_sent` (None: never written)."""
    ref = referral(partner, "2026-01-02", location=location)
    ep = episode(ref, started="2026-01-05", ended=ended, planned=planned)
    visits(ep, *VISIT_DAYS[:attended])
    reading(ep, "2026-01-05", odi[0])
    reading(ep, "2026-02-20", odi[1])
    if initial_sent:
        ReportFactory(
            referral=ref,
            episode=ep,
            kind="initial",
            due_on=day(INITIAL_DUE),
            sent_on=day(initial_sent),
        )
    return ep


@pytest.fixture
def history():
    partner = PartnerFactory(external_id="DR-1")
    opted_out = PartnerFactory(external_id="DR-2")
    CommunicationPreference.objects.create(partner=opted_out, wants_initial=False)
    # Informed: the initial report on or before its due date, 7 January.
    closed_episode(partner, planned=10, attended=8, odi=(40, 20), initial_sent="2026-01-07")
    closed_episode(partner, planned=4, attended=4, odi=(40, 35), initial_sent="2026-01-06")
    # Not informed: sent late, or never written.
    closed_episode(partner, planned=10, attended=3, odi=(40, 38), initial_sent="2026-01-08")
    closed_episode(partner, planned=5, attended=5, odi=(50, 45), initial_sent=None)
    # In neither group: the partner wants no initial report; the episode is still open on D;
    # the referral was never seen (no attended visit), so no initial report was owed.
    closed_episode(opted_out, planned=2, attended=2, odi=(40, 10), initial_sent=None)
    closed_episode(
        partner, planned=2, attended=2, odi=(40, 10), initial_sent="2026-01-07", ended="2026-04-02"
    )
    closed_episode(
        partner, planned=2, attended=0, odi=(40, 39), initial_sent=None, ended="2026-01-30"
    )
    return partner


def test_the_worked_example(history):
    informed = keeping_informed(scope=Scope(as_of=D))
    assert informed.informed_completion_rate == pytest.approx(0.9)  # (0.8 + 1) ÷ 2
    assert informed.informed_success_rate == 0.5  # 20 points of 10, but 5 of 10
    assert informed.uninformed_completion_rate == pytest.approx(0.65)  # (0.3 + 1) ÷ 2
    assert informed.uninformed_success_rate == 0.0
    assert (informed.informed.closed_episodes, informed.uninformed.closed_episodes) == (2, 2)


def test_a_window_that_starts_after_the_discharges_holds_no_episode(history):
    informed = keeping_informed(scope=Scope(as_of=D, window_days=30))  # from 2 March
    assert informed.informed_completion_rate is None
    assert informed.uninformed_success_rate is None


def test_one_partner_and_one_location(history, location_b):
    other = PartnerFactory()
    closed_episode(
        other, planned=4, attended=1, odi=(40, 40), initial_sent="2026-01-07", location=location_b
    )
    only_other = keeping_informed(scope=Scope(as_of=D), partner_pk=other.pk)
    assert only_other.informed_completion_rate == 0.25
    assert only_other.uninformed_completion_rate is None
    at_b = keeping_informed(scope=Scope(as_of=D, location_id=location_b.pk))
    assert (at_b.informed.closed_episodes, at_b.uninformed.closed_episodes) == (1, 0)
    practice = keeping_informed(scope=Scope(as_of=D))
    assert practice.informed_completion_rate == pytest.approx((0.8 + 1 + 0.25) / 3)


def test_the_scorecards_json_carries_the_four_rates(history):
    document = json.loads(_run("scorecards", "--as-of", D.isoformat(), "--format", "json"))
    response = document["response"]
    assert response["informed_completion_rate"] == pytest.approx(0.9)
    assert response["informed_success_rate"] == 0.5
    assert response["uninformed_completion_rate"] == pytest.approx(0.65)
    assert response["uninformed_success_rate"] == 0.0


def test_the_response_page_shows_the_table_and_says_it_is_no_proof(client, owner, history):
    client.force_login(owner)
    page = client.get("/insights/response/", {"as_of": D.isoformat()}).content.decode()
    assert "Keeping referrers informed" in page
    assert "An association, not proof" in page
    assert "90 %" in page and "65 %" in page


def _run(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
