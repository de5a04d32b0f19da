"""Reads of the care record for the pages: lists, a patient's timeline, an episode's outcomes,
the marketing spend.

Every function takes querysets already scoped to the user (`visible_to`) or scopes them itself;
each runs a fixed number of queries whatever the size of the record.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower, Round, TruncMonth

from liaison.care.instruments import INSTRUMENTS, Instrument
from liaison.care.models import (
    Decision,
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Referral,
    Visit,
    VisitStatus,
)
from liaison.core.geo import haversine_miles, zip_centroid
from liaison.partners.models import Partner


@dataclass(frozen=True)
class Suggestion:
    partner: Partner
    miles: float | None


def alternative_partners(
    *, referral: Referral, specialty: str, limit: int = 25
) -> list[Suggestion]:
    """Where to send a patient we decline as not appropriate: partners of the fitting
    specialty, active partners first, then nearest the patient's ZIP (ZIP centroids)."""
    if not specialty:
        return []
    origin = zip_centroid(referral.patient.zip or referral.patient.location.zip)
    candidates = (
        Partner.objects.filter(specialty_id=specialty)
        .exclude(pk=referral.partner_id)
        .exclude(stage=Partner.Stage.LOST)
        .select_related("specialty")
        .only(
            "id",
            "code",
            "kind",
            "first_name",
            "last_name",
            "organization_name",
            "credentials",
            "city",
            "zip",
            "stage",
            "specialty__name",
        )
    )

    def miles(partner: Partner) -> float | None:
        there = zip_centroid(partner.zip)
        return None if origin is None or there is None else haversine_miles(origin, there)

    ranked = sorted(
        (Suggestion(p, miles(p)) for p in candidates),
        key=lambda s: (
            s.partner.stage != Partner.Stage.PARTNER,
            s.miles is None,
            s.miles or 0,
            s.partner.display_name,
        ),
    )
    return ranked[:limit]


class Progress:
    """Where a referral is in its life (DESIGN.md, "Referral"), with the words the pages show."""

    RECEIVED = "received"
    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    IN_CARE = "in_care"
    CLOSED = "closed"
    DECLINED = "declined"

    LABELS = {
        RECEIVED: "Awaiting triage",
        ACCEPTED: "Accepted: to book",
        SCHEDULED: "First visit booked",
        IN_CARE: "In care",
        CLOSED: "Care ended",
        DECLINED: "Declined",
    }
    CHOICES = list(LABELS.items())


def with_progress(referrals: QuerySet) -> QuerySet:
    """Annotate `progress` (a Progress value) and `seen_on` (first attended visit)."""
    episodes = Episode.objects.filter(referral=OuterRef("pk"))
    first_visit = Visit.objects.filter(
        episode__referral=OuterRef("pk"), status=VisitStatus.ATTENDED
    ).order_by("visit_on")
    return referrals.annotate(
        seen_on=Subquery(first_visit.values("visit_on")[:1]),
        progress=Case(
            When(decision__isnull=True, then=Value(Progress.RECEIVED)),
            When(decision=Decision.DECLINED, then=Value(Progress.DECLINED)),
            When(Exists(episodes.filter(ended_on__isnull=True)), then=Value(Progress.IN_CARE)),
            When(Exists(episodes), then=Value(Progress.CLOSED)),
            When(scheduled_on__isnull=False, then=Value(Progress.SCHEDULED)),
            default=Value(Progress.ACCEPTED),
            output_field=CharField(),
        ),
    )


def progress_filter(progress: str) -> Q:
    """The same states as `with_progress`, as a filter that needs no annotation."""
    episodes = Episode.objects.filter(referral=OuterRef("pk"))
    accepted_not_started = Q(decision=Decision.ACCEPTED) & ~Exists(episodes)
    return {
        Progress.RECEIVED: Q(decision__isnull=True),
        Progress.DECLINED: Q(decision=Decision.DECLINED),
        Progress.ACCEPTED: accepted_not_started & Q(scheduled_on__isnull=True),
        Progress.SCHEDULED: accepted_not_started & Q(scheduled_on__isnull=False),
        Progress.IN_CARE: Exists(episodes.filter(ended_on__isnull=True)),
        Progress.CLOSED: Exists(episodes) & ~Exists(episodes.filter(ended_on__isnull=True)),
    }[progress]


@dataclass(frozen=True)
class ReferralFilters:
    progress: str = ""
    q: str = ""
    location_code: str = ""
    partner_code: str = ""


def referral_list(*, user, filters: ReferralFilters) -> QuerySet:
    """Referrals the user may see, newest first, narrowed by the filter bar."""
    referrals = Referral.objects.visible_to(user).select_related(
        "patient", "partner", "patient__location"
    )
    if filters.progress in Progress.LABELS:
        referrals = referrals.filter(progress_filter(filters.progress))
    if filters.q:
        referrals = referrals.filter(_name_q(filters.q, "patient__"))
    if filters.location_code:
        referrals = referrals.filter(patient__location__code=filters.location_code)
    if filters.partner_code:
        referrals = referrals.filter(partner__code=filters.partner_code)
    return with_progress(referrals).order_by("-received_on", "-id")


def patient_list(*, user, q: str = "") -> QuerySet:
    patients = Patient.objects.visible_to(user).select_related("location", "source_partner")
    if q:
        patients = patients.filter(_name_q(q, ""))
    return patients


def _name_q(q: str, prefix: str) -> Q:
    """Every word of `q` starts the first or the last name ("okon may" finds Maya Okonkwo)."""
    condition = Q()
    for word in q.split()[:4]:
        condition &= Q(**{f"{prefix}last_name__istartswith": word}) | Q(
            **{f"{prefix}first_name__istartswith": word}
        )
    return condition


def patients_matching(*, first_name: str, last_name: str, birth_date: dt.date | None) -> QuerySet:
    """Possible duplicates of a new patient: same names (any case) and birth date, practice-wide."""
    if birth_date is None:
        return Patient.objects.none()
    return (
        Patient.objects.filter(birth_date=birth_date)
        .annotate(first=Lower("first_name"), last=Lower("last_name"))
        .filter(first=first_name.strip().lower(), last=last_name.strip().lower())
        .select_related("location")
    )


# ---------------------------------------------------------------------------------------
# A patient's timeline
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    kind: str  # referral, episode-start, episode-end, visit, outcome, report, payment
    obj: object
    episode: Episode | None = None


# On one day: a referral, then care starts, visits, measurements, payments, reports, the end.
_DAY_ORDER = {
    "referral": 0,
    "episode-start": 1,
    "visit": 2,
    "outcome": 3,
    "payment": 4,
    "report": 5,
    "episode-end": 6,
}


def patient_timeline(*, patient: Patient) -> list[TimelineEvent]:
    """Everything recorded about the patient's care, newest first, in six queries."""
    referrals = list(
        with_progress(patient.referrals.select_related("partner", "alternative_partner"))
    )
    episodes = {e.pk: e for e in patient.episodes.all()}
    events = [TimelineEvent(r.received_on, "referral", r) for r in referrals]
    for episode in episodes.values():
        events.append(TimelineEvent(episode.started_on, "episode-start", episode, episode))
        if episode.ended_on:
            events.append(TimelineEvent(episode.ended_on, "episode-end", episode, episode))
    for visit in Visit.objects.filter(episode__patient=patient):
        events.append(TimelineEvent(visit.visit_on, "visit", visit, episodes[visit.episode_id]))
    for outcome in Outcome.objects.filter(episode__patient=patient):
        events.append(
            TimelineEvent(outcome.measured_on, "outcome", outcome, episodes[outcome.episode_id])
        )
    for payment in patient.payments.all():
        events.append(TimelineEvent(payment.paid_on, "payment", payment))
    # Reports through the referral's reverse relation: care does not import reports.
    report_model = Referral._meta.get_field("reports").related_model
    for report in report_model.objects.filter(referral__patient=patient):
        events.append(TimelineEvent(report.sent_on or report.due_on, "report", report))
    return sorted(events, key=lambda e: (e.on, _DAY_ORDER[e.kind]), reverse=True)


# ---------------------------------------------------------------------------------------
# An episode's outcomes
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    outcome: Outcome
    change: Decimal | None  # improvement since the first, positive is better
    important: bool  # the change reaches the MCID


@dataclass(frozen=True)
class OutcomeSeries:
    instrument: Instrument
    measurements: list[Measurement]
    threshold: Decimal | None  # the score that marks a clinically important change

    @property
    def latest(self) -> Measurement:
        return self.measurements[-1]

    def chart(self) -> dict:
        """What the chart draws: the scores by date, and the MCID line."""
        return {
            "label": self.instrument.name,
            "unit": self.instrument.unit,
            "minimum": float(self.instrument.minimum),
            "maximum": float(self.instrument.maximum),
            "dates": [m.outcome.measured_on.isoformat() for m in self.measurements],
            "scores": [float(m.outcome.score) for m in self.measurements],
            "threshold": None if self.threshold is None else float(self.threshold),
            "lowerIsBetter": self.instrument.lower_is_better,
        }


def episode_outcomes(*, episode: Episode) -> list[OutcomeSeries]:
    """The episode's measurements grouped by instrument, the primary one first."""
    by_instrument: dict[str, list[Outcome]] = {}
    for outcome in episode.outcomes.order_by("measured_on", "id"):
        by_instrument.setdefault(outcome.instrument, []).append(outcome)
    order = sorted(by_instrument, key=lambda code: (code != episode.primary_measure, code))
    return [_series(INSTRUMENTS[code], by_instrument[code]) for code in order]


def _series(instrument: Instrument, outcomes: list[Outcome]) -> OutcomeSeries:
    first = outcomes[0].score
    measurements = [
        Measurement(
            outcome=o,
            change=None if i == 0 else instrument.improvement(first, o.score),
            important=i > 0 and instrument.is_clinically_important(first, o.score),
        )
        for i, o in enumerate(outcomes)
    ]
    step = -instrument.mcid if instrument.lower_is_better else instrument.mcid
    threshold = min(max(first + step, instrument.minimum), instrument.maximum)
    return OutcomeSeries(instrument, measurements, threshold)


def visit_counts(*, episode: Episode) -> dict[str, int]:
    counts = dict(episode.visits.values_list("status").annotate(n=Count("id")).order_by())
    return {status: counts.get(status, 0) for status in VisitStatus.values}


# ---------------------------------------------------------------------------------------
# One partner's referrals, for the partner's page
# ---------------------------------------------------------------------------------------


def referrals_by_month(*, partner_id: int, as_of: dt.date, months: int = 24) -> list[dict]:
    """Referrals received from the partner per calendar month, the last `months` months,
    months without a referral included. Counts only: no patient data."""
    start = _month_start(as_of, months - 1)
    rows = (
        Referral.objects.filter(
            partner_id=partner_id, received_on__gte=start, received_on__lte=as_of
        )
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {_as_month(row["month"]): row["n"] for row in rows}
    return [
        {"month": m.isoformat(), "referrals": counts.get(m, 0)}
        for m in (_month_start(as_of, k) for k in range(months - 1, -1, -1))
    ]


def _month_start(day: dt.date, back: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _as_month(value) -> dt.date:
    # SQLite returns TruncMonth of a date as text on some paths, PostgreSQL as a date.
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


def partner_referral_counts(*, partner_id: int) -> dict[str, int]:
    """How the partner's referrals stand, by progress, all time: counts only."""
    rows = (
        with_progress(Referral.objects.filter(partner_id=partner_id))
        .values("progress")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts = {row["progress"]: row["n"] for row in rows}
    return {key: counts.get(key, 0) for key in Progress.LABELS}


@dataclass(frozen=True)
class SpendFilters:
    channel: str = ""
    year: int | None = None


def marketing_spend_list(*, filters: SpendFilters) -> QuerySet:
    """The spend rows the filters pick, the latest first."""
    rows = MarketingSpend.objects.select_related("location")
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.year is not None:
        rows = rows.filter(
            spent_on__gte=dt.date(filters.year, 1, 1), spent_on__lte=dt.date(filters.year, 12, 31)
        )
    return rows.order_by("-spent_on", "-id")


def marketing_spend_total(rows: QuerySet) -> Decimal:
    """The rows' amounts added up exactly, as whole cents (SQLite keeps decimals as floats)."""
    cents = rows.order_by().aggregate(cents=Sum(Cast(Round(F("amount") * 100), BigIntegerField())))[
        "cents"
    ]
    return (Decimal(cents or 0) / 100).quantize(Decimal("0.01"))


def spend_years() -> list[int]:
    """The years that have spend, the latest first (the list's year filter offers them)."""
    days = MarketingSpend.objects.dates("spent_on", "year", order="DESC")
    return [day.year for day in days]


def clinicians_to_match() -> list[tuple[str, int]]:
    """(name as written, episodes) for every clinician name linked to no user, most used
    first: what a manager resolves after an import."""
    unlinked = Episode.objects.filter(clinician__isnull=True).exclude(clinician_name="")
    rows = unlinked.values("clinician_name").annotate(episodes=Count("id"))
    ordered = rows.order_by("-episodes", "clinician_name")
    return [(row["clinician_name"], row["episodes"]) for row in ordered]
