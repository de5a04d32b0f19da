"""Response times and report on-time rates."""

import pytest

from liaison.core.dates import add_business_days
from liaison.core.models import PracticeSettings
from liaison.factories import EpisodeFactory, PartnerFactory, ReferralFactory, ReportFactory
from liaison.insights.response import response_times
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, episode, referral, visits

pytestmark = pytest.mark.django_db

D = day("2026-03-31")


def seen_after(partner, received: str, first_visit: str):
    ref = referral(partner, received)
    visits(episode(ref, started=first_visit), first_visit)
    return ref


@pytest.fixture
def partner():
    p = PartnerFactory()
    for received, first in [("2026-01-05", "2026-01-07"), ("2026-01-05", "2026-01-09"),
                            ("2026-02-02", "2026-02-09"), ("2026-02-02", "2026-02-11"),
                            ("2026-03-02", "2026-03-17")]:
        seen_after(p, received, first)  # 2, 4, 7, 9 and 15 days
    referral(p, "2026-03-20")  # not seen
    seen_after(p, "2026-03-25", "2026-04-01")  # seen after D: not seen as of D
    return p


def test_median_p90_and_target(partner):
    times = response_times(scope=Scope(as_of=D))
    assert times.median_days_to_first_visit == 7
    assert times.p90_days_to_first_visit == 15  # the ⌈4.5⌉ = 5th of 5
    assert times.seen_within_target_rate == 3 / 5  # 7 days by default


def test_even_count_median_is_the_mean_of_the_middle_two(partner):
    seen_after(partner, "2026-03-01", "2026-03-21")  # 20 days
    times = response_times(scope=Scope(as_of=D))
    assert times.median_days_to_first_visit == 8.0
    assert times.p90_days_to_first_visit == 20  # the ⌈5.4⌉ = 6th of 6


def test_the_practice_target_decides_within_target(partner):
    settings = PracticeSettings.current()
    settings.response_target_days = 3
    settings.save()
    assert response_times(scope=Scope(as_of=D)).seen_within_target_rate == 1 / 5


def test_per_partner_response(partner):
    other = PartnerFactory()
    seen_after(other, "2026-01-05", "2026-01-06")
    assert response_times(scope=Scope(as_of=D), partner_pk=other.pk).median_days_to_first_visit == 1
    assert response_times(scope=Scope(as_of=D)).median_days_to_first_visit == 5.5


def test_no_seen_referrals_no_times(db):
    times = response_times(scope=Scope(as_of=D))
    assert times.median_days_to_first_visit is None
    assert times.p90_days_to_first_visit is None
    assert times.seen_within_target_rate is None
    assert set(times.on_time_rate.values()) == {None}


def report(kind, due: str, sent: str | None = None):
    ref = ReferralFactory()
    ep = EpisodeFactory(patient=ref.patient, referral=ref) if kind == "discharge" else None
    return ReportFactory(
        referral=ref, episode=ep, kind=kind, due_on=day(due), sent_on=day(sent) if sent else None
    )


def test_on_time_rates_per_kind_and_all(db):
    report("initial", "2026-01-06", "2026-01-06")  # on time
    report("initial", "2026-01-07", "2026-01-09")  # late
    report("progress", "2026-02-01")  # never sent
    report("discharge", "2026-03-31", "2026-04-01")  # sent after D: late as of D
    report("redirect", "2026-04-02")  # due after D: not counted
    report("alert", "2025-03-01", "2025-03-01")  # due before the window
    rates = response_times(scope=Scope(as_of=D)).on_time_rate
    assert rates == {"initial": 0.5, "progress": 0.0, "discharge": 0.0, "redirect": None,
                     "alert": None, "all": 0.25}


def test_business_days_across_a_weekend(db):
    friday, saturday = day("2026-01-09"), day("2026-01-10")
    due = add_business_days(friday, 2)
    assert due == add_business_days(saturday, 2) == day("2026-01-13")  # Tuesday
    report("alert", due.isoformat(), "2026-01-12")  # Monday: on time
    report("alert", due.isoformat(), "2026-01-14")  # Wednesday: late
    assert response_times(scope=Scope(as_of=D)).on_time_rate["alert"] == 0.5
