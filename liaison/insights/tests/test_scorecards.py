"""The partner scorecard's worked example (docs/metrics.md): every field pinned by hand."""

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest

from liaison.care.services import referral_decline
from liaison.factories import LocationFactory, PartnerFactory
from liaison.insights.scope import Scope
from liaison.insights.scorecards import partner_scorecard, partner_scorecards
from liaison.insights.stats import poisson_cdf, poisson_sf
from liaison.insights.tests.history import (
    day,
    declined,
    episode,
    payment,
    reading,
    referral,
    touchpoint,
    visits,
)
from liaison.insights.tests.test_stats import reference_cdf, reference_sf
from liaison.interop.practice_files.export import export_practice_files
from liaison.interop.practice_files.importer import import_practice_files

pytestmark = pytest.mark.django_db

D = day("2026-03-31")  # a Tuesday; the window is [2025-04-01, 2026-03-31]
SCOPE = Scope(as_of=D)


@pytest.fixture
def history():
    """Partner A with every trap, partner B for the pooled rates, prospect C with nothing."""
    a = PartnerFactory(external_id="A-17", specialty_id="primary_care")
    b = PartnerFactory(external_id="B-2", specialty_id="orthopedic_surgery")
    c = PartnerFactory(
        external_id=None,
        stage="prospect",
        kind="organization",
        organization_name="Cedar Clinic",
        last_name="",
    )

    r1 = referral(a, "2025-06-02")  # seen after 7 days, mature
    declined(a, "2025-09-01", "2025-09-02")  # declined as not appropriate
    r3 = referral(a, "2026-01-15")  # seen after 5 days, mature, recent
    r4 = referral(a, "2026-03-20")  # seen after 5 days, not yet mature
    r5 = referral(a, "2026-03-25")  # first visit after D: not seen
    r6 = referral(a, "2025-02-10")  # before the window: baseline only
    referral(a, "2026-04-05")  # after D: ignored
    declined(a, "2026-02-01", "2026-04-02")  # decided after D: not (yet) declined

    e1 = episode(r1, started="2025-06-09", ended="2025-09-01", planned=8)
    visits(e1, "2025-06-09", "2025-06-16", "2025-06-23", "2025-06-30", "2025-07-07", "2025-07-14")
    visits(e1, "2025-07-21", status="no_show")
    reading(e1, "2025-06-09", 40)
    reading(e1, "2025-08-25", 31)
    reading(e1, "2025-08-25", 29)  # same day, later id: the last reading (improvement 11)
    reading(e1, "2025-06-09", 8, instrument="NPRS")  # another instrument: ignored
    reading(e1, "2025-08-25", 2, instrument="NPRS")
    payment(r1.patient, "2025-06-09", "100.00", e1)
    payment(r1.patient, "2025-06-16", "100.10", e1)
    payment(r1.patient, "2025-07-01", "-20.05", e1)  # a refund
    payment(r1.patient, "2026-04-03", "50.00", e1)  # after D
    payment(r1.patient, "2025-12-01", "500.00")  # no episode: not the partner's revenue

    e2 = episode(r3, started="2026-01-20", ended="2026-03-10", planned=10, measure="NDI")
    visits(e2, "2026-01-20", "2026-01-27", "2026-02-03")
    reading(e2, "2026-01-20", 50, instrument="NDI")
    reading(e2, "2026-03-05", 44, instrument="NDI")  # improvement 6 < 15
    payment(r3.patient, "2026-01-20", "80.00", e2)

    e3 = episode(r4, started="2026-03-25", planned=6)  # open
    visits(e3, "2026-03-25")
    payment(r4.patient, "2026-03-25", "60.00", e3)

    e4 = episode(r6, started="2025-02-17", ended="2025-03-20")  # closed before the window
    visits(e4, "2025-02-17")
    payment(r6.patient, "2025-04-02", "70.00", e4)  # but paid in the window

    e5 = episode(r5, started="2026-04-02")
    visits(e5, "2026-04-02")

    e6 = episode(r1, started="2025-10-01", ended="2026-02-01", planned=None, measure="PSFS")
    visits(e6, "2025-10-01", "2025-10-08")
    reading(e6, "2025-10-01", 3, instrument="PSFS")
    reading(e6, "2026-01-15", 6, instrument="PSFS")  # higher is better: +3 ≥ 2

    e7 = episode(r3, started="2026-02-01", ended="2026-02-20", planned=0)
    reading(e7, "2026-02-01", 30)  # one reading: no outcome

    e8 = episode(r1, started="2026-03-01", ended="2026-04-10")  # ends after D: still open
    visits(e8, "2026-03-01")

    touchpoint(a, "2026-02-10")
    touchpoint(a, "2026-04-10")  # after D

    rb1 = referral(b, "2025-11-03")
    eb1 = episode(rb1, started="2025-11-05", ended="2026-01-10", planned=4)
    visits(eb1, "2025-11-05", "2025-11-12", "2025-11-19", "2025-11-26", "2025-12-03")  # 5 of 4
    reading(eb1, "2025-11-05", 50)
    reading(eb1, "2026-01-05", 45)
    payment(rb1.patient, "2025-11-05", "200.00", eb1)
    declined(b, "2025-12-01", None)  # an undated decline counts as decided on receipt
    return a, b, c


def card(partner):
    return partner_scorecard(scope=SCOPE, partner=partner)


def test_referral_counts_of_the_worked_example(history):
    a = card(history[0])
    assert (a.referrals, a.mature_referrals, a.seen) == (6, 4, 3)
    assert a.conversion_rate == 2 / 4
    assert a.declined_not_appropriate == 1
    assert a.appropriateness_rate == 1 - 1 / 6
    assert a.median_days_to_first_visit == 5.0


def test_care_figures_of_the_worked_example(history):
    a = card(history[0])
    assert a.closed_episodes == 4
    assert a.compliance_rate == (6 / 8 + 3 / 10) / 2  # planned none and zero left out
    assert a.outcome_success_rate == 2 / 3
    assert a.revenue == Decimal("390.05")


def test_trend_figures_of_the_worked_example(history):
    a = card(history[0])
    assert (a.recent_referrals, a.baseline_referrals) == (4, 3)
    assert a.expected_recent == 3 * 90 / 365
    assert a.p_decline == pytest.approx(reference_cdf(4, 3 * 90 / 365), rel=1e-12)
    assert a.p_growth == pytest.approx(reference_sf(4, 3 * 90 / 365), rel=1e-12)
    assert a.p_growth < 0.05
    assert a.trend == "growing"
    assert a.last_referral_on == day("2026-03-25")
    assert a.last_touchpoint_on == day("2026-02-10")
    assert a.needs_reconnect is False


def test_identity_of_the_worked_example(history):
    a, b, c = (card(p) for p in history)
    assert (a.partner_id, a.specialty) == ("A-17", "primary_care")
    assert c.partner_id == str(history[2].code)  # no practice id: the code stands in
    assert c.name == "Cedar Clinic"


def expected_quality(n, declined, compliance, compliance_n, successes, outcome_n):
    """The product of each shrunk rate divided by the pooled rate it is shrunk towards."""
    m_app, m_comp, m_out = Fraction(3, 4), Fraction(41, 60), Fraction(1, 2)
    parts = [
        (n - declined + 10 * m_app) / (n + 10) / m_app,
        (compliance + 10 * m_comp) / (compliance_n + 10) / m_comp,
        (successes + 10 * m_out) / (outcome_n + 10) / m_out,
    ]
    return float(parts[0] * parts[1] * parts[2])


def test_shrinkage_and_value_of_the_worked_example(history):
    a, b, c = (card(p) for p in history)
    # Pooled over A and B: appropriateness 1 − 2/8, compliance (0.75 + 0.3 + 1) / 3 = 41/60,
    # outcome success 2/4.
    quality_a = expected_quality(6, 1, Fraction(21, 20), 2, 2, 3)
    assert a.quality_index == pytest.approx(quality_a, rel=1e-12)
    assert a.quality_index == pytest.approx(1.0785, abs=1e-4)  # 8 % better than the average
    assert a.shrunk["appropriateness"] == pytest.approx(12.5 / 16)
    assert a.factors["appropriateness"] == pytest.approx(12.5 / 16 / 0.75)
    assert a.value_score == Decimal("420.66")
    expected_value = (Decimal("390.05") * Decimal(a.quality_index)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_EVEN
    )
    assert a.value_score == expected_value
    assert b.compliance_rate == 1.0  # five visits of four planned count as one
    assert b.appropriateness_rate == 0.5
    assert b.quality_index == pytest.approx(expected_quality(2, 1, 1, 1, 0, 1), rel=1e-12)


def test_a_partner_with_no_referrals_at_all(history):
    c = card(history[2])
    assert (c.referrals, c.mature_referrals, c.seen, c.closed_episodes) == (0, 0, 0, 0)
    assert c.conversion_rate is None and c.appropriateness_rate is None
    assert c.median_days_to_first_visit is None
    assert c.compliance_rate is None and c.outcome_success_rate is None
    assert c.revenue == Decimal("0.00")
    # With n = 0 each shrunk rate is the pooled rate: the practice's average partner.
    assert c.quality_index == pytest.approx(1.0)
    assert c.value_score == Decimal("0.00")
    assert (c.expected_recent, c.p_decline, c.p_growth) == (0.0, 1.0, 1.0)
    assert c.trend == "none"
    assert c.last_referral_on is None and c.last_touchpoint_on is None
    assert c.needs_reconnect is False


def test_steady_partner_of_the_worked_example(history):
    b = card(history[1])
    assert (b.recent_referrals, b.baseline_referrals) == (0, 2)
    assert b.p_decline == pytest.approx(poisson_cdf(0, 2 * 90 / 365))
    assert b.p_growth == poisson_sf(0, 2 * 90 / 365) == 1.0
    assert b.trend == "steady"


def test_all_partners_agree_with_one_partner_at_a_time(history):
    every = {c.pk: c for c in partner_scorecards(scope=SCOPE)}
    assert len(every) == 3
    for partner in history:
        assert card(partner) == every[partner.pk]


def test_a_window_with_no_data_gives_nulls_not_zeros(history):
    far_past = Scope(as_of=day("2020-01-01"))
    for c in partner_scorecards(scope=far_past):
        assert c.referrals == 0 and c.seen == 0
        assert c.conversion_rate is None and c.appropriateness_rate is None
        assert c.compliance_rate is None and c.outcome_success_rate is None
        assert c.median_days_to_first_visit is None
        assert c.quality_index is None and c.value_score is None  # no pooled rate at all
        assert c.revenue == Decimal("0.00")
        assert c.trend == "none"


def test_a_shorter_window_counts_less(history):
    a = partner_scorecard(scope=Scope(as_of=D, window_days=90), partner=history[0])
    # [2026-01-01, 2026-03-31]: r3, r4, r5 and the decline decided after D.
    assert (a.referrals, a.seen, a.mature_referrals) == (4, 2, 2)
    assert a.revenue == Decimal("140.00")


def test_location_narrows_to_that_clinics_patients(db):
    north, south = LocationFactory(), LocationFactory()
    p = PartnerFactory()
    up = referral(p, "2026-01-05", location=north)
    payment(up.patient, "2026-01-05", "10.00", episode(up, started="2026-01-05"))
    for received in ("2026-01-06", "2026-01-07"):
        down = referral(p, received, location=south)
        payment(down.patient, received, "1.50", episode(down, started=received))
    scoped = Scope(as_of=D, location_id=south.pk)
    assert (card_for(p, scoped).referrals, card_for(p, scoped).revenue) == (2, Decimal("3.00"))
    [every] = partner_scorecards(scope=scoped)
    assert (every.referrals, every.revenue) == (2, Decimal("3.00"))
    assert card_for(p, Scope(as_of=D)).revenue == Decimal("13.00")


def card_for(partner, scope):
    return partner_scorecard(scope=scope, partner=partner)


def practice_figures(partner):
    """The partner's card computed from scratch: every partner's, pooled rates included."""
    return {c.pk: c for c in partner_scorecards(scope=SCOPE)}[partner.pk]


def test_a_decline_through_the_services_reaches_the_next_card_at_once(
    history, owner, django_capture_on_commit_callbacks
):
    a, b, _ = history
    before = card(a)  # the pooled rates are now kept
    waiting = referral(b, "2026-03-02")
    with django_capture_on_commit_callbacks(execute=True):
        referral_decline(
            referral=waiting,
            reason="not_appropriate",
            alternative="Spine Center",
            decline_note="Red flags.",
            on=day("2026-03-03"),
            by=owner,
        )
    after = card(a)
    # Pooled appropriateness fell from 6/8 to 6/9: A's own figures did not change, but against
    # a practice average that fell, its index rose.
    assert after.appropriateness_rate == before.appropriateness_rate
    assert after.shrunk["appropriateness"] == pytest.approx((5 + 10 * 6 / 9) / 16)
    assert after.factors["appropriateness"] == pytest.approx((5 + 10 * 6 / 9) / 16 / (6 / 9))
    assert after.quality_index > before.quality_index
    assert after == practice_figures(a)


def test_an_import_reaches_the_next_card_at_once(
    history, tmp_path, django_capture_on_commit_callbacks
):
    a, b, _ = history
    card(a)  # the pooled rates are now kept
    declined(b, "2026-03-02", "2026-03-03")  # written around the services: not yet seen
    export_practice_files(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_practice_files(tmp_path).ok
    assert card(a) == practice_figures(a)
    assert card(a).shrunk["appropriateness"] == pytest.approx((5 + 10 * 6 / 9) / 16)


def care_of(partner, *, patients: int, attended: int, improved: int):
    """`patients` referrals from `partner`, each treated in an episode of ten planned visits
    closed in the window, `attended` of them attended and paid 100.00 each; the first
    `improved` patients' ODI falls by 12 (≥ the MCID of 10), the others' by 4."""
    for i in range(patients):
        ref = referral(partner, "2025-10-01")
        ep = episode(ref, started="2025-10-06", ended="2026-01-30", planned=10)
        attended_days = [f"2025-{10 + w // 4:02d}-{6 + 7 * (w % 4):02d}" for w in range(attended)]
        visits(ep, *attended_days)
        for on in attended_days:
            payment(ref.patient, on, "100.00", ep)
        reading(ep, "2025-10-06", 50)
        reading(ep, "2026-01-26", 38 if i < improved else 46)


def test_five_excellent_referrals_are_worth_more_than_fifteen_marginal_ones():
    """The article's test case (docs/metrics.md, "Quality index"): five appropriate patients
    who all complete their plans and improve beat fifteen appropriate patients who attend
    four visits in ten and of whom four improve, though the fifteen pay more."""
    five, fifteen = PartnerFactory(), PartnerFactory()
    care_of(five, patients=5, attended=10, improved=5)
    care_of(fifteen, patients=15, attended=4, improved=4)
    a, b = card(five), card(fifteen)
    assert (a.revenue, b.revenue) == (Decimal("5000.00"), Decimal("6000.00"))
    assert (a.compliance_rate, b.compliance_rate) == (1.0, pytest.approx(0.4))
    assert (a.outcome_success_rate, b.outcome_success_rate) == (1.0, 4 / 15)
    # Pooled: appropriateness 1, compliance (5 + 15 × 0.4) / 20 = 0.55, success 9 / 20 = 0.45.
    assert a.factors == pytest.approx(
        {"appropriateness": 1.0, "compliance": 0.7 / 0.55, "outcome_success": 9.5 / 15 / 0.45}
    )
    assert a.quality_index == pytest.approx(532 / 297)  # 1.79: 79 % better than average
    assert b.quality_index == pytest.approx(1564 / 2475)  # 0.63
    assert (a.value_score, b.value_score) == (Decimal("8956.23"), Decimal("3791.52"))
    assert a.value_score > b.value_score
