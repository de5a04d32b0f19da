"""Outcome instruments: one table of facts (scale, direction, MCID) that every figure uses."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Q

# Not responding to care: a reading of the primary instrument at least this many days after
# the first shows an improvement below the MCID. The insights' list and the alert's
# due date both start from it.
NOT_RESPONDING_AFTER_DAYS = 28


class InstrumentCode(models.TextChoices):
    ODI = "ODI", "Oswestry Disability Index"
    NDI = "NDI", "Neck Disability Index"
    NPRS = "NPRS", "Numeric Pain Rating Scale"
    PSFS = "PSFS", "Patient-Specific Functional Scale"
    LEFS = "LEFS", "Lower Extremity Functional Scale"
    QUICKDASH = "QuickDASH", "QuickDASH"


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    minimum: Decimal
    maximum: Decimal
    lower_is_better: bool
    mcid: Decimal
    unit: str
    source: str

    def improvement(self, first: Decimal, last: Decimal) -> Decimal:
        """Positive when the patient got better, whichever way the scale runs."""
        return first - last if self.lower_is_better else last - first

    def is_clinically_important(self, first: Decimal, last: Decimal) -> bool:
        return self.improvement(first, last) >= self.mcid


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in [
        Instrument(
            "ODI",
            "Oswestry Disability Index",
            Decimal(0),
            Decimal(100),
            True,
            Decimal(10),
            "%",
            "Ostelo 2008",
        ),
        Instrument(
            "NDI",
            "Neck Disability Index",
            Decimal(0),
            Decimal(100),
            True,
            Decimal(15),
            "%",
            "Young 2009 (7.5 of 50 raw)",
        ),
        Instrument(
            "NPRS",
            "Numeric Pain Rating Scale",
            Decimal(0),
            Decimal(10),
            True,
            Decimal(2),
            "",
            "Ostelo 2008",
        ),
        Instrument(
            "PSFS",
            "Patient-Specific Functional Scale",
            Decimal(0),
            Decimal(10),
            False,
            Decimal(2),
            "",
            "Stratford 1995 (MDC90)",
        ),
        Instrument(
            "LEFS",
            "Lower Extremity Functional Scale",
            Decimal(0),
            Decimal(80),
            False,
            Decimal(9),
            "",
            "Binkley 1999",
        ),
        Instrument(
            "QuickDASH",
            "QuickDASH",
            Decimal(0),
            Decimal(100),
            True,
            Decimal(14),
            "",
            "Sorensen 2013",
        ),
    ]
}


def score_within_scale_constraint(instrument_field: str, score_field: str) -> Q:
    """A CHECK that the score lies on its instrument's scale, built from the table above."""
    condition = Q()
    for i in INSTRUMENTS.values():
        condition |= Q(
            **{
                instrument_field: i.code,
                f"{score_field}__gte": i.minimum,
                f"{score_field}__lte": i.maximum,
            }
        )
    return condition
