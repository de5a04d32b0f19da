"""The due engine: every report the record says a partner is owed, when it is due, and the
report (if any) that meets it, for the whole practice.

Obligations are derived from the record on every call, never stored, so correcting the
record (a visit marked attended by mistake, a discharge date) moves or removes them at once.
One SQL statement computes them for the whole practice; Python only shapes the rows listed.

The rules are those of `owed.py`, which states them in plain Python for one referral (read
it first); the day counts and switches of every kind, the practice's and each partner's,
come from the rule table `rules.RULES`. The statement's parts follow the same causes:
`_INITIAL` (the referral's first attended visit), `_PROGRESS` (every interval after the
episode's first visit, before its end), discharge (the episode's end), `_redirect_cte` (a
decline as not appropriate), `_alert_cte` (the reading that first showed no response); then
`_RANKED`, `_reports_cte` and `_PAIRED` pair the k-th report with the k-th obligation.
"""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Max

from liaison.care.instruments import INSTRUMENTS, NOT_RESPONDING_AFTER_DAYS
from liaison.reports.models import CommunicationPreference, ReportKind
from liaison.reports.owed import DEFAULT_AHEAD_DAYS, Status, status_of
from liaison.reports.rules import (
    BUSINESS_DAYS,
    RULES,
    SPECS,
    Rules,
    RuleSpec,
    practice_rules,
)

EPOCH = dt.date(1970, 1, 1)
DEFAULT_WINDOW_DAYS = 365


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
    clinician_id: int | None  # the episode's clinician, when the name is linked to a user
    clinician: str  # their name as shown: the user's, or as the files wrote it
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


ALL_KINDS = frozenset(ReportKind.values)


@dataclass(frozen=True)
class Selection:
    """What one statement derives; it reads no more of the record than that needs.

    The obligations due in the window, of patients at `location_ids` and referrals from
    `partner_ids` (None: all), of the `kinds` asked for. With `ended_from`, the referrals are
    instead those with an episode ended from that day to the as-of date, and their
    obligations are listed whenever due.
    """

    window: Window
    location_ids: tuple[int, ...] | None = None
    partner_ids: tuple[int, ...] | None = None
    kinds: frozenset[str] = ALL_KINDS
    ended_from: dt.date | None = None

    @classmethod
    def of(
        cls,
        window: Window,
        *,
        location_ids: Iterable[int] | None = None,
        partner_ids: Iterable[int] | None = None,
        kinds: Iterable[str] = ALL_KINDS,
        ended_from: dt.date | None = None,
    ) -> "Selection":
        return cls(
            window=window,
            location_ids=None if location_ids is None else tuple(map(int, location_ids)),
            partner_ids=None if partner_ids is None else tuple(map(int, partner_ids)),
            kinds=frozenset(kinds),
            ended_from=ended_from,
        )


def obligations_due(
    *,
    as_of: dt.date,
    since: dt.date | None = None,
    ahead_days: int = DEFAULT_AHEAD_DAYS,
    location_ids: Sequence[int] | None = None,
    partner_ids: Sequence[int] | None = None,
) -> list[Obligation]:
    """Obligations due from `since` (default: a year before `as_of`) to `ahead_days` after
    `as_of`, ordered by due date; `location_ids` narrows to patients of those locations,
    `partner_ids` to referrals from those partners."""
    window = Window.around(as_of, since=since, ahead_days=ahead_days)
    return _listed(Selection.of(window, location_ids=location_ids, partner_ids=partner_ids))


def obligations_unsent(
    *, as_of: dt.date, location_ids: Sequence[int] | None = None
) -> list[Obligation]:
    """The reports still owed on `as_of`: exactly the overdue and due-today rows of
    `obligations_due(as_of=as_of, ahead_days=0, ...)`, picked in SQL so that the practice's
    thousands of sent reports are never shaped in Python."""
    window = Window.around(as_of, ahead_days=0)
    return _listed(Selection.of(window, location_ids=location_ids), unsent_only=True)


def obligations_overdue(
    *,
    as_of: dt.date,
    since: dt.date,
    location_ids: Sequence[int] | None = None,
) -> list[Obligation]:
    """The overdue rows of `obligations_due(as_of=as_of, since=since, ahead_days=0, ...)`,
    picked in SQL."""
    window = Window.around(as_of, since=since, ahead_days=0)
    return _listed(Selection.of(window, location_ids=location_ids), overdue_only=True)


class Tally(NamedTuple):
    """How the obligations of one group stand as of D (`status_of` counted in SQL)."""

    key: tuple
    due: int  # obligations
    sent: int  # sent_on_time + sent_late
    on_time: int  # sent_on_time
    overdue: int


# An episode's clinician as shown: the linked user's full name, else the name as written;
# redirect letters have no episode and episodes may name nobody: "" for both.
CLINICIAN_SHOWN = """COALESCE(
    (SELECT NULLIF(TRIM(u.first_name || ' ' || u.last_name), '')
     FROM accounts_user u WHERE u.id = e.clinician_id),
    e.clinician_name, '')"""

GROUPS = {
    "kind": "o.kind",
    "location_id": "pa.location_id",
    "clinician": CLINICIAN_SHOWN,
    "partner_id": "r.partner_id",
}


def obligation_tallies(
    *,
    as_of: dt.date,
    since: dt.date,
    by: Sequence[str],
    location_ids: Sequence[int] | None = None,
    partner_ids: Sequence[int] | None = None,
    with_initials: bool = False,
) -> tuple[list[Tally], dict[int, bool]]:
    """The obligations of `obligations_due(as_of=as_of, since=since, ahead_days=0, ...)`
    counted per group of the `by` columns (of GROUPS) in SQL: one row per group, not per
    obligation. With `with_initials`, the same statement also tells, for every referral whose
    care can have caused a report due from `since` (among them every referral with an episode
    ended since then), whether its initial report was sent on time (`initial_reports`);
    otherwise that dict is empty."""
    window = Window.around(as_of, since=since, ahead_days=0)
    selection = Selection.of(window, location_ids=location_ids, partner_ids=partner_ids)
    sql, params = _statement(selection, practice_rules())
    columns = [GROUPS[name] for name in by]
    sql += _tallied(columns, with_initials=with_initials)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    tallies, initials = [], {}
    for tag, *row in rows:
        if tag == TALLY:
            key, counts = tuple(row[: len(columns)]), map(int, row[len(columns) :])
            tallies.append(Tally(key, *counts))
        else:
            initials[row[-4]] = bool(row[-3])
    return tallies, initials


def initial_reports(
    *,
    as_of: dt.date,
    ended_from: dt.date,
    location_ids: Sequence[int] | None = None,
    partner_ids: Sequence[int] | None = None,
) -> dict[int, bool]:
    """For the referrals with an episode that ended from `ended_from` to `as_of`, whether the
    initial report each owes as of `as_of` was sent on or before its due date (and by
    `as_of`); a referral that owes none is absent."""
    window = Window(as_of=as_of, since=ended_from, until=as_of)
    selection = Selection.of(
        window,
        location_ids=location_ids,
        partner_ids=partner_ids,
        kinds=[ReportKind.INITIAL],
        ended_from=ended_from,
    )
    sql, params = _statement(selection, practice_rules())
    sql += f"""
SELECT o.referral_id, CASE WHEN {_on_time("o")} THEN 1 ELSE 0 END AS on_time
FROM paired o WHERE o.kind = 'initial'
"""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {referral_id: bool(on_time) for referral_id, on_time in cursor.fetchall()}


def _listed(
    selection: "Selection", *, unsent_only: bool = False, overdue_only: bool = False
) -> list[Obligation]:
    sql, params = _statement(selection, practice_rules())
    sql += _rows(unsent_only=unsent_only, overdue_only=overdue_only)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    dates = _DateCache()
    return [_obligation(row, selection.window.as_of, dates) for row in rows]


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
        clinician_id,
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
        clinician_id=clinician_id,
        clinician=clinician,
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
    counted = [spec for spec in RULES if spec.unit == BUSINESS_DAYS]
    overrides = CommunicationPreference.objects.aggregate(
        *(Max(spec.override_field) for spec in counted)
    )
    practice = (rules.days[spec.kind] for spec in counted)
    return max(*practice, *(v for v in overrides.values() if v is not None))


def _filters(selection: Selection, params: dict) -> str:
    """`AND …` narrowing rows with a referral `r` and its patient `pa` to the selection."""
    clauses = []
    for column, ids, prefix in (
        ("pa.location_id", selection.location_ids, "loc"),
        ("r.partner_id", selection.partner_ids, "partner"),
    ):
        if ids is None:
            continue
        names = []
        for i, value in enumerate(ids):
            params[f"{prefix}{i}"] = value
            names.append(f"%({prefix}{i})s")
        clauses.append(f"AND {column} IN ({', '.join(names) or 'NULL'})")
    return " ".join(clauses)


def _candidates(selection: Selection, where: str) -> str:
    """The referrals whose episodes may cause an obligation of the selection."""
    if selection.ended_from is not None:
        cause = "e.ended_on >= %(ended_from)s AND e.ended_on <= %(as_of)s"
    else:
        # An episode that ended before `cause_from` caused nothing due in the window.
        cause = "(e.ended_on IS NULL OR e.ended_on >= %(cause_from)s)"
    joins = ""
    if where:
        joins = (
            "JOIN care_referral r ON r.id = e.referral_id "
            "JOIN care_patient pa ON pa.id = r.patient_id"
        )
    return f"""
    SELECT DISTINCT e.referral_id FROM care_episode e {joins}
    WHERE e.referral_id IS NOT NULL AND {cause} {where}"""


def _statement(selection: Selection, rules: Rules) -> tuple[str, dict]:
    """The common table expressions up to `paired`: one row per obligation of the selection
    (kind, match_key, seq, referral_id, episode_id, due_dn) with the report meeting it
    (report_id, sent_on). A final SELECT over `paired` is appended by the caller."""
    window, kinds = selection.window, selection.kinds
    # A report due in the window was caused at most this many days before it.
    slack = _max_business_days(rules) * 7 // 5 + 4
    params = {
        "as_of": window.as_of,
        "as_of_dn": (window.as_of - EPOCH).days,
        "cause_from": window.since - dt.timedelta(days=slack),
        "ended_from": selection.ended_from,
        "since_dn": (window.since - EPOCH).days,
        "until_dn": (window.until - EPOCH).days,
        **{spec.column: rules.days[spec.kind] for spec in RULES},
        **{f"wants_{spec.kind}": rules.wants(spec.kind) for spec in RULES},
    }
    where = _filters(selection, params)
    ctes = [f"cand AS MATERIALIZED ({_candidates(selection, where)}\n)", _ep_cte(where)]
    owed = []
    if ReportKind.INITIAL in kinds:
        ctes += [_SEEN, _INITIAL]
        owed.append("SELECT 'initial', referral_id, episode_id, due_dn, referral_id FROM initial")
    if ReportKind.PROGRESS in kinds:
        ctes.append(_PROGRESS)
        owed.append("SELECT 'progress', referral_id, episode_id, due_dn, referral_id FROM progress")
    if ReportKind.DISCHARGE in kinds:
        owed.append(
            "SELECT 'discharge', referral_id, episode_id, "
            f"{_plus_business_days('end_dn', 'discharge_bd')}, episode_id "
            "FROM ep WHERE end_dn IS NOT NULL AND wants_discharge"
        )
    if ReportKind.REDIRECT in kinds and selection.ended_from is None:
        ctes.append(_redirect_cte(where))
        owed.append("SELECT 'redirect', referral_id, NULL, due_dn, referral_id FROM redirect")
    if ReportKind.ALERT in kinds:
        ctes += [_FIRST_MEASURE, _alert_cte()]
        owed.append(
            "SELECT 'alert', referral_id, episode_id, "
            f"{_plus_business_days('found_dn', 'alert_bd')}, referral_id "
            "FROM alert WHERE found_dn IS NOT NULL"
        )
    owed = owed or ["SELECT 'initial', referral_id, NULL, 0, referral_id FROM cand WHERE 1 = 0"]
    ctes.append(
        "owed (kind, referral_id, episode_id, due_dn, match_key) AS (\n    "
        + "\n    UNION ALL\n    ".join(owed)
        + "\n)"
    )
    ctes += [_RANKED, _reports_cte(selection), _PAIRED]
    return "WITH RECURSIVE\n" + ",\n".join(ctes) + "\n", params


# `cp` is the partner's CommunicationPreference row, if it has one: an empty override, or no
# row, leaves the practice's rule.
def _partner_count(spec: RuleSpec) -> str:
    return f"CAST(COALESCE(cp.{spec.override_field}, %({spec.column})s) AS INTEGER)"


def _partner_wants(spec: RuleSpec) -> str:
    return f"CASE WHEN cp.id IS NULL THEN %(wants_{spec.kind})s ELSE cp.{spec.wants_field} END"


def _partner_rules() -> str:
    """Columns `initial_bd, wants_initial, progress_days, …`: every rule of RULES."""
    return ",\n        ".join(
        f"{_partner_count(spec)} AS {spec.column}, {_partner_wants(spec)} AS wants_{spec.kind}"
        for spec in RULES
    )


def _ep_cte(where: str) -> str:
    return f"""ep AS MATERIALIZED (
    SELECT e.id AS episode_id, e.referral_id, e.primary_measure,
        CASE WHEN e.ended_on <= %(as_of)s THEN {_day("e.ended_on")} END AS end_dn,
        (SELECT {_day("MIN(v.visit_on)")} FROM care_visit v
          WHERE v.episode_id = e.id AND v.status = 'attended'
            AND v.visit_on <= %(as_of)s) AS first_dn,
        {_partner_rules()}
    FROM cand
    JOIN care_episode e ON e.referral_id = cand.referral_id
    JOIN care_referral r ON r.id = e.referral_id
    JOIN care_patient pa ON pa.id = r.patient_id
    LEFT JOIN correspondence_communicationpreference cp ON cp.partner_id = r.partner_id
    WHERE 1 = 1 {where}
)"""


_SEEN = """seen AS (
    SELECT referral_id, MIN(first_dn) AS first_dn FROM ep
    WHERE first_dn IS NOT NULL GROUP BY referral_id
)"""

_INITIAL = f"""initial AS (
    SELECT seen.referral_id, MIN(ep.episode_id) AS episode_id,
        {_plus_business_days("seen.first_dn", "MIN(ep.initial_bd)")} AS due_dn
    FROM seen JOIN ep ON ep.referral_id = seen.referral_id AND ep.first_dn = seen.first_dn
    WHERE ep.wants_initial
    GROUP BY seen.referral_id, seen.first_dn
)"""

_PROGRESS = """progress (referral_id, episode_id, due_dn, step, stop_dn) AS (
    SELECT referral_id, episode_id, CAST(first_dn + progress_days AS INTEGER),
        progress_days, CAST(COALESCE(end_dn, %(until_dn)s + 1) AS INTEGER)
    FROM ep
    WHERE first_dn IS NOT NULL AND wants_progress AND progress_days > 0
      AND first_dn + progress_days < COALESCE(end_dn, %(until_dn)s + 1)
    UNION ALL
    SELECT referral_id, episode_id, due_dn + step, step, stop_dn FROM progress
    WHERE due_dn + step < stop_dn
)"""

_FIRST_MEASURE = """first_measure AS MATERIALIZED (
    SELECT ep.referral_id, ep.episode_id, ep.primary_measure, ep.end_dn, ep.alert_bd,
        (SELECT MIN(o.measured_on) FROM care_outcome o
          WHERE o.episode_id = ep.episode_id AND o.instrument = ep.primary_measure
            AND o.measured_on <= %(as_of)s) AS first_on,
        (SELECT o.score FROM care_outcome o
          WHERE o.episode_id = ep.episode_id AND o.instrument = ep.primary_measure
            AND o.measured_on <= %(as_of)s
          ORDER BY o.measured_on, o.id LIMIT 1) AS first_score
    FROM ep WHERE ep.primary_measure IS NOT NULL AND ep.wants_alert
)"""


def _alert_cte() -> str:
    return f"""alert AS (
    SELECT f.referral_id, f.episode_id, f.alert_bd,
        (SELECT MIN({_day("o.measured_on")}) FROM care_outcome o
          WHERE o.episode_id = f.episode_id AND o.instrument = f.primary_measure
            AND o.measured_on <= %(as_of)s
            AND {_day("o.measured_on")} >= {_day("f.first_on")} + {NOT_RESPONDING_AFTER_DAYS}
            AND (f.end_dn IS NULL OR {_day("o.measured_on")} < f.end_dn)
            AND {_improvement("f.primary_measure", "f.first_score", "o.score")}
                < {_mcid("f.primary_measure")}) AS found_dn
    FROM first_measure f WHERE f.first_on IS NOT NULL
)"""


def _redirect_cte(where: str) -> str:
    due = _plus_business_days(
        _day("COALESCE(r.decided_on, r.received_on)"),
        _partner_count(SPECS[ReportKind.REDIRECT]),
    )
    return f"""redirect AS MATERIALIZED (
    SELECT r.id AS referral_id, {due} AS due_dn
    FROM care_referral r
    JOIN care_patient pa ON pa.id = r.patient_id
    LEFT JOIN correspondence_communicationpreference cp ON cp.partner_id = r.partner_id
    WHERE r.decline_reason = 'not_appropriate'
      AND COALESCE(r.decided_on, r.received_on) <= %(as_of)s
      AND COALESCE(r.decided_on, r.received_on) >= %(cause_from)s
      AND {_partner_wants(SPECS[ReportKind.REDIRECT])}
      {where}
)"""


_RANKED = """ranked AS (
    SELECT owed.*, ROW_NUMBER() OVER (
        PARTITION BY kind, match_key ORDER BY due_dn, episode_id) AS seq
    FROM owed
)"""


def _reports_cte(selection: Selection) -> str:
    referrals = "SELECT referral_id FROM cand"
    if ReportKind.REDIRECT in selection.kinds and selection.ended_from is None:
        referrals += " UNION SELECT referral_id FROM redirect"
    kinds = ""
    if selection.kinds != ALL_KINDS:
        kinds = "AND rp.kind IN (" + ", ".join(f"'{k}'" for k in sorted(selection.kinds)) + ")"
    return f"""reports AS MATERIALIZED (
    SELECT id, sent_on, kind, match_key, ROW_NUMBER() OVER (
        PARTITION BY kind, match_key ORDER BY due_on, id) AS seq
    FROM (
        SELECT rp.id, rp.sent_on, rp.kind, rp.due_on,
            CASE WHEN rp.kind = 'discharge' THEN rp.episode_id ELSE rp.referral_id END
                AS match_key
        FROM correspondence_report rp
        WHERE rp.referral_id IN ({referrals}) {kinds}
    ) reports
)"""


# Pair the k-th obligation with the k-th report of the same kind and key by sorting both
# together: portable, and one pass however many reports a referral has.
_PAIRED = """paired AS (
    SELECT kind, match_key, seq,
        MAX(referral_id) AS referral_id, MAX(episode_id) AS episode_id,
        MAX(due_dn) AS due_dn, MAX(report_id) AS report_id, MAX(sent_on) AS sent_on
    FROM (
        SELECT kind, match_key, seq, referral_id, episode_id, due_dn,
            CAST(NULL AS BIGINT) AS report_id, CAST(NULL AS DATE) AS sent_on
        FROM ranked
        UNION ALL
        SELECT kind, match_key, seq, NULL, NULL, NULL, id, sent_on FROM reports
    ) both_sides
    GROUP BY kind, match_key, seq
)"""

# The obligations of the window: owed rows (a report without an obligation pairs with none).
_IN_WINDOW = "o.due_dn IS NOT NULL AND o.due_dn >= %(since_dn)s AND o.due_dn <= %(until_dn)s"

_JOINED = """FROM paired o
JOIN care_referral r ON r.id = o.referral_id
JOIN care_patient pa ON pa.id = r.patient_id"""


def _sent(o: str) -> str:
    return f"({o}.sent_on IS NOT NULL AND {o}.sent_on <= %(as_of)s)"


def _on_time(o: str) -> str:
    """`sent_on_time` of `status_of`: sent by D, on or before the due date."""
    return f"({_sent(o)} AND {_day(f'{o}.sent_on')} <= {o}.due_dn)"


def _overdue(o: str) -> str:
    return f"(NOT {_sent(o)} AND {o}.due_dn < %(as_of_dn)s)"


def _rows(*, unsent_only: bool, overdue_only: bool) -> str:
    status = ""
    if unsent_only:
        status = f"AND NOT {_sent('o')}"  # `overdue` and `due`
    if overdue_only:
        status = f"AND {_overdue('o')}"
    return f"""
SELECT o.kind, o.due_dn, o.report_id, o.sent_on, o.referral_id, o.episode_id, r.partner_id,
    pa.location_id, e.clinician_id, {CLINICIAN_SHOWN},
    r.external_id, r.code, e.external_id, e.code,
    pt.external_id, pt.code
{_JOINED}
JOIN partners_partner pt ON pt.id = r.partner_id
LEFT JOIN care_episode e ON e.id = o.episode_id
WHERE {_IN_WINDOW} {status}
ORDER BY o.due_dn, o.kind, o.referral_id, o.episode_id
"""


TALLY, INITIAL = "t", "i"


def _tallied(columns: list[str], *, with_initials: bool = False) -> str:
    """Rows tagged TALLY: the group's columns and its four counts; with `with_initials`, also
    rows tagged INITIAL: as many NULLs, then referral id, on time (1 or 0), 0, 0."""
    group = ", ".join(columns)
    select = f"{group}, " if columns else ""
    initials = ""
    if with_initials:
        nulls = "NULL, " * len(columns)
        initials = f"""UNION ALL
SELECT '{INITIAL}', {nulls}o.referral_id, CASE WHEN {_on_time("o")} THEN 1 ELSE 0 END, 0, 0
FROM paired o WHERE o.kind = 'initial'
"""
    return f"""
SELECT '{TALLY}', {select}COUNT(*),
    SUM(CASE WHEN {_sent("o")} THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_on_time("o")} THEN 1 ELSE 0 END),
    SUM(CASE WHEN {_overdue("o")} THEN 1 ELSE 0 END)
{_JOINED}
LEFT JOIN care_episode e ON e.id = o.episode_id
WHERE {_IN_WINDOW}
{f"GROUP BY {group}" if columns else ""}
{initials}"""
