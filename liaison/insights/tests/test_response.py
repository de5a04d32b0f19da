"""Response times and report on-time rates."""

import pytest

from liaison.core.dates import add_business_days
from liaison.core.models import PracticeSettings
from liaison.factories import PartnerFactory, ReportFactory
from liaison.insights.response import response_times
from liaison.insights.scope import Scope
from liaison.insights.tests.history import day, declined, episode, referral, visits

pytestmark = pytest.mark.django_db

D = day("2026-03-31")


def seen_after(partner, received: str, first_visit: str):
    ref = referral(partner, received)
    visits(episode(ref, started=first_visit), first_visit)
    return ref


@pytest.fixture
def partner():
    p = PartnerFactory()
    for received, first in [
        ("2026-01-05", "2026-01-07"),
        ("2026-01-05", "2026-01-09"),
        ("2026-02-02", "2026-02-09"),
        ("2026-02-02", "2026-02-11"),
        ("2026-03-02", "2026-03-17"),
    ]:
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


# ----- reports on time: of every report owed (docs/metrics.md, "Reports on time") --------


def seen_on(first_visit: str, *, ended: str | None = None, partner=None):
    """A referral first seen on `first_visit`, its episode ending on `ended` (or open)."""
    ref = referral(partner or PartnerFactory(), first_visit)
    ep = episode(ref, started=first_visit, ended=ended)
    visits(ep, first_visit)
    return ref, ep


def report(ref, kind: str, due: str, sent: str | None, ep=None):
    return ReportFactory(
        referral=ref, episode=ep, kind=kind, due_on=day(due), sent_on=day(sent) if sent else None
    )


def test_on_time_rates_per_kind_and_all_count_every_report_owed(db):
    """The worked example of docs/metrics.md, as of Tuesday 31 March 2026."""
    a, a_ep = seen_on("2026-01-02", ended="2026-02-26")  # Friday
    report(a, "initial", "2026-01-06", "2026-01-06", a_ep)  # on time
    # A's progress report due 1 February is never written.
    report(a, "discharge", "2026-03-03", "2026-03-04", a_ep)  # late
    b, b_ep = seen_on("2026-01-05", ended="2026-01-30")  # Monday; ends before any progress
    report(b, "initial", "2026-01-07", "2026-01-09", b_ep)  # late
    report(b, "discharge", "2026-02-04", "2026-02-04", b_ep)  # on time
    c, c_ep = seen_on("2026-01-05", ended="2026-01-30")
    report(c, "discharge", "2026-02-04", "2026-04-01", c_ep)  # sent after D; no initial at all
    declined(PartnerFactory(), "2026-03-27", "2026-03-30")  # redirect due on D, not sent
    declined(PartnerFactory(), "2026-03-27", "2026-03-31")  # redirect due 1 April: not yet
    rates = response_times(scope=Scope(as_of=D)).on_time_rate
    assert rates == {
        "initial": 1 / 3,
        "progress": 0.0,
        "discharge": 1 / 3,
        "redirect": 0.0,
        "alert": None,
        "all": 2 / 8,
    }


def test_a_referral_seen_but_never_written_to_lowers_the_initial_report_rate(db):
    for sent in ("2026-01-07", "2026-01-06", None):
        ref, ep = seen_on("2026-01-05", ended="2026-01-09")
        if sent:
            report(ref, "initial", "2026-01-07", sent, ep)
    assert response_times(scope=Scope(as_of=D)).on_time_rate["initial"] == 2 / 3  # not 2 of 2


def test_a_report_due_before_the_window_or_after_d_is_not_counted(db):
    seen_on("2025-03-27", ended="2025-03-31")  # initial due 31 March 2025: before the window
    seen_on("2026-03-30", ended="2026-03-31")  # initial due 1 April: after D
    reports_on_time = response_times(scope=Scope(as_of=D)).reports_on_time
    assert reports_on_time.by_kind["discharge"].due == 1  # 31 March 2025 + 3 business days: 3 April
    assert "initial" not in reports_on_time.by_kind


def test_business_days_across_a_weekend(db):
    friday, saturday = day("2026-01-09"), day("2026-01-10")
    due = add_business_days(friday, 2)
    assert due == add_business_days(saturday, 2) == day("2026-01-13")  # Tuesday
    on_time, _ = seen_on("2026-01-09", ended="2026-01-20")
    report(on_time, "initial", "2026-01-13", "2026-01-13")
    late, _ = seen_on("2026-01-10", ended="2026-01-20")
    report(late, "initial", "2026-01-13", "2026-01-14")  # Wednesday: late
    assert response_times(scope=Scope(as_of=D)).on_time_rate["initial"] == 0.5


def test_one_partners_reports(db):
    partner = PartnerFactory()
    ref, ep = seen_on("2026-01-05", ended="2026-01-09", partner=partner)
    report(ref, "initial", "2026-01-07", "2026-01-07", ep)
    seen_on("2026-01-05", ended="2026-01-09")  # another partner's, never written
    mine = response_times(scope=Scope(as_of=D), partner_pk=partner.pk).reports_on_time
    assert (mine.by_kind["initial"].due, mine.by_kind["initial"].rate) == (1, 1.0)
    assert mine.by_kind["discharge"].overdue == 1
