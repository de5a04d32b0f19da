from decimal import Decimal

import pytest

from liaison.core.templatetags.ui import money


@pytest.mark.parametrize(
    ("amount", "places", "shown"),
    [
        (Decimal("23758.36"), 0, "$23,758"),
        (Decimal("0.50"), 0, "$1"),
        (1234.5, 2, "$1,234.50"),
        (Decimal("-42"), 0, "−$42"),
        (None, 0, "—"),
    ],
)
def test_money_reads_as_dollars_with_thousands_and_cents_only_when_asked(amount, places, shown):
    assert money(amount, places) == shown
