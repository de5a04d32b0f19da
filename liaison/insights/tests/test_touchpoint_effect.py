"""The touchpoint effect: the worked example of docs/metrics.md, "Touchpoint effect"."""

import pytest

from liaison.factories import LocationFactory, PartnerFactory, TouchpointFactory
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, referral
from liaison.insights.touchpoint_effect import touchpoint_effects
from liaison.partners.models import Touchpoint

pytestmark = pytest.mark.django_db

D = day("2026-06-30")
LUNCH, CALL = Touchpoint.Kind.LUNCH, Touchpoint.Kind.CALL


def touch(partner, on: str, kind=LUNCH):
    return TouchpointFactory(partner=partner, occurred_on=day(on), kind=kind)


@pytest.fixture
def worked_example():
    """Dr A: lunch on 1 March; referrals on 30 Nov (91 days before: outside), 15 Jan and
    1 Mar (the same day: on neither side), then 10 Mar, 1 Apr and 30 May (the 90th day after).
    Dr B: lunch on 1 Feb; one referral on 20 Dec before it, none after.
    Dr B: a call on 1 April (counted: 1 April + 90 days = 30 June = D), nothing either side.
    Dr B: a lunch on 2 April: its 90 days after end after D, so it is not counted."""
    a, b = PartnerFactory(), PartnerFactory()
    touch(a, "2026-03-01")
    for received in [
        "2025-11-30",
        "2026-01-15",
        "2026-03-01",
        "2026-03-10",
        "2026-04-01",
        "2026-05-30",
    ]:
        referral(a, received)
    referral(a, "2026-05-31")  # the 91st day after: outside
    touch(b, "2026-02-01")
    referral(b, "2025-12-20")
    touch(b, "2026-04-01", CALL)
    touch(b, "2026-04-02")
    return a, b


def test_worked_example(worked_example):
    lunch, call = touchpoint_effects(scope=Scope(as_of=D))
    assert lunch.kind == LUNCH
    assert lunch.touchpoints == 2
    assert lunch.mean_before == 1.0  # (1 + 1) / 2
    assert lunch.mean_after == 1.5  # (3 + 0) / 2
    assert lunch.mean_change == 0.5
    assert lunch.increased == 1 and lunch.increased_share == 0.5
    assert (call.kind, call.touchpoints, call.mean_change, call.increased) == (CALL, 1, 0.0, 0)


def test_only_touchpoints_dated_in_the_window_count(worked_example):
    effects = touchpoint_effects(scope=Scope(as_of=D, window_days=120))  # from 3 March
    assert [(e.kind, e.touchpoints) for e in effects] == [(CALL, 1)]


def test_a_location_counts_its_own_patients_referrals():
    clinic, other = LocationFactory(), LocationFactory()
    partner = PartnerFactory()
    touch(partner, "2026-03-01")
    referral(partner, "2026-03-05", location=clinic)
    referral(partner, "2026-03-06", location=other)
    (everywhere,) = touchpoint_effects(scope=Scope(as_of=D))
    (here,) = touchpoint_effects(scope=Scope(as_of=D, location_id=clinic.pk))
    assert (everywhere.mean_after, here.mean_after) == (2.0, 1.0)


def test_no_touchpoints_no_rows(db):
    assert touchpoint_effects(scope=Scope(as_of=D)) == []


def test_one_query_whatever_the_history(worked_example, django_assert_num_queries):
    with django_assert_num_queries(1):
        touchpoint_effects(scope=Scope(as_of=D))
