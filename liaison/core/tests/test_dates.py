import datetime as dt
import re

import pytest

from liaison.core.dates import PLAUSIBLE_YEAR, add_business_days, implausible


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (dt.date(2026, 11, 21), 2, dt.date(2026, 11, 24)),  # Saturday + 2 -> Tuesday
        (dt.date(2026, 11, 20), 2, dt.date(2026, 11, 24)),  # Friday + 2 -> Tuesday
        (dt.date(2026, 11, 23), 1, dt.date(2026, 11, 24)),  # Monday + 1 -> Tuesday
        (dt.date(2026, 11, 19), 3, dt.date(2026, 11, 24)),  # Thursday + 3 -> Tuesday
        (dt.date(2026, 11, 22), 0, dt.date(2026, 11, 22)),
    ],
)
def test_business_days_skip_weekends(start, count, expected):
    assert add_business_days(start, count) == expected


@pytest.mark.parametrize(
    ("day", "plausible"),
    [
        ("1900-01-01", True),
        ("2100-12-31", True),
        ("1899-12-31", False),
        ("2101-01-01", False),
        ("0001-01-01", False),
        ("9999-12-31", False),
    ],
)
def test_one_plausibility_rule_for_every_typed_date(day, plausible):
    assert (implausible(dt.date.fromisoformat(day)) is None) is plausible
    # The API's description states the same rule as a pattern.
    assert bool(re.match(PLAUSIBLE_YEAR, day)) is plausible
