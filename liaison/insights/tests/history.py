"""Small hand-built histories for the worked examples: terse builders over liaison/factories."""

import datetime as dt
from decimal import Decimal

from liaison.care.models import Channel, MarketingSpend, Referral, Visit
from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PatientFactory,
    PaymentFactory,
    ReferralFactory,
    TouchpointFactory,
    VisitFactory,
)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def referral(partner, received: str, *, location=None, **fields):
    patient_fields = {"channel": Channel.REFERRAL, "source_partner": partner}
    if location is not None:
        patient_fields["location"] = location
    patient = PatientFactory(**patient_fields)
    return ReferralFactory(partner=partner, patient=patient, received_on=day(received), **fields)


def declined(partner, received: str, decided: str | None, reason="not_appropriate"):
    return referral(
        partner,
        received,
        decision=Referral.Decision.DECLINED,
        decided_on=day(decided) if decided else None,
        decline_reason=reason,
    )


def episode(
    ref=None,
    *,
    patient=None,
    started: str,
    ended: str | None = None,
    planned: int | None = 8,
    measure: str | None = "ODI",
):
    return EpisodeFactory(
        patient=patient or ref.patient,
        referral=ref,
        started_on=day(started),
        ended_on=day(ended) if ended else None,
        discharge_reason="goals_met" if ended else None,
        planned_visits=planned,
        primary_measure=measure,
    )


def visits(ep, *days: str, status=Visit.Status.ATTENDED):
    return [VisitFactory(episode=ep, visit_on=day(d), status=status) for d in days]


def reading(ep, on: str, score, instrument: str = "ODI"):
    return OutcomeFactory(
        episode=ep, measured_on=day(on), instrument=instrument, score=Decimal(str(score))
    )


def payment(patient, on: str, amount: str, ep=None):
    return PaymentFactory(patient=patient, episode=ep, paid_on=day(on), amount=Decimal(amount))


def touchpoint(partner, on: str, cost: str | None = None):
    return TouchpointFactory(
        partner=partner, occurred_on=day(on), cost=None if cost is None else Decimal(cost)
    )


def spend(channel: str, on: str, amount: str, location=None):
    """Marketing spend of a channel (no location: the whole practice's)."""
    return MarketingSpend.objects.create(
        channel=channel, spent_on=day(on), amount=Decimal(amount), location=location
    )
