"""What a figure is computed over: an as-of date, a window ending on it, and perhaps one clinic.

Every date boundary of docs/metrics.md is derived here, once, so that the queries only compare
columns with constants.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from liaison.core.dates import implausible

DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3650

MATURITY_DAYS = 30  # a referral younger than this has not had its fair chance to be seen
RECENT_DAYS = 90
BASELINE_DAYS = 365
DORMANT_DAYS = 180
RECONNECT_DAYS = 30
LTV_DAYS = 365
LTV_24M_DAYS = 730
RETURN_AFTER_DAYS = 365


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass(frozen=True)
class Scope:
    """The as-of date D (inclusive), the window length W and an optional location id.

    The boundaries are computed once per scope (thousands of scorecards read them)."""

    as_of: dt.date
    window_days: int = DEFAULT_WINDOW_DAYS
    location_id: int | None = None

    def __post_init__(self):
        if not 1 <= self.window_days <= MAX_WINDOW_DAYS:
            raise ValueError(f"window_days must be between 1 and {MAX_WINDOW_DAYS}")
        if problem := implausible(self.as_of):
            raise ValueError(f"as_of: {problem}")

    @cached_property
    def window_start(self) -> dt.date:
        """First day of the window [D − W + 1, D]."""
        return self.as_of - days(self.window_days - 1)

    @cached_property
    def mature_until(self) -> dt.date:
        """Referrals received on or before this day are mature."""
        return self.as_of - days(MATURITY_DAYS)

    @cached_property
    def recent_after(self) -> dt.date:
        """Recent referrals are received in (D − 90, D]."""
        return self.as_of - days(RECENT_DAYS)

    @cached_property
    def baseline_after(self) -> dt.date:
        """Baseline referrals are received in (D − 455, D − 90]."""
        return self.as_of - days(RECENT_DAYS + BASELINE_DAYS)

    @cached_property
    def dormant_until(self) -> dt.date:
        """A partner whose last referral is on or before this day is dormant."""
        return self.as_of - days(DORMANT_DAYS)

    @cached_property
    def reconnect_after(self) -> dt.date:
        """A touchpoint after this day counts as a recent contact."""
        return self.as_of - days(RECONNECT_DAYS)

    @cached_property
    def ltv_cohort(self) -> tuple[dt.date, dt.date]:
        """First visits in [D − W − 364, D − 365]: a full year of payments lies behind each."""
        return self._cohort(LTV_DAYS)

    @cached_property
    def ltv_24m_cohort(self) -> tuple[dt.date, dt.date]:
        """First visits in [D − W − 729, D − 730]: two full years of payments behind each."""
        return self._cohort(LTV_24M_DAYS)

    def _cohort(self, age: int) -> tuple[dt.date, dt.date]:
        """The window moved back by `age` days."""
        end = self.as_of - days(age)
        return end - days(self.window_days - 1), end

    @cached_property
    def returning_until(self) -> dt.date:
        """Patients first seen on or before this day have had a year to come back."""
        return self.as_of - days(RETURN_AFTER_DAYS)
