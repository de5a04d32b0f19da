"""The communication rules: which letters a partner is owed and when each is due.

The practice sets them (PracticeSettings); a partner may override any of them
(CommunicationPreference). The due engine in `obligations.py` applies the same rules in SQL;
the functions here state them once in Python for drafts, pages and tests.
"""

import datetime as dt
from dataclasses import dataclass

from liaison.core.dates import add_business_days
from liaison.core.models import PracticeSettings
from liaison.correspondence.models import CommunicationPreference, ReportKind


@dataclass(frozen=True)
class Rules:
    initial_business_days: int
    progress_interval_days: int  # 0: no progress reports
    discharge_business_days: int
    redirect_business_days: int
    alert_business_days: int
    kinds: frozenset[str]  # the kinds of letter the partner wants at all

    def wants(self, kind: str) -> bool:
        if kind == ReportKind.PROGRESS and self.progress_interval_days == 0:
            return False
        return kind in self.kinds

    def initial_due(self, first_visit: dt.date) -> dt.date:
        return add_business_days(first_visit, self.initial_business_days)

    def discharge_due(self, ended_on: dt.date) -> dt.date:
        return add_business_days(ended_on, self.discharge_business_days)

    def redirect_due(self, declined_on: dt.date) -> dt.date:
        return add_business_days(declined_on, self.redirect_business_days)

    def alert_due(self, found_on: dt.date) -> dt.date:
        return add_business_days(found_on, self.alert_business_days)

    def next_progress_due(self, first_visit: dt.date, after: dt.date) -> dt.date | None:
        """The first progress report due after `after`, counting from the first visit."""
        if not self.wants(ReportKind.PROGRESS):
            return None
        step = self.progress_interval_days
        periods = max(1, (after - first_visit).days // step + 1)
        return first_visit + dt.timedelta(days=periods * step)


def practice_rules() -> Rules:
    s = PracticeSettings.current()
    return Rules(
        initial_business_days=s.initial_report_business_days,
        progress_interval_days=s.progress_report_interval_days,
        discharge_business_days=s.discharge_report_business_days,
        redirect_business_days=s.redirect_letter_business_days,
        alert_business_days=s.alert_business_days,
        kinds=frozenset(ReportKind.values),
    )


def partner_rules(partner) -> Rules:
    """The practice's rules with this partner's overrides applied."""
    rules = practice_rules()
    pref = CommunicationPreference.objects.filter(partner=partner).first()
    if pref is None:
        return rules
    return _overridden(rules, pref)


def _overridden(rules: Rules, pref: CommunicationPreference) -> Rules:
    def pick(override, default):
        return default if override is None else override

    wanted = {
        ReportKind.INITIAL: pref.wants_initial,
        ReportKind.PROGRESS: pref.wants_progress,
        ReportKind.DISCHARGE: pref.wants_discharge,
        ReportKind.REDIRECT: pref.wants_redirect,
        ReportKind.ALERT: pref.wants_alert,
    }
    return Rules(
        initial_business_days=pick(pref.initial_report_business_days, rules.initial_business_days),
        progress_interval_days=pick(
            pref.progress_report_interval_days, rules.progress_interval_days
        ),
        discharge_business_days=pick(
            pref.discharge_report_business_days, rules.discharge_business_days
        ),
        redirect_business_days=pick(
            pref.redirect_letter_business_days, rules.redirect_business_days
        ),
        alert_business_days=pick(pref.alert_business_days, rules.alert_business_days),
        kinds=frozenset(kind for kind, wants in wanted.items() if wants),
    )
