"""The communication rules: which reports a partner is owed and when each is due.

The practice sets them (PracticeSettings); a partner may override any of them
(CommunicationPreference). `RULES` states them once, as data: the Python core
(`owed.py`), the due engine's SQL (`obligations.py`) and the imported reports' due dates
(`interop/practice_files/due.py`) all read their day counts and switches from it. What starts
each report's clock (its cause) is written in `owed.py`, and in SQL in `obligations.py`.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from liaison.core.dates import add_business_days
from liaison.core.models import PracticeSettings
from liaison.reports.models import CommunicationPreference, ReportKind

BUSINESS_DAYS = "business days"
DAYS = "days"


@dataclass(frozen=True)
class RuleSpec:
    """One kind of report: where its day count is set, by the practice and by a partner,
    the partner's switch for it, and the unit of the count."""

    kind: str
    practice_field: str  # on PracticeSettings
    override_field: str  # on CommunicationPreference; empty falls back to the practice's
    wants_field: str  # on CommunicationPreference
    unit: str  # BUSINESS_DAYS after its cause, or every so many DAYS (0: none)
    cause: str  # what starts its clock, in words (the code is in owed.py and obligations.py)

    @property
    def column(self) -> str:
        """The SQL name of the count: `initial_bd`, `progress_days`, …"""
        return f"{self.kind}_{'bd' if self.unit == BUSINESS_DAYS else 'days'}"


RULES: tuple[RuleSpec, ...] = (
    RuleSpec(
        ReportKind.INITIAL,
        "initial_report_business_days",
        "initial_report_business_days",
        "wants_initial",
        BUSINESS_DAYS,
        "the referral's first attended visit",
    ),
    RuleSpec(
        ReportKind.PROGRESS,
        "progress_report_interval_days",
        "progress_report_interval_days",
        "wants_progress",
        DAYS,
        "the episode's first attended visit, again every interval while the episode is open",
    ),
    RuleSpec(
        ReportKind.DISCHARGE,
        "discharge_report_business_days",
        "discharge_report_business_days",
        "wants_discharge",
        BUSINESS_DAYS,
        "the end of the episode",
    ),
    RuleSpec(
        ReportKind.REDIRECT,
        "redirect_letter_business_days",
        "redirect_letter_business_days",
        "wants_redirect",
        BUSINESS_DAYS,
        "the decline as not appropriate (the received date when the decline is undated)",
    ),
    RuleSpec(
        ReportKind.ALERT,
        "alert_business_days",
        "alert_business_days",
        "wants_alert",
        BUSINESS_DAYS,
        "the reading that first showed the patient not responding, while the episode is open",
    ),
)

SPECS: dict[str, RuleSpec] = {spec.kind: spec for spec in RULES}


@dataclass(frozen=True)
class Rules:
    days: Mapping[str, int]  # per kind: business days after its cause, or the progress interval
    kinds: frozenset[str]  # the kinds of report the partner wants at all

    def wants(self, kind: str) -> bool:
        if SPECS[kind].unit == DAYS and self.days[kind] == 0:
            return False
        return kind in self.kinds

    def due_after(self, kind: str, cause_on: dt.date) -> dt.date:
        """The due date of a report of `kind` whose clock started on `cause_on` (for
        progress: the first report's, counted from the first visit)."""
        count = self.days[kind]
        if SPECS[kind].unit == BUSINESS_DAYS:
            return add_business_days(cause_on, count)
        return cause_on + dt.timedelta(days=count)

    @property
    def progress_interval_days(self) -> int:
        return self.days[ReportKind.PROGRESS]

    def initial_due(self, first_visit: dt.date) -> dt.date:
        return self.due_after(ReportKind.INITIAL, first_visit)

    def discharge_due(self, ended_on: dt.date) -> dt.date:
        return self.due_after(ReportKind.DISCHARGE, ended_on)

    def redirect_due(self, declined_on: dt.date) -> dt.date:
        return self.due_after(ReportKind.REDIRECT, declined_on)

    def alert_due(self, found_on: dt.date) -> dt.date:
        return self.due_after(ReportKind.ALERT, found_on)

    def next_progress_due(self, first_visit: dt.date, after: dt.date) -> dt.date | None:
        """The first progress report due after `after`, counting from the first visit."""
        if not self.wants(ReportKind.PROGRESS):
            return None
        step = self.progress_interval_days
        periods = max(1, (after - first_visit).days // step + 1)
        return first_visit + dt.timedelta(days=periods * step)


def practice_rules() -> Rules:
    settings = PracticeSettings.current()
    return Rules(
        days={spec.kind: getattr(settings, spec.practice_field) for spec in RULES},
        kinds=frozenset(spec.kind for spec in RULES),
    )


def partner_rules(partner) -> Rules:
    """The practice's rules with this partner's overrides applied."""
    return rules_of_partners([partner.pk])[partner.pk]


def rules_of_partners(partner_ids: Iterable[int]) -> Mapping[int, Rules]:
    """The rules of each partner (by id), read in two queries however many partners."""
    practice = practice_rules()
    overridden = {
        pref.partner_id: _overridden(practice, pref)
        for pref in CommunicationPreference.objects.filter(partner_id__in=set(partner_ids))
    }
    return _WithDefault(overridden, practice)


class _WithDefault(dict):
    """Partners without preferences of their own follow the practice."""

    def __init__(self, overridden: dict, practice: Rules):
        super().__init__(overridden)
        self.practice = practice

    def __missing__(self, key) -> Rules:
        return self.practice


def _overridden(rules: Rules, pref: CommunicationPreference) -> Rules:
    def pick(spec: RuleSpec) -> int:
        override = getattr(pref, spec.override_field)
        return rules.days[spec.kind] if override is None else override

    return Rules(
        days={spec.kind: pick(spec) for spec in RULES},
        kinds=frozenset(spec.kind for spec in RULES if getattr(pref, spec.wants_field)),
    )
