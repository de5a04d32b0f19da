"""Due dates for imported reports that do not give one: the communication rules of the
referral's partner (`reports.rules`: the practice's, with the partner's overrides).

They run after every other file is written, so the dates they start from (first visits,
discharges, decisions) are those the database now holds, from the files or from before.

- initial: the referral's first attended visit + N business days;
- progress: the episode's first attended visit (the referral's when no episode is named)
  + a multiple of the interval: the milestone nearest the sent date, or the first one when
  the report is unsent;
- discharge: the episode's end + N business days;
- redirect: the referral's decision date + N business days;
- alert: the sent date when sent (when the condition was found is not recorded; the report
  is taken to have gone out on time), else the episode's last measurement + N business days.

When the date a rule starts from is not known (no attended visit yet, no decision date, an
episode not ended), the referral's received date stands in for it.
"""

import datetime as dt

from liaison.care.models import Episode, Outcome, Referral, Visit
from liaison.interop.practice_files.schema import REPORTS
from liaison.reports.rules import Rules, rules_of_partners

BATCH = 5_000


def fill_due_dates(cursor) -> None:
    last_line = 0
    while True:
        cursor.execute(_anchors_sql(), [last_line, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return
        last_line = rows[-1][0]
        rules = rules_of_partners({row[1] for row in rows})  # two queries a batch
        dues = [(_due_on(rules[row[1]], *row[2:]).isoformat(), row[0]) for row in rows]
        cursor.executemany(f"UPDATE {REPORTS.stage_table} SET due_on = %s WHERE line = %s", dues)


def _anchors_sql() -> str:
    visit, episode, outcome = Visit._meta.db_table, Episode._meta.db_table, Outcome._meta.db_table
    return f"""
        SELECT s.line, r.partner_id, s.kind, s.sent_on, r.received_on, r.decided_on, e.ended_on,
               (SELECT min(v.visit_on) FROM {episode} re JOIN {visit} v ON v.episode_id = re.id
                WHERE re.referral_id = r.id AND v.status = 'attended') AS referral_first,
               (SELECT min(v.visit_on) FROM {visit} v
                WHERE v.episode_id = e.id AND v.status = 'attended') AS episode_first,
               (SELECT max(o.measured_on) FROM {outcome} o WHERE o.episode_id = e.id) AS measured
        FROM {REPORTS.stage_table} s
        JOIN {Referral._meta.db_table} r ON r.external_id = s.referral_id
        LEFT JOIN {episode} e ON e.external_id = s.episode_id
        WHERE s.due_on IS NULL AND s.line > %s
        ORDER BY s.line
        LIMIT %s"""


def _date(value) -> dt.date | None:
    """Dates come back as date objects or ISO text, depending on the engine and expression."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value[:10])


def _due_on(
    rules: Rules,
    kind,
    sent_on,
    received_on,
    decided_on,
    ended_on,
    referral_first,
    episode_first,
    measured,
) -> dt.date:
    sent_on, received_on, decided_on, ended_on = map(
        _date, (sent_on, received_on, decided_on, ended_on)
    )
    referral_first, episode_first, measured = map(_date, (referral_first, episode_first, measured))
    if kind == "initial":
        return rules.initial_due(referral_first or received_on)
    if kind == "progress":
        return _progress_due(
            rules.progress_interval_days,
            episode_first or referral_first or received_on,
            sent_on,
        )
    if kind == "discharge":
        return rules.discharge_due(ended_on or received_on)
    if kind == "redirect":
        return rules.redirect_due(decided_on or received_on)
    if sent_on:  # alert
        return sent_on
    return rules.alert_due(measured or received_on)


def _progress_due(interval: int, first_visit: dt.date, sent_on: dt.date | None) -> dt.date:
    milestones = 1
    if sent_on and interval:
        days = (sent_on - first_visit).days
        milestones = max(1, (days + interval // 2) // interval)
    return first_visit + dt.timedelta(days=interval * milestones)
