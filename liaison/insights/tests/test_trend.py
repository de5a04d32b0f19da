"""Trend labels and the reconnect flag: each label from data, and the order they are tried."""

import datetime as dt

import pytest

from liaison.care.models import Channel, Referral
from liaison.factories import PartnerFactory, PatientFactory
from liaison.insights.scope import Scope
from liaison.insights.scorecards import classify_trend, partner_scorecard
from liaison.insights.tests.history import day, touchpoint
from liaison.insights.tests.test_stats import reference_cdf, reference_sf

pytestmark = pytest.mark.django_db

D = day("2026-03-31")
SCOPE = Scope(as_of=D)


def partner_with(received: list[dt.date]):
    """A partner whose referrals were received on these days (one patient, many referrals)."""
    partner = PartnerFactory()
    patient = PatientFactory(channel=Channel.REFERRAL, source_partner=partner)
    Referral.objects.bulk_create(
        Referral(partner=partner, patient=patient, received_on=d) for d in received
    )
    return partner


def every(start: str, count: int, step_days: int) -> list[dt.date]:
    return [day(start) + dt.timedelta(days=i * step_days) for i in range(count)]


def card(partner):
    return partner_scorecard(scope=SCOPE, partner=partner)


def test_new_partner_first_referred_in_the_last_90_days():
    c = card(partner_with([day("2026-02-01"), day("2026-03-01")]))
    assert c.trend == "new"
    assert c.needs_reconnect is False


def test_dormant_partner_and_the_reconnect_flag():
    quiet = partner_with(every("2025-01-10", 5, 30))  # last on 2025-05-10 ≤ D − 180
    called = partner_with(every("2025-01-10", 5, 30))
    touchpoint(called, "2026-03-15")  # within (D − 30, D]
    touchpoint(quiet, "2026-03-01")  # exactly D − 30: not within
    assert card(quiet).trend == card(called).trend == "dormant"
    assert card(quiet).needs_reconnect is True
    assert card(called).needs_reconnect is False


def test_declining_partner():
    # 20 referrals in the baseline year, the last on 2025-12-20, none since.
    c = card(partner_with(every("2025-01-05", 20, 18)))
    assert (c.recent_referrals, c.baseline_referrals) == (0, 20)
    assert c.expected_recent == pytest.approx(20 * 90 / 365)
    assert c.p_decline == pytest.approx(reference_cdf(0, 20 * 90 / 365), rel=1e-12)
    assert c.p_decline < 0.05
    assert c.trend == "declining"
    assert c.needs_reconnect is True


def test_growing_partner():
    c = card(partner_with([*every("2025-03-01", 4, 60), *every("2026-01-10", 8, 10)]))
    assert (c.recent_referrals, c.baseline_referrals) == (8, 4)
    assert c.p_growth == pytest.approx(reference_sf(8, 4 * 90 / 365), rel=1e-12)
    assert c.trend == "growing"
    assert c.needs_reconnect is False


def test_significant_but_small_drop_is_steady():
    # 365 baseline referrals (expected 90), 72 recent: p_decline < 0.05 but 72 > 0.7 × 90.
    c = card(partner_with([*every("2025-01-01", 365, 1), *every("2026-01-01", 72, 1)]))
    assert c.expected_recent == 90.0
    assert c.p_decline < 0.05
    assert c.trend == "steady"


@pytest.mark.parametrize(
    ("first", "last", "recent", "expected", "p_decline", "p_growth", "label"),
    [
        (None, None, 0, 0.0, 1.0, 1.0, "none"),
        ("2026-01-01", "2026-01-01", 1, 0.0, 1.0, 0.0, "new"),  # new before growing
        ("2025-01-01", "2025-10-02", 0, 2.0, 0.01, 1.0, "dormant"),  # D − 180 is dormant
        ("2025-01-01", "2025-10-03", 0, 5.0, 0.01, 1.0, "declining"),
        ("2025-01-01", "2026-03-01", 7, 10.0, 0.049, 0.9, "declining"),  # 7 = 0.7 × 10
        ("2025-01-01", "2026-03-01", 13, 10.0, 0.9, 0.049, "growing"),  # 13 = 1.3 × 10
        ("2025-01-01", "2026-03-01", 13, 10.0, 0.9, 0.05, "steady"),  # p must be < 0.05
        ("2025-12-31", "2026-03-01", 5, 5.0, 0.5, 0.5, "steady"),  # D − 90 is not new
    ],
)
def test_trend_labels_in_order(first, last, recent, expected, p_decline, p_growth, label):
    assert (
        classify_trend(
            first_referral_on=day(first) if first else None,
            last_referral_on=day(last) if last else None,
            recent=recent,
            expected=expected,
            p_decline=p_decline,
            p_growth=p_growth,
            scope=SCOPE,
        )
        == label
    )
