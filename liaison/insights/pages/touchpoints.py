"""Insights: touchpoints that work — per touchpoint kind, the change in a partner's referrals
in the 90 days after against the 90 days before (docs/metrics.md, "Touchpoint effect").
Association, not proof: the page says so beside the figures."""

from liaison.insights.pages.common import csv_table, filters_for, insights_page, render_page
from liaison.insights.queries import kept_touchpoint_effects
from liaison.insights.touchpoint_effect import EFFECT_DAYS, TouchpointEffect, last_counted_day
from liaison.partners.models import Touchpoint

KIND_LABELS = dict(Touchpoint.Kind.choices)


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    effects = kept_touchpoint_effects(scope=scope)
    download = csv_table(request, {"touchpoints": lambda: effects_table(effects)})
    if download is not None:
        return download
    return render_page(
        request,
        "insights/touchpoints.html",
        filters,
        {
            "rows": [(KIND_LABELS[e.kind], e) for e in effects],
            "chart": change_chart(effects),
            "effect_days": EFFECT_DAYS,
            "counted_from": scope.window_start,
            "counted_until": last_counted_day(scope),
        },
    )


def change_chart(effects: list[TouchpointEffect]) -> dict:
    return {
        "labels": [KIND_LABELS[e.kind] for e in effects],
        "horizontal": True,
        "datasets": [
            {
                "label": "Mean change in referrals",
                "colour": "#0f766e",
                "values": [round(e.mean_change, 2) for e in effects],
            }
        ],
    }


def effects_table(effects: list[TouchpointEffect]):
    header = [
        "kind",
        "touchpoints",
        "mean referrals before",
        "mean referrals after",
        "mean change",
        "share followed by an increase",
    ]
    return header, [
        [
            KIND_LABELS[e.kind],
            e.touchpoints,
            round(e.mean_before, 4),
            round(e.mean_after, 4),
            round(e.mean_change, 4),
            round(e.increased_share, 4),
        ]
        for e in effects
    ]
