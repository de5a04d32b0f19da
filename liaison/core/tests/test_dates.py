import datetime as dt

import pytest

from liaison.core.dates import add_business_days


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
