"""What one referral owes its partner as of a date D: the due engine's rules in plain Python.

The rules (docs/closed-loop.md); nothing dated after D counts:

- a referral is seen when an episode of it has an attended visit dated on or before D; it
  owes an `initial` report due its first visit + N business days;
- an episode owes a `progress` report every N days after its first visit while it is open
  (one due on or after its end is replaced by the discharge report);
- an episode that ended on or before D owes a `discharge` report;
- a referral declined as not appropriate owes a `redirect` letter after the decline;
- an episode found not responding while open (a reading of its primary instrument
  NOT_RESPONDING_AFTER_DAYS or more after the first, improved by less than the MCID) owes one
  `alert`, counted from the day of the reading that first showed it.

Reports meet obligations of the same kind and referral (episode, for discharge reports) in
order: the k-th such report by due date meets the k-th such obligation. A report counts as
sent only when its `sent_on` is on or before D.

The day counts come from the partner's `Rules` (rules.py). `obligations.py` computes the same
for the whole practice in one SQL statement; a property test holds the two together.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from liaison.care.instruments import INSTRUMENTS, NOT_RESPONDING_AFTER_DAYS
from liaison.care.models import DeclineReason, Episode, Outcome, Referral, Visit
from liaison.reports.models import Report, ReportKind
from liaison.reports.rules import Rules, rules_of_partners

DEFAULT_AHEAD_DAYS = 14


class Status:
    SENT_ON_TIME = "sent_on_time"
    SENT_LATE = "sent_late"
    OVERDUE = "overdue"
    DUE = "due"

    ALL = (SENT_ON_TIME, SENT_LATE, OVERDUE, DUE)
    UNSENT = (OVERDUE, DUE)


def status_of(*, due_on: dt.date, sent_on: dt.date | None, as_of: dt.date) -> str:
    if sent_on is not None and sent_on <= as_of:
        return Status.SENT_ON_TIME if sent_on <= due_on else Status.SENT_LATE
    return Status.OVERDUE if due_on < as_of else Status.DUE


# ----- the snapshot: what the record says of one referral ---------------------------------


class Reading(NamedTuple):
    measured_on: dt.date
    score: Decimal


@dataclass(frozen=True)
class EpisodeFacts:
    id: int
    attended_on: tuple[dt.date, ...]  # its attended visits
    ended_on: dt.date | None
    primary_measure: str | None
    readings: tuple[Reading, ...]  # of the primary measure, in the order taken (day, then id)


class ReportFacts(NamedTuple):
    id: int
    kind: str
    episode_id: int | None
    due_on: dt.date
    sent_on: dt.date | None


@dataclass(frozen=True)
class ReferralFacts:
    id: int
    received_on: dt.date
    decided_on: dt.date | None
    decline_reason: str | None
    rules: Rules  # its partner's
    episodes: tuple[EpisodeFacts, ...]
    reports: tuple[ReportFacts, ...]  # its reports


# ----- the obligations -------------------------------------------------------------------


class Due(NamedTuple):
    """A report owed, before the reports are paired with it."""

    kind: str
    due_on: dt.date
    episode_id: int | None


class Owed(NamedTuple):
    """A report owed, with the report (if any) that meets it and how it stands on D."""

    kind: str
    due_on: dt.date
    status: str
    sent_on: dt.date | None  # None until sent on or before D
    report_id: int | None
    referral_id: int
    episode_id: int | None


def first_visit(episode: EpisodeFacts, as_of: dt.date) -> dt.date | None:
    return min((day for day in episode.attended_on if day <= as_of), default=None)


def ended(episode: EpisodeFacts, as_of: dt.date) -> dt.date | None:
    """The end of care, once it has come: an episode ending after D is open on D."""
    if episode.ended_on is not None and episode.ended_on <= as_of:
        return episode.ended_on
    return None


def initial_due(referral: ReferralFacts, as_of: dt.date) -> list[Due]:
    """Due from the referral's first visit; it names the episode of that visit."""
    if not referral.rules.wants(ReportKind.INITIAL):
        return []
    seen = [(first_visit(e, as_of), e.id) for e in referral.episodes]
    seen = [(day, episode_id) for day, episode_id in seen if day is not None]
    if not seen:
        return []
    first_on, episode_id = min(seen)
    return [Due(ReportKind.INITIAL, referral.rules.initial_due(first_on), episode_id)]


def progress_due(rules: Rules, episode: EpisodeFacts, as_of: dt.date, until: dt.date) -> list[Due]:
    """Every interval after the episode's first visit, before its end (or up to `until`)."""
    first_on = first_visit(episode, as_of)
    if first_on is None or not rules.wants(ReportKind.PROGRESS):
        return []
    stop = ended(episode, as_of) or until + dt.timedelta(days=1)
    step = dt.timedelta(days=rules.progress_interval_days)
    dues, due_on = [], first_on + step
    while due_on < stop:
        dues.append(Due(ReportKind.PROGRESS, due_on, episode.id))
        due_on += step
    return dues


def discharge_due(rules: Rules, episode: EpisodeFacts, as_of: dt.date) -> list[Due]:
    ended_on = ended(episode, as_of)
    if ended_on is None or not rules.wants(ReportKind.DISCHARGE):
        return []
    return [Due(ReportKind.DISCHARGE, rules.discharge_due(ended_on), episode.id)]


def redirect_due(referral: ReferralFacts, as_of: dt.date) -> list[Due]:
    if referral.decline_reason != DeclineReason.NOT_APPROPRIATE:
        return []
    declined_on = referral.decided_on or referral.received_on
    if declined_on > as_of or not referral.rules.wants(ReportKind.REDIRECT):
        return []
    return [Due(ReportKind.REDIRECT, referral.rules.redirect_due(declined_on), None)]


def not_responding_on(episode: EpisodeFacts, as_of: dt.date) -> dt.date | None:
    """The day of the reading that first showed the patient not responding, while open."""
    instrument = INSTRUMENTS.get(episode.primary_measure or "")
    readings = [r for r in episode.readings if r.measured_on <= as_of]
    if instrument is None or not readings:
        return None
    first, ended_on = readings[0], ended(episode, as_of)
    for reading in readings:
        if (
            (reading.measured_on - first.measured_on).days >= NOT_RESPONDING_AFTER_DAYS
            and (ended_on is None or reading.measured_on < ended_on)
            and not instrument.is_clinically_important(first.score, reading.score)
        ):
            return reading.measured_on
    return None


def alert_due(rules: Rules, episode: EpisodeFacts, as_of: dt.date) -> list[Due]:
    found_on = not_responding_on(episode, as_of)
    if found_on is None or not rules.wants(ReportKind.ALERT):
        return []
    return [Due(ReportKind.ALERT, rules.alert_due(found_on), episode.id)]


def dues_of(referral: ReferralFacts, *, as_of: dt.date, until: dt.date) -> list[Due]:
    """Every report the referral owes as of D; an open episode's progress up to `until`."""
    rules = referral.rules
    dues = initial_due(referral, as_of) + redirect_due(referral, as_of)
    for episode in referral.episodes:
        dues += progress_due(rules, episode, as_of, until)
        dues += discharge_due(rules, episode, as_of)
        dues += alert_due(rules, episode, as_of)
    return dues


def _match_key(kind: str, referral_id: int, episode_id: int | None):
    return episode_id if kind == ReportKind.DISCHARGE else referral_id


def paired(referral: ReferralFacts, dues: list[Due], *, as_of: dt.date) -> list[Owed]:
    """The k-th report of a kind and key (by due date) meets the k-th obligation."""
    reports = defaultdict(list)
    for report in sorted(referral.reports, key=lambda r: (r.due_on, r.id)):
        reports[report.kind, _match_key(report.kind, referral.id, report.episode_id)].append(report)
    owed, met = [], defaultdict(int)
    for due in sorted(dues, key=lambda d: (d.due_on, d.episode_id or 0)):
        key = (due.kind, _match_key(due.kind, referral.id, due.episode_id))
        queue, k = reports[key], met[key]
        met[key] += 1
        report = queue[k] if k < len(queue) else None
        owed.append(_owed(referral.id, due, report, as_of))
    return owed


def _owed(referral_id: int, due: Due, report: ReportFacts | None, as_of: dt.date) -> Owed:
    sent_on = report.sent_on if report else None
    return Owed(
        kind=due.kind,
        due_on=due.due_on,
        status=status_of(due_on=due.due_on, sent_on=sent_on, as_of=as_of),
        sent_on=sent_on if sent_on is not None and sent_on <= as_of else None,
        report_id=report.id if report else None,
        referral_id=referral_id,
        episode_id=due.episode_id,
    )


def owed_by(referral: ReferralFacts, *, as_of: dt.date, until: dt.date) -> list[Owed]:
    """The referral's obligations as of D, each with its report, ordered by due date."""
    owed = paired(referral, dues_of(referral, as_of=as_of, until=until), as_of=as_of)
    return sorted(owed, key=lambda o: (o.due_on, o.kind, o.episode_id or 0))


# ----- from the database -----------------------------------------------------------------


def obligations_of_referral(
    referral: Referral, *, as_of: dt.date, ahead_days: int = DEFAULT_AHEAD_DAYS
) -> list[Owed]:
    """What the referral owes as of `as_of`, due up to `ahead_days` after it (open episodes
    owe progress reports without end); a fixed number of queries."""
    until = as_of + dt.timedelta(days=ahead_days)
    return owed_by(referral_facts(referral), as_of=as_of, until=until)


def referral_facts(referral: Referral) -> ReferralFacts:
    episodes = list(Episode.objects.filter(referral=referral).order_by("id"))
    attended, readings = defaultdict(list), defaultdict(list)
    visits = Visit.objects.filter(episode__referral=referral, status=Visit.Status.ATTENDED)
    for episode_id, visit_on in visits.values_list("episode_id", "visit_on"):
        attended[episode_id].append(visit_on)
    outcomes = Outcome.objects.filter(episode__referral=referral).order_by("measured_on", "id")
    for episode_id, instrument, measured_on, score in outcomes.values_list(
        "episode_id", "instrument", "measured_on", "score"
    ):
        readings[episode_id, instrument].append(Reading(measured_on, score))
    reports = Report.objects.filter(referral=referral).values_list(
        "id", "kind", "episode_id", "due_on", "sent_on"
    )
    return ReferralFacts(
        id=referral.pk,
        received_on=referral.received_on,
        decided_on=referral.decided_on,
        decline_reason=referral.decline_reason,
        rules=rules_of_partners([referral.partner_id])[referral.partner_id],
        episodes=tuple(
            EpisodeFacts(
                id=e.pk,
                attended_on=tuple(attended[e.pk]),
                ended_on=e.ended_on,
                primary_measure=e.primary_measure,
                readings=tuple(readings[e.pk, e.primary_measure]),
            )
            for e in episodes
        ),
        reports=tuple(ReportFacts(*row) for row in reports),
    )
