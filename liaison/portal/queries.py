"""What the portal shows a partner: only the referrals that partner sent, and their reports."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from liaison.accounts.models import Role
from liaison.care.models import Episode, Referral, VisitStatus
from liaison.care.queries import OutcomeSeries, Progress, episode_outcomes, with_progress
from liaison.core.sections import Section
from liaison.partners.models import Partner
from liaison.portal.models import AnswerKind, ReportAnswer
from liaison.reports.models import Report


def partner_referrals(*, partner: Partner) -> QuerySet:
    """The partner's referrals, newest first, with where each stands (`progress`, `seen_on`)."""
    referrals = Referral.objects.filter(partner=partner).select_related("patient", "location")
    return with_progress(referrals).order_by("-received_on", "-pk")


def partner_referral(*, partner: Partner, code) -> Referral:
    """One of the partner's referrals; any other referral is not found (404), not forbidden."""
    return get_object_or_404(partner_referrals(partner=partner), code=code)


def reports_sent(*, partner: Partner) -> QuerySet:
    """The reports that reached the partner about the referrals the partner sent."""
    return Report.objects.filter(referral__partner=partner, sent_on__isnull=False)


def partner_report(*, partner: Partner, code) -> Report:
    """A report that reached the partner and carries signed text (imported ones may not)."""
    return get_object_or_404(
        reports_sent(partner=partner).filter(signed_texts__isnull=False).distinct(), code=code
    )


@dataclass(frozen=True)
class Step:
    label: str
    on: dt.date | None
    current: bool = False
    note: str = ""


def timeline(*, referral: Referral, episode: Episode | None) -> list[Step]:
    """Received → booked → seen → in care → discharged, or received → declined."""
    received = Step("Received", referral.received_on)
    if referral.progress == Progress.DECLINED:
        return [received, _declined(referral)]
    ended = episode.ended_on if episode else None
    steps = [
        received,
        Step("Booked", referral.scheduled_on),
        Step("Seen", referral.seen_on),
        Step("In care", episode.started_on if episode else None),
        Step(
            "Discharged",
            ended,
            note=episode.get_discharge_reason_display()
            if ended and episode.discharge_reason
            else "",
        ),
    ]
    reached = max(i for i, step in enumerate(steps) if step.on is not None)
    return [Step(s.label, s.on, current=(i == reached), note=s.note) for i, s in enumerate(steps)]


def _declined(referral: Referral) -> Step:
    reason = referral.get_decline_reason_display() or ""
    alternative = referral.alternative_partner.display_name if referral.alternative_partner else ""
    note = " · ".join(part for part in [reason, referral.alternative, alternative] if part)
    return Step("Declined", referral.decided_on, current=True, note=note)


@dataclass(frozen=True)
class CareSoFar:
    episode: Episode | None
    attended: int
    planned: int | None
    primary: OutcomeSeries | None


def care_so_far(*, referral: Referral) -> CareSoFar:
    """The latest episode for the referral: visits attended against planned, and its primary
    outcome measure."""
    episode = referral.episodes.order_by("-started_on", "-pk").first()
    if episode is None:
        return CareSoFar(None, 0, None, None)
    attended = episode.visits.filter(status=VisitStatus.ATTENDED).count()
    series = episode_outcomes(episode=episode)
    primary = next((s for s in series if s.instrument.code == episode.primary_measure), None)
    return CareSoFar(episode, attended, episode.planned_visits, primary)


def questions_open(*, user, location_ids: list[int], rows: int) -> Section:
    """Questions partners asked in the portal that nobody has answered yet: about the reports
    `user` signed, or every one at their locations for a manager. The oldest first."""
    questions = (
        ReportAnswer.objects.filter(
            kind=AnswerKind.QUESTION,
            handled_at__isnull=True,
            report__referral__patient__location__in=location_ids,
        )
        .select_related("report__referral__partner", "report__referral__patient")
        .order_by("answered_at", "pk")
    )
    if user.role != Role.MANAGER:
        questions = questions.filter(report__signed_texts__signed_by=user).distinct()
    return Section(list(questions[:rows]), questions.count())
