"""Records for the reports' tests: a referral seen on given days, with its episode."""

import datetime as dt
from decimal import Decimal

from liaison.care.models import Finding, RedFlag, RedFlagKind, Visit
from liaison.factories import (
    EpisodeFactory,
    OutcomeFactory,
    PartnerFactory,
    PatientFactory,
    ReferralFactory,
    VisitFactory,
)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def referral_seen(
    *,
    location,
    visits: list[str],
    partner=None,
    ended_on: str | None = None,
    received_on: str | None = None,
    **episode_fields,
):
    """A referral whose episode has attended visits on `visits` (ISO dates)."""
    patient = PatientFactory(location=location, first_name="Maya", zip="02139")
    first = day(visits[0]) if visits else dt.date(2026, 1, 12)
    referral = ReferralFactory(
        patient=patient,
        partner=partner or PartnerFactory(),
        received_on=day(received_on) if received_on else first - dt.timedelta(days=5),
        decision="accepted",
        decided_on=first - dt.timedelta(days=4),
    )
    episode = EpisodeFactory(
        patient=patient,
        referral=referral,
        location=location,
        started_on=first,
        ended_on=day(ended_on) if ended_on else None,
        discharge_reason="goals_met" if ended_on else None,
        **episode_fields,
    )
    for visit_on in visits:
        VisitFactory(episode=episode, visit_on=day(visit_on), status=Visit.Status.ATTENDED)
    return referral, episode


def measure(episode, *scores: tuple[str, str], instrument: str = "ODI") -> None:
    for measured_on, score in scores:
        OutcomeFactory(
            episode=episode,
            measured_on=day(measured_on),
            instrument=instrument,
            score=Decimal(score),
        )


def evaluated(episode) -> None:
    """What a clinician records at a low-back evaluation, for drafts and PDFs."""
    episode.diagnosis_code = "M54.16"
    episode.diagnosis = "Lumbar radiculopathy, right"
    episode.visits_per_week = 2
    episode.planned_weeks = 6
    episode.planned_visits = 12
    episode.interventions = "manual therapy, directional-preference exercise, graded walking"
    episode.expected_improvement_weeks = 4
    episode.surgical_options_discussed = True
    episode.surgical_discussion = "no indication now; would refer if weakness progresses"
    episode.save()
    Finding.objects.create(
        episode=episode,
        category="range_of_motion",
        item="Lumbar flexion",
        result="40 degrees",
        notes="reproduces leg pain",
    )
    Finding.objects.create(
        episode=episode,
        category="orthopedic_test",
        item="Straight leg raise (right)",
        result="Positive at 45 degrees",
    )
    Finding.objects.create(
        episode=episode, category="neurological", item="L5 myotome", result="5/5, intact"
    )
    for kind in RedFlagKind.values:
        RedFlag.objects.create(
            episode=episode,
            kind=kind,
            present=kind == "night_pain",
            notes="wakes once a night, eased by turning" if kind == "night_pain" else "",
        )
