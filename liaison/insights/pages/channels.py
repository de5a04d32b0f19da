"""Insights: channels — what each way of finding us brings and what it costs, side by side,
and the value of a referred patient against each other channel in one sentence
(docs/metrics.md, "Channels"). Managers enter the spend from here (care's spend pages)."""

from decimal import Decimal

from liaison.accounts.access import is_manager
from liaison.care.models import Channel
from liaison.care.templatetags.daycount import times
from liaison.core.templatetags.ui import money
from liaison.insights.channels import ChannelFigures
from liaison.insights.pages.common import (
    csv_table,
    filters_for,
    insights_page,
    render_page,
    rounded,
)
from liaison.insights.queries import kept_channels

LABELS = dict(Channel.choices)
# How a sentence names where a patient came from, where the label alone reads badly.
FROM_WORDS = {
    Channel.SELF: "self-referral",
    Channel.PATIENT_WORD_OF_MOUTH: "word of mouth",
    Channel.OTHER: "other channels",
}


@insights_page
def page(request):
    filters = filters_for(request)
    figures = kept_channels(scope=filters.scope)
    download = csv_table(request, {"channels": lambda: channels_table(figures)})
    if download is not None:
        return download
    return render_page(
        request,
        "insights/channels.html",
        filters,
        {
            "rows": [(label(f.channel), f) for f in figures],
            "chart": value_chart(figures),
            "sentences": referred_against_others(figures),
            "may_enter_spend": is_manager(request.user),
        },
    )


def label(channel: str) -> str:
    return LABELS.get(channel, channel)


def from_words(channel: str) -> str:
    return FROM_WORDS.get(channel, label(channel).lower())


def referred_against_others(figures: list[ChannelFigures]) -> list[str]:
    """One sentence per channel other than referral: a referred patient's first-year value
    against that channel's, in words when either is unknown."""
    referred = next((f for f in figures if f.channel == Channel.REFERRAL), None)
    if referred is None:
        return ["No referred patient has been seen yet, so there is nothing to compare."]
    return [
        value_sentence(referred.ltv_12m, from_words(f.channel), f.ltv_12m)
        for f in figures
        if f.channel != Channel.REFERRAL
    ]


def value_sentence(referred: Decimal | None, name: str, other: Decimal | None) -> str:
    if referred is None:
        return (
            f"No referred patient has a full first year in this window yet, so referrals "
            f"cannot be compared with {name} patients."
        )
    first = f"A referred patient brings {money(referred, 2)} in their first 12 months"
    if other is None:
        return f"{first}; no patient from {name} has a full first year in this window yet."
    if other == 0:
        return f"{first}, while a patient from {name} brings nothing ($0.00)."
    return f"{first}, {referred / other:.1f}× a patient from {name} ({money(other, 2)})."


def value_chart(figures: list[ChannelFigures]) -> dict:
    """The 12- and 24-month values per channel; each bar's tooltip adds what the channel cost."""
    return {
        "labels": [label(f.channel) for f in figures],
        "datasets": [
            {
                "label": "12-month value ($)",
                "colour": "#1d4f91",
                "values": [_number(f.ltv_12m) for f in figures],
            },
            {
                "label": "24-month value ($)",
                "colour": "#6b8fc7",
                "values": [_number(f.ltv_24m) for f in figures],
            },
        ],
        "notes": [cost_notes(f) for f in figures],
    }


def cost_notes(f: ChannelFigures) -> list[str]:
    return [
        f"Spend in the window: {money(f.spend, 2)}",
        f"Cost per new patient: {money(f.cost_per_new_patient, 2)}",
        f"12-month value to cost: {times(f.ltv_to_cac)}",
    ]


def _number(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def channels_table(figures: list[ChannelFigures]):
    header = [
        "channel",
        "new patients",
        "12-month value",
        "24-month value",
        "spend",
        "cost per new patient",
        "12-month value to cost",
        "return rate",
        "compliance rate",
    ]
    return header, [
        [
            label(f.channel),
            f.new_patients,
            f.ltv_12m,
            f.ltv_24m,
            f.spend,
            f.cost_per_new_patient,
            rounded(f.ltv_to_cac),
            rounded(f.return_rate),
            rounded(f.compliance_rate),
        ]
        for f in figures
    ]
