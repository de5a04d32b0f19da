"""Channel figures (docs/metrics.md, "Channels"): what each way of finding us brings."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from liaison.care.models import Channel
from liaison.insights.episodes import (
    CareSums,
    care_sums,
    closed_episode_facts,
    closed_in_window,
    located,
    regroup,
)
from liaison.insights.models import PatientFacts
from liaison.insights.scope import Scope
from liaison.insights.sql import CENT, fetch, money


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    new_patients: int
    ltv_12m: Decimal | None
    lifetime_revenue_mean: Decimal | None
    return_rate: float | None
    compliance_rate: float | None


# Payments dated after D of patients first seen by D: taken off their all-time totals.
_LATER_PAYMENTS = """
    SELECT f.channel, SUM(CAST(ROUND(pay.amount * 100) AS BIGINT)) AS cents
    FROM care_payment pay JOIN insights_patientfacts f ON f.patient_id = pay.patient_id
    WHERE pay.paid_on > %s AND f.first_visit_on <= %s {location}
    GROUP BY f.channel
"""


def channel_figures(
    *, scope: Scope, care: dict[str, CareSums] | None = None
) -> list[ChannelFigures]:
    """One object per channel with a patient first seen by D, in the order of the Channel
    choices; three queries (two when the closed episodes' sums per channel are given)."""
    rows = {row["channel"]: row for row in _channel_rows(scope)}
    later = _later_payments(scope)
    care = _channel_care(scope) if care is None else care
    return [
        _figures(channel, rows[channel], later.get(channel, 0), care.get(channel, CareSums()))
        for channel in Channel.values
        if channel in rows
    ]


def _channel_rows(scope: Scope) -> list[dict]:
    """Patients per channel by cohort and their payments, from the per-patient facts."""
    facts = located(PatientFacts.objects.filter(first_visit_on__lte=scope.as_of), scope,
                    "location_id")
    cohort_start, cohort_end = scope.ltv_cohort
    cohort = Q(first_visit_on__gte=cohort_start, first_visit_on__lte=cohort_end)
    returning = Q(first_visit_on__lte=scope.returning_until)
    return list(
        facts.values("channel")
        .annotate(
            new_patients=Count("pk", filter=Q(first_visit_on__gte=scope.window_start)),
            ltv_patients=Count("pk", filter=cohort),
            ltv_cents=Sum("first_year_cents", filter=cohort),
            seen_patients=Count("pk"),
            paid_cents=Sum("paid_cents"),
            returning_base=Count("pk", filter=returning),
            returned=Count("pk", filter=returning & Q(second_episode_on__lte=scope.as_of)),
        )
        .order_by()
    )


def _later_payments(scope: Scope) -> dict[str, int]:
    params = [scope.as_of, scope.as_of]
    location = ""
    if scope.location_id is not None:
        location, params = "AND f.location_id = %s", [*params, scope.location_id]
    rows = fetch(_LATER_PAYMENTS.format(location=location), params)
    return {row["channel"]: int(row["cents"]) for row in rows}


def _channel_care(scope: Scope) -> dict[str, CareSums]:
    facts = closed_episode_facts(closed_in_window(scope), scope, "channel")
    return regroup(care_sums(facts, ["channel"]), 0)


def _figures(channel: str, row: dict, later_cents: int, care: CareSums) -> ChannelFigures:
    return ChannelFigures(
        channel=channel,
        new_patients=int(row["new_patients"]),
        ltv_12m=_mean_money(row["ltv_cents"], row["ltv_patients"]),
        lifetime_revenue_mean=_mean_money(
            int(row["paid_cents"] or 0) - later_cents, row["seen_patients"]
        ),
        return_rate=(
            int(row["returned"]) / int(row["returning_base"]) if row["returning_base"] else None
        ),
        compliance_rate=care.compliance_rate,
    )


def _mean_money(cents, patients) -> Decimal | None:
    """A mean of money over patients, to the cent (half to even); None over no patients."""
    if not patients:
        return None
    return (money(cents) / int(patients)).quantize(CENT)
