"""The due engine: every letter the record says a partner is owed, when it is due, and the
report (if any) that meets it.

Obligations are derived from the record on every call, never stored, so correcting the
record (a visit marked attended by mistake, a discharge date) moves or removes them at once.
One SQL statement computes them for the whole practice; Python only shapes the rows listed.

The rules (docs/closed-loop.md):

- a referral is seen when an episode of it has an attended visit dated on or before the
  as-of date D; it owes an `initial` report due its first visit + N business days;
- an episode from a referral owes a `progress` report every N days after its first visit
  while it is open (one due on or after its end is replaced by the discharge report);
- an episode from a referral that ended on or before D owes a `discharge` report;
- a referral declined as not appropriate owes a `redirect` letter after the decline;
- an episode from a referral that, while open, is found not responding (two measurements of
  its primary instrument 28+ days apart, improvement below the MCID) owes one `alert`,
  counted from the day of the measurement that first showed it.

Reports meet obligations of the same kind and referral (episode, for discharge reports) in
order: the k-th such report by due date meets the k-th such obligation. A report counts as
sent only when its `sent_on` is on or before D.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Max

from liaison.care.instruments import INSTRUMENTS
from liaison.correspondence.models import CommunicationPreference, ReportKind
from liaison.correspondence.rules import NOT_RESPONDING_AFTER_DAYS, Rules, practice_rules

EPOCH = dt.date(1970, 1, 1)
DEFAULT_WINDOW_DAYS = 365
DEFAULT_AHEAD_DAYS = 14


class Status:
    SENT_ON_TIME = "sent_on_time"
    SENT_LATE = "sent_late"
    OVERDUE = "overdue"
    DUE = "due"

    ALL = (SENT_ON_TIME, SENT_LATE, OVERDUE, DUE)
    UNSENT = (OVERDUE, DUE)


class Obligation(NamedTuple):
    kind: str
    due_on: dt.date
    status: str
    sent_on: dt.date | None
    report_id: int | None
    referral_id: int
    episode_id: int | None
    partner_id: int
    location_id: int
    clinician: str
    # The practice's own ids (external_id, or the record's code when it has none).
    referral_ref: str
    episode_ref: str | None
    partner_ref: str

    @property
    def is_sent(self) -> bool:
        return self.status in (Status.SENT_ON_TIME, Status.SENT_LATE)


@dataclass(frozen=True)
class Window:
    """Which obligations are listed: those due in [since, until]."""

    as_of: dt.date
    since: dt.date
    until: dt.date

    @classmethod
    def around(
        cls,
        as_of: dt.date,
        *,
        since: dt.date | None = None,
        ahead_days: int = DEFAULT_AHEAD_DAYS,
    ) -> "Window":
        since = since or as_of - dt.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
        return cls(as_of=as_of, since=since, until=as_of + dt.timedelta(days=ahead_days))


def obligations_due(
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
    location_ids: Sequence[int] | None = None,
) -> list[Obligation]:
    """Obligations due from `since` (default: a year before `as_of`) to `ahead_days` after
    `as_of`, ordered by due date; `location_ids` narrows to patients of those locations."""
    window = Window.around(as_of, since=since, ahead_days=ahead_days)
    sql, params = _statement(window, practice_rules(), location_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    dates = _DateCache()
    return [_obligation(row, as_of, dates) for row in rows]


def obligations_unsent(
    *, as_of: dt.date, location_ids: Sequence[int] | None = None
) -> list[Obligation]:
    """The letters still owed on `as_of`: exactly the overdue and due-today rows of
    `obligations_due(as_of=as_of, ahead_days=0, ...)`, picked in SQL so that the practice's
    thousands of sent letters are never shaped in Python."""
    window = Window.around(as_of, ahead_days=0)
    sql, params = _statement(window, practice_rules(), location_ids, unsent_only=True)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    dates = _DateCache()
    return [_obligation(row, as_of, dates) for row in rows]


def status_of(*, due_on: dt.date, sent_on: dt.date | None, as_of: dt.date) -> str:
    if sent_on is not None and sent_on <= as_of:
        return Status.SENT_ON_TIME if sent_on <= due_on else Status.SENT_LATE
    return Status.OVERDUE if due_on < as_of else Status.DUE


class _DateCache(dict):
    """Day numbers and SQLite's date strings to dates; a list repeats few distinct days."""

    def __missing__(self, key) -> dt.date:
        if isinstance(key, int):
            value = EPOCH + dt.timedelta(days=key)
        else:
            value = dt.date.fromisoformat(key)
        self[key] = value
        return value


def _obligation(row, as_of: dt.date, dates: _DateCache) -> Obligation:
    (
        kind,
        due_dn,
        report_id,
        sent_on,
        referral_id,
        episode_id,
        partner_id,
        location_id,
        clinician,
        referral_ext,
        referral_code,
        episode_ext,
        episode_code,
        partner_ext,
        partner_code,
    ) = row
    due_on = dates[due_dn]
    if sent_on is not None and not isinstance(sent_on, dt.date):
        sent_on = dates[sent_on]
    return Obligation(
        kind=kind,
        due_on=due_on,
        status=status_of(due_on=due_on, sent_on=sent_on, as_of=as_of),
        sent_on=sent_on if sent_on is not None and sent_on <= as_of else None,
        report_id=report_id,
        referral_id=referral_id,
        episode_id=episode_id,
        partner_id=partner_id,
        location_id=location_id,
        clinician=clinician or "",
        referral_ref=referral_ext or _code(referral_code),
        episode_ref=(episode_ext or _code(episode_code)) if episode_id else None,
        partner_ref=partner_ext or _code(partner_code),
    )


def _code(value) -> str:
    # SQLite keeps a UUID as 32 hex digits, PostgreSQL as a uuid.
    return str(value if isinstance(value, uuid.UUID) else uuid.UUID(value))


# ---------------------------------------------------------------------------------------
# The statement. Dates become day numbers (days since 1970-01-01) so that the same integer
# arithmetic runs on SQLite and PostgreSQL; only the conversion differs.
# ---------------------------------------------------------------------------------------


def _day(expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expr} - DATE '1970-01-01')"
    return f"CAST(julianday({expr}) - 2440587.5 AS INTEGER)"


def _plus_business_days(day: str, count: str) -> str:
    """SQL for `add_business_days`: from a weekend day, count as from the Friday before."""
    # 1970-01-01 was a Thursday; Monday is 0. "%%" is a literal % once parameters are bound.
    weekday = f"((({day}) + 3) %% 7)"
    friday_back = f"(CASE WHEN {weekday} >= 5 THEN {weekday} - 4 ELSE 0 END)"
    start_weekday = f"(CASE WHEN {weekday} >= 5 THEN 4 ELSE {weekday} END)"
    return (
        f"(CASE WHEN ({count}) = 0 THEN ({day}) ELSE ({day}) - {friday_back} + ({count})"
        f" + 2 * (({start_weekday} + ({count})) / 5) END)"
    )


def _improvement(instrument: str, first: str, last: str) -> str:
    cases = " ".join(
        f"WHEN '{code}' THEN ({first} - {last})"
        if spec.lower_is_better
        else f"WHEN '{code}' THEN ({last} - {first})"
        for code, spec in INSTRUMENTS.items()
    )
    return f"(CASE {instrument} {cases} END)"


def _mcid(instrument: str) -> str:
    # Scores carry two decimals; half a hundredth below the MCID absorbs SQLite's float sums.
    cases = " ".join(
        f"WHEN '{code}' THEN {spec.mcid - Decimal('0.005')}" for code, spec in INSTRUMENTS.items()
    )
    return f"(CASE {instrument} {cases} END)"


def _max_business_days(rules: Rules) -> int:
    overrides = CommunicationPreference.objects.aggregate(
        *(
            Max(field)
            for field in (
                "initial_report_business_days",
                "discharge_report_business_days",
                "redirect_letter_business_days",
                "alert_business_days",
            )
        )
    )
    practice = (
        rules.initial_business_days,
        rules.discharge_business_days,
        rules.redirect_business_days,
        rules.alert_business_days,
    )
    return max(*practice, *(v for v in overrides.values() if v is not None))


def _location_filter(location_ids: Iterable[int] | None, params: dict) -> str:
    if location_ids is None:
        return ""
    names = []
    for i, location_id in enumerate(location_ids):
        params[f"loc{i}"] = int(location_id)
        names.append(f"%(loc{i})s")
    return f"AND pa.location_id IN ({', '.join(names) or 'NULL'})"


def _statement(
    window: Window, rules: Rules, location_ids, *, unsent_only: bool = False
) -> tuple[str, dict]:
    # A letter due in the window was caused at most this many days before it.
    slack = _max_business_days(rules) * 7 // 5 + 4
    params = {
        "as_of": window.as_of,
        "cause_from": window.since - dt.timedelta(days=slack),
        "since_dn": (window.since - EPOCH).days,
        "until_dn": (window.until - EPOCH).days,
        "initial_bd": rules.initial_business_days,
        "progress_days": rules.progress_interval_days,
        "discharge_bd": rules.discharge_business_days,
        "redirect_bd": rules.redirect_business_days,
        "alert_bd": rules.alert_business_days,
        "wants_initial": rules.wants(ReportKind.INITIAL),
        "wants_discharge": rules.wants(ReportKind.DISCHARGE),
        "wants_redirect": rules.wants(ReportKind.REDIRECT),
        "wants_alert": rules.wants(ReportKind.ALERT),
    }
    where_location = _location_filter(location_ids, params)
    sql = f"""
WITH RECURSIVE
cand AS MATERIALIZED (
    SELECT DISTINCT e.referral_id FROM care_episode e
    WHERE e.referral_id IS NOT NULL
      AND (e.ended_on IS NULL OR e.ended_on >= %(cause_from)s)
),
ep AS MATERIALIZED (
    SELECT e.id AS episode_id, e.referral_id, e.primary_measure,
        CASE WHEN e.ended_on <= %(as_of)s THEN {_day("e.ended_on")} END AS end_dn,
        (SELECT {_day("MIN(v.visit_on)")} FROM care_visit v
          WHERE v.episode_id = e.id AND v.status = 'attended'
            AND v.visit_on <= %(as_of)s) AS first_dn,
        CAST(COALESCE(cp.initial_report_business_days, %(initial_bd)s) AS INTEGER)
            AS initial_bd,
        CAST(CASE WHEN cp.id IS NULL THEN %(progress_days)s
                  WHEN cp.wants_progress
                  THEN COALESCE(cp.progress_report_interval_days, %(progress_days)s)
                  ELSE 0 END AS INTEGER) AS progress_days,
        CAST(COALESCE(cp.discharge_report_business_days, %(discharge_bd)s) AS INTEGER)
            AS discharge_bd,
        CAST(COALESCE(cp.alert_business_days, %(alert_bd)s) AS INTEGER) AS alert_bd,
        CASE WHEN cp.id IS NULL THEN %(wants_initial)s ELSE cp.wants_initial END
            AS wants_initial,
        CASE WHEN cp.id IS NULL THEN %(wants_discharge)s ELSE cp.wants_discharge END
            AS wants_discharge,
        CASE WHEN cp.id IS NULL THEN %(wants_alert)s ELSE cp.wants_alert END AS wants_alert
    FROM cand
    JOIN care_episode e ON e.referral_id = cand.referral_id
    JOIN care_referral r ON r.id = e.referral_id
    JOIN care_patient pa ON pa.id = r.patient_id
    LEFT JOIN correspondence_communicationpreference cp ON cp.partner_id = r.partner_id
    WHERE 1 = 1 {where_location}
),
seen AS (
    SELECT referral_id, MIN(first_dn) AS first_dn FROM ep
    WHERE first_dn IS NOT NULL GROUP BY referral_id
),
initial AS (
    SELECT seen.referral_id, MIN(ep.episode_id) AS episode_id,
        {_plus_business_days("seen.first_dn", "MIN(ep.initial_bd)")} AS due_dn
    FROM seen JOIN ep ON ep.referral_id = seen.referral_id AND ep.first_dn = seen.first_dn
    WHERE ep.wants_initial
    GROUP BY seen.referral_id, seen.first_dn
),
progress (referral_id, episode_id, due_dn, step, stop_dn) AS (
    SELECT referral_id, episode_id, CAST(first_dn + progress_days AS INTEGER),
        progress_days, CAST(COALESCE(end_dn, %(until_dn)s + 1) AS INTEGER)
    FROM ep
    WHERE first_dn IS NOT NULL AND progress_days > 0
      AND first_dn + progress_days < COALESCE(end_dn, %(until_dn)s + 1)
    UNION ALL
    SELECT referral_id, episode_id, due_dn + step, step, stop_dn FROM progress
    WHERE due_dn + step < stop_dn
),
first_measure AS MATERIALIZED (
    SELECT ep.referral_id, ep.episode_id, ep.primary_measure, ep.end_dn, ep.alert_bd,
        (SELECT MIN(o.measured_on) FROM care_outcome o
          WHERE o.episode_id = ep.episode_id AND o.instrument = ep.primary_measure
            AND o.measured_on <= %(as_of)s) AS first_on,
        (SELECT o.score FROM care_outcome o
          WHERE o.episode_id = ep.episode_id AND o.instrument = ep.primary_measure
            AND o.measured_on <= %(as_of)s
          ORDER BY o.measured_on, o.id LIMIT 1) AS first_score
    FROM ep WHERE ep.primary_measure IS NOT NULL AND ep.wants_alert
),
alert AS (
    SELECT f.referral_id, f.episode_id, f.alert_bd,
        (SELECT MIN({_day("o.measured_on")}) FROM care_outcome o
          WHERE o.episode_id = f.episode_id AND o.instrument = f.primary_measure
            AND o.measured_on <= %(as_of)s
            AND {_day("o.measured_on")} >= {_day("f.first_on")} + {NOT_RESPONDING_AFTER_DAYS}
            AND (f.end_dn IS NULL OR {_day("o.measured_on")} < f.end_dn)
            AND {_improvement("f.primary_measure", "f.first_score", "o.score")}
                < {_mcid("f.primary_measure")}) AS found_dn
    FROM first_measure f WHERE f.first_on IS NOT NULL
),
redirect AS MATERIALIZED (
    SELECT r.id AS referral_id,
        {
        _plus_business_days(
            _day("COALESCE(r.decided_on, r.received_on)"),
            "COALESCE(cp.redirect_letter_business_days, %(redirect_bd)s)",
        )
    } AS due_dn
    FROM care_referral r
    JOIN care_patient pa ON pa.id = r.patient_id
    LEFT JOIN correspondence_communicationpreference cp ON cp.partner_id = r.partner_id
    WHERE r.decline_reason = 'not_appropriate'
      AND COALESCE(r.decided_on, r.received_on) <= %(as_of)s
      AND COALESCE(r.decided_on, r.received_on) >= %(cause_from)s
      AND CASE WHEN cp.id IS NULL THEN %(wants_redirect)s ELSE cp.wants_redirect END
      {where_location}
),
owed AS (
    SELECT 'initial' AS kind, referral_id, episode_id, due_dn, referral_id AS match_key
    FROM initial
    UNION ALL
    SELECT 'progress', referral_id, episode_id, due_dn, referral_id FROM progress
    UNION ALL
    SELECT 'discharge', referral_id, episode_id,
        {_plus_business_days("end_dn", "discharge_bd")}, episode_id
    FROM ep WHERE end_dn IS NOT NULL AND wants_discharge
    UNION ALL
    SELECT 'redirect', referral_id, NULL, due_dn, referral_id FROM redirect
    UNION ALL
    SELECT 'alert', referral_id, episode_id,
        {_plus_business_days("found_dn", "alert_bd")}, referral_id
    FROM alert WHERE found_dn IS NOT NULL
),
ranked AS (
    SELECT owed.*, ROW_NUMBER() OVER (
        PARTITION BY kind, match_key ORDER BY due_dn, episode_id) AS seq
    FROM owed
),
letters AS MATERIALIZED (
    SELECT id, sent_on, kind, match_key, ROW_NUMBER() OVER (
        PARTITION BY kind, match_key ORDER BY due_on, id) AS seq
    FROM (
        SELECT rp.id, rp.sent_on, rp.kind, rp.due_on,
            CASE WHEN rp.kind = 'discharge' THEN rp.episode_id ELSE rp.referral_id END
                AS match_key
        FROM correspondence_report rp
        WHERE rp.referral_id IN (
            SELECT referral_id FROM cand UNION SELECT referral_id FROM redirect)
    ) reports
),
-- Pair the k-th obligation with the k-th letter of the same kind and key by sorting both
-- together: portable, and one pass however many letters a referral has.
paired AS (
    SELECT kind, match_key, seq,
        MAX(referral_id) AS referral_id, MAX(episode_id) AS episode_id,
        MAX(due_dn) AS due_dn, MAX(report_id) AS report_id, MAX(sent_on) AS sent_on
    FROM (
        SELECT kind, match_key, seq, referral_id, episode_id, due_dn,
            CAST(NULL AS BIGINT) AS report_id, CAST(NULL AS DATE) AS sent_on
        FROM ranked
        UNION ALL
        SELECT kind, match_key, seq, NULL, NULL, NULL, id, sent_on FROM letters
    ) both_sides
    GROUP BY kind, match_key, seq
)
SELECT o.kind, o.due_dn, o.report_id, o.sent_on, o.referral_id, o.episode_id, r.partner_id,
    pa.location_id, e.clinician, r.external_id, r.code, e.external_id, e.code,
    pt.external_id, pt.code
FROM paired o
JOIN care_referral r ON r.id = o.referral_id
JOIN care_patient pa ON pa.id = r.patient_id
JOIN partners_partner pt ON pt.id = r.partner_id
LEFT JOIN care_episode e ON e.id = o.episode_id
WHERE o.due_dn >= %(since_dn)s AND o.due_dn <= %(until_dn)s {_unsent(unsent_only)}
ORDER BY o.due_dn, o.kind, o.referral_id, o.episode_id
"""
    return sql, params


def _unsent(unsent_only: bool) -> str:
    # The statuses `overdue` and `due` (status_of): no letter, or one not sent by D.
    return "AND (o.sent_on IS NULL OR o.sent_on > %(as_of)s)" if unsent_only else ""
