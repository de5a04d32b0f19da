"""Invariants that hold on any history (hypothesis draws small random ones)."""

import dataclasses
import datetime as dt
import math
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.care.instruments import INSTRUMENTS
from liaison.care.models import Channel, MarketingSpend, Referral, Visit
from liaison.factories import (
    EpisodeFactory,
    LocationFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    PaymentFactory,
    ReferralFactory,
    ReportFactory,
    TouchpointFactory,
    VisitFactory,
)
from liaison.insights.documents import gaps_document, not_responding_document, scorecards_document
from liaison.insights.scope import Scope
from liaison.insights.scorecards import partner_scorecards, pooled_rates

pytestmark = pytest.mark.django_db

D = dt.date(2026, 3, 31)
SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
INSTRUMENT_CODES = sorted(INSTRUMENTS)


def before_d(draw, earliest=600):
    return D - dt.timedelta(days=draw(st.integers(0, earliest)))


def after_d(draw):
    return D + dt.timedelta(days=draw(st.integers(1, 200)))


def score(draw, code):
    i = INSTRUMENTS[code]
    return Decimal(draw(st.integers(int(i.minimum) * 4, int(i.maximum) * 4))) / 4


def build_history(draw, partners, location):
    """Random referrals, episodes, visits, readings, payments, touchpoints and reports, all
    dated on or before D."""
    for _ in range(draw(st.integers(0, 10))):
        partner = draw(st.sampled_from(partners))
        received = before_d(draw)
        patient = PatientFactory(
            location=location,
            channel=Channel.REFERRAL,
            source_partner=partner,
            zip=draw(st.sampled_from(["80202", "80466"])),
        )
        fields = {}
        if draw(st.booleans()):
            reason = draw(st.sampled_from(["not_appropriate", "insurance"]))
            fields = {
                "decision": "declined",
                "decline_reason": reason,
                "decided_on": min(D, received + dt.timedelta(days=draw(st.integers(0, 5)))),
            }
        ref = ReferralFactory(partner=partner, patient=patient, received_on=received, **fields)
        if draw(st.booleans()):
            build_episode(draw, ref)
    for _ in range(draw(st.integers(0, 3))):
        TouchpointFactory(
            partner=draw(st.sampled_from(partners)),
            occurred_on=before_d(draw),
            cost=draw(st.sampled_from([None, Decimal("0"), Decimal("45.50")])),
        )
    build_channels(draw, location)


def build_channels(draw, location):
    """Patients of other channels first seen up to four years before D (old enough for the
    24-month value), and marketing spend."""
    for _ in range(draw(st.integers(0, 4))):
        patient = PatientFactory(
            location=location, channel=draw(st.sampled_from([Channel.SELF, Channel.SOCIAL]))
        )
        first = before_d(draw, earliest=1460)
        ep = EpisodeFactory(patient=patient, started_on=first)
        VisitFactory(episode=ep, visit_on=first)
        for _ in range(draw(st.integers(0, 3))):
            PaymentFactory(
                patient=patient,
                episode=ep,
                amount="70.25",
                paid_on=min(D, first + dt.timedelta(days=draw(st.integers(0, 800)))),
            )
    for _ in range(draw(st.integers(0, 3))):
        MarketingSpend.objects.create(
            channel=draw(st.sampled_from([Channel.SOCIAL, Channel.REFERRAL, Channel.EVENT])),
            spent_on=before_d(draw),
            amount=Decimal(draw(st.integers(0, 90_000))) / 100,
            location=draw(st.sampled_from([None, location])),
        )


def build_episode(draw, ref):
    started = min(D, ref.received_on + dt.timedelta(days=draw(st.integers(0, 20))))
    ended = draw(st.sampled_from([None, started + dt.timedelta(days=draw(st.integers(0, 90)))]))
    code = draw(st.sampled_from(INSTRUMENT_CODES))
    ep = EpisodeFactory(
        patient=ref.patient,
        referral=ref,
        started_on=started,
        ended_on=min(ended, D) if ended else None,
        planned_visits=draw(st.sampled_from([None, 0, 1, 4, 10])),
        primary_measure=code,
    )
    for _ in range(draw(st.integers(0, 4))):
        visit_on = min(D, started + dt.timedelta(days=draw(st.integers(0, 60))))
        status = draw(st.sampled_from(Visit.Status.values))
        VisitFactory(episode=ep, visit_on=visit_on, status=status)
    for _ in range(draw(st.integers(0, 3))):
        other = draw(st.sampled_from([code, code, "NPRS"]))
        OutcomeFactory(
            episode=ep,
            instrument=other,
            score=score(draw, other),
            measured_on=min(D, started + dt.timedelta(days=draw(st.integers(0, 60)))),
        )
    for _ in range(draw(st.integers(0, 2))):
        PaymentFactory(
            patient=ref.patient,
            episode=draw(st.sampled_from([ep, None])),
            paid_on=min(D, started + dt.timedelta(days=draw(st.integers(0, 60)))),
            amount=Decimal(draw(st.integers(-5000, 30000))) / 100,
        )
    if draw(st.booleans()):
        ReportFactory(
            referral=ref,
            episode=ep,
            kind=draw(st.sampled_from(["initial", "alert"])),
            due_on=started,
            sent_on=draw(st.sampled_from([None, started, D])),
        )


def isolated(test):
    """Run each hypothesis example in a savepoint rolled back after it: examples share the
    test's database transaction, and must not see each other's records."""

    def run(data):
        with transaction.atomic():
            test(data)
            transaction.set_rollback(True)

    run.__name__, run.__doc__ = test.__name__, test.__doc__
    return run


@SETTINGS
@given(st.data())
@isolated
def test_rates_shrinkage_and_p_values_stay_in_bounds(data):
    location = LocationFactory()
    partners = [PartnerFactory() for _ in range(3)]
    build_history(data.draw, partners, location)
    window = data.draw(st.sampled_from([30, 90, 365, 730]))
    cards = partner_scorecards(scope=Scope(as_of=D, window_days=window))
    rates = ["conversion_rate", "appropriateness_rate", "compliance_rate", "outcome_success_rate"]
    for card in cards:
        for name in rates:
            value = getattr(card, name)
            assert value is None or 0 <= value <= 1, (name, value)
        assert 0 <= card.p_decline <= 1 and 0 <= card.p_growth <= 1
        assert card.seen <= card.referrals and card.mature_referrals <= card.referrals
    pooled = dataclasses.asdict(pooled_rates(scope=Scope(as_of=D, window_days=window)))
    for card in cards:
        raw = {
            "appropriateness": card.appropriateness_rate,
            "compliance": card.compliance_rate,
            "outcome_success": card.outcome_success_rate,
        }
        for name, shrunk in card.shrunk.items():
            m = pooled[name]
            if m is None:
                assert shrunk is None
            elif raw[name] is None:
                assert shrunk == pytest.approx(m)
            else:
                low, high = sorted([raw[name], m])
                assert low - 1e-12 <= shrunk <= high + 1e-12
        factors = [f for f in card.factors.values() if f is not None]
        assert card.quality_index == (pytest.approx(math.prod(factors)) if factors else None)


def add_future(draw, partners, location):
    """Records dated after D, and later events on the existing ones."""
    for ep in list(EpisodeFactory._meta.model.objects.filter(ended_on__isnull=True)):
        if draw(st.booleans()):
            ep.ended_on = after_d(draw)
            ep.discharge_reason = "goals_met"
            ep.save()
        VisitFactory(episode=ep, visit_on=after_d(draw))
        OutcomeFactory(
            episode=ep,
            instrument=ep.primary_measure,
            score=score(draw, ep.primary_measure),
            measured_on=after_d(draw),
        )
        PaymentFactory(patient=ep.patient, episode=ep, paid_on=after_d(draw), amount="55.55")
    for ref in Referral.objects.filter(decision__isnull=True):
        if draw(st.booleans()):
            ref.decision, ref.decline_reason = "declined", "not_appropriate"
            ref.decided_on = after_d(draw)
            ref.save()
    for report in ReportFactory._meta.model.objects.filter(sent_on__isnull=True):
        report.sent_on = after_d(draw)
        report.save()
    partner = draw(st.sampled_from(partners))
    patient = PatientFactory(location=location, channel=Channel.REFERRAL, source_partner=partner)
    late = ReferralFactory(partner=partner, patient=patient, received_on=after_d(draw))
    ep = EpisodeFactory(patient=patient, referral=late, started_on=after_d(draw))
    VisitFactory(episode=ep, visit_on=after_d(draw))
    TouchpointFactory(partner=partner, occurred_on=after_d(draw), cost=Decimal("99.00"))
    ReportFactory(referral=late, kind="initial", due_on=after_d(draw))
    MarketingSpend.objects.create(
        channel=Channel.SOCIAL, spent_on=after_d(draw), amount=Decimal("500.00"), location=location
    )
    for ep in EpisodeFactory._meta.model.objects.filter(patient__channel=Channel.SOCIAL):
        PaymentFactory(patient=ep.patient, episode=ep, paid_on=after_d(draw), amount="33.00")


@SETTINGS
@given(st.data())
@isolated
def test_what_happens_after_d_never_changes_the_figures_as_of_d(data):
    """Every figure as of D — scorecards, channels, response times, gaps, not responding — is
    unchanged by records dated after D and by later events on existing records."""
    location = LocationFactory()
    partners = [PartnerFactory() for _ in range(3)]
    build_history(data.draw, partners, location)
    scope = Scope(as_of=D, window_days=data.draw(st.sampled_from([90, 365])))
    before = [
        scorecards_document(scope=scope),
        gaps_document(scope=scope),
        not_responding_document(scope=scope),
    ]
    add_future(data.draw, partners, location)
    after = [
        scorecards_document(scope=scope),
        gaps_document(scope=scope),
        not_responding_document(scope=scope),
    ]
    assert after == before
