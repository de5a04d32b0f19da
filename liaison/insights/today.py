"""Today: the home page's work lists, per role, each item one click from its action.

Front desk: referrals to triage and to book. Clinicians: those, reports due today or overdue,
patients not responding. Liaison: partners to reconnect with, planned touchpoints, contact
cadences overdue: partner-level only, never a patient. Managers: everything.

The figures come from their owners (the due engine, the scorecards, the not-responding list)
through the insights' door (queries.py); this module only picks, scopes and trims them. A
fixed number of queries whatever the data.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from liaison.accounts.models import Location, Role
from liaison.care.models import Episode, Referral
from liaison.care.queries import Progress, progress_filter
from liaison.core.sections import Section
from liaison.insights.queries import (
    Scope,
    kept_reports_unsent,
    patients_not_responding,
    practice_scorecards,
)
from liaison.insights.scorecards import Trend
from liaison.partners.models import Partner
from liaison.partners.queries import cadence_overdue, plans_due
from liaison.portal.queries import questions_open
from liaison.reports.models import Report, ReportKind
from liaison.reports.queries import OwedGroups, deliveries_failed, owed_groups

ROWS = 8
BOOKING_DAYS = 60

PATIENT_WORK = {Role.FRONT_DESK, Role.CLINICIAN, Role.MANAGER}
CLINICAL_WORK = {Role.CLINICIAN, Role.MANAGER}
PARTNER_WORK = {Role.LIAISON, Role.MANAGER}


@dataclass(frozen=True)
class Reconnect:
    partner: Partner
    trend: str
    last_referral_on: dt.date | None
    last_touchpoint_on: dt.date | None
    recent_referrals: int
    expected_recent: float


@dataclass(frozen=True)
class ReportDue:
    """A report owed to a partner: open its report, or write its draft (one click)."""

    kind: str
    kind_label: str
    due_on: dt.date
    referral: Referral
    report_code: str | None
    episode_code: str | None


@dataclass(frozen=True)
class Stalled:
    episode: Episode
    instrument: str
    improvement: float
    mcid: float
    days_measured: int
    worsening: bool

    @property
    def summary(self) -> str:
        """ "ODI 12 points worse over 35 days (MCID 10)" or "ODI 2 points better … 10 needed"."""
        points = abs(self.improvement)
        amount = f"{points:g} point{'s' if points != 1 else ''}"
        if self.improvement < 0:
            return (
                f"{self.instrument} {amount} worse over {self.days_measured} days "
                f"(MCID {self.mcid:g})"
            )
        return (
            f"{self.instrument} {amount} better over {self.days_measured} days; "
            f"{self.mcid:g} needed"
        )


@dataclass
class Today:
    as_of: dt.date
    role: str | None
    locations: list[Location]
    triage: Section | None = None
    to_book: Section | None = None
    reports_overdue: Section | None = None
    reports_due_today: Section | None = None
    not_responding: Section | None = None
    deliveries_failed: Section | None = None
    partner_questions: Section | None = None
    reconnect: Section | None = None
    planned: Section | None = None
    cadence: Section | None = None

    @property
    def week_ends(self) -> dt.date:
        return self.as_of + dt.timedelta(days=6 - self.as_of.weekday())

    @property
    def shows_patients(self) -> bool:
        return self.triage is not None

    @property
    def nothing_to_do(self) -> bool:
        sections = [
            self.triage,
            self.to_book,
            self.reports_overdue,
            self.reports_due_today,
            self.not_responding,
            self.deliveries_failed,
            self.partner_questions,
            self.reconnect,
            self.planned,
            self.cadence,
        ]
        return all(s is None or s.total == 0 for s in sections)


def _locations(user) -> list[Location]:
    if user.role == Role.MANAGER:
        return list(Location.objects.order_by("name"))
    return list(user.locations.order_by("name"))


def today_for(*, user, as_of: dt.date) -> Today:
    role = user.role
    today = Today(as_of=as_of, role=role, locations=_locations(user))
    if role in PATIENT_WORK:
        today.triage = _referrals(user, Progress.RECEIVED, "received_on")
        # Accepted long ago and never booked, a referral is lost rather than still to book.
        today.to_book = _referrals(
            user, Progress.ACCEPTED, "decided_on", since=as_of - dt.timedelta(days=BOOKING_DAYS)
        )
    if role in CLINICAL_WORK:
        owed = _reports_owed(user, as_of, today.locations)
        today.reports_overdue = _reports_section(owed.overdue)
        today.reports_due_today = _reports_section(owed.due_today)
        today.not_responding = _not_responding(user, as_of, today.locations)
        location_ids = [location.pk for location in today.locations]
        today.deliveries_failed = deliveries_failed(user=user, location_ids=location_ids, rows=ROWS)
        today.partner_questions = questions_open(user=user, location_ids=location_ids, rows=ROWS)
    if role in PARTNER_WORK:
        today.reconnect = _reconnect(as_of)
        plans = plans_due(until=today.week_ends)
        today.planned = Section(list(plans[:ROWS]), plans.count())
        overdue = cadence_overdue(as_of=as_of).select_related("specialty")
        today.cadence = Section(list(overdue[:ROWS]), overdue.count())
    return today


def _reports_owed(user, as_of: dt.date, locations: list[Location]) -> OwedGroups:
    """Reports overdue and due today, from the due engine: a clinician's own (their
    episodes, or nobody's) at their locations, every report for a manager."""
    location_ids = {location.pk for location in locations}
    return owed_groups(
        obligations=kept_reports_unsent(as_of=as_of, location_ids=sorted(location_ids)),
        user=user,
        as_of=as_of,
        location_ids=location_ids,
        mine=user.role == Role.CLINICIAN,
    )


def _reports_section(owed: list) -> Section:
    shown = owed[:ROWS]
    referrals = Referral.objects.select_related("patient", "partner").in_bulk(
        {o.referral_id for o in shown}
    )
    episodes = Episode.objects.in_bulk({o.episode_id for o in shown if o.episode_id})
    reports = Report.objects.in_bulk({o.report_id for o in shown if o.report_id})
    rows = [
        ReportDue(
            kind=o.kind,
            kind_label=ReportKind(o.kind).label,
            due_on=o.due_on,
            referral=referrals[o.referral_id],
            report_code=str(reports[o.report_id].code) if o.report_id in reports else None,
            episode_code=str(episodes[o.episode_id].code) if o.episode_id in episodes else None,
        )
        for o in shown
    ]
    return Section(rows, len(owed))


def _referrals(user, progress: str, oldest_first_by: str, since=None) -> Section:
    referrals = Referral.objects.visible_to(user).filter(progress_filter(progress))
    if since is not None:
        referrals = referrals.filter(received_on__gte=since)
    referrals = (
        referrals.select_related("patient", "partner")
        # Urgent first, then the longest waiting.
        .order_by("-urgency", oldest_first_by, "id")
    )
    return Section(list(referrals[:ROWS]), referrals.count())


def _not_responding(user, as_of: dt.date, locations: list[Location]) -> Section:
    # One call per location the user works at (a handful), or one for the whole practice.
    if user.role == Role.MANAGER:
        found = patients_not_responding(scope=Scope(as_of=as_of))
    else:
        found = [
            item
            for location in locations
            for item in patients_not_responding(scope=Scope(as_of=as_of, location_id=location.pk))
        ]
    # Worsening first, then the furthest from the MCID.
    found.sort(key=lambda item: (not item.worsening, item.improvement - item.mcid))
    shown = found[:ROWS]
    episodes = (
        Episode.objects.visible_to(user)
        .filter(code__in=[item.episode_code for item in shown])
        .select_related("patient", "referral__partner")
        .in_bulk(field_name="code")
    )
    rows = [
        Stalled(
            episode=episodes[code],
            instrument=item.instrument,
            improvement=item.improvement,
            mcid=item.mcid,
            days_measured=item.days_measured,
            worsening=item.worsening,
        )
        for item in shown
        if (code := _uuid(item.episode_code)) in episodes
    ]
    return Section(rows, len(found))


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)


def _reconnect(as_of: dt.date) -> Section:
    cards = [c for c in practice_scorecards(as_of=as_of).values() if c.needs_reconnect]
    # Declining before dormant; within each, the partners who referred most recently.
    cards.sort(
        key=lambda c: (c.trend != Trend.DECLINING, -(c.last_referral_on or dt.date.min).toordinal())
    )
    shown = cards[:ROWS]
    partners = Partner.objects.select_related("specialty").in_bulk([c.pk for c in shown])
    rows = [
        Reconnect(
            partner=partners[c.pk],
            trend=c.trend,
            last_referral_on=c.last_referral_on,
            last_touchpoint_on=c.last_touchpoint_on,
            recent_referrals=c.recent_referrals,
            expected_recent=c.expected_recent,
        )
        for c in shown
        if c.pk in partners
    ]
    return Section(rows, len(cards))
