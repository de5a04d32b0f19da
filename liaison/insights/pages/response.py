"""Insights: response — days from referral to first visit for the practice, by location and by
partner; reports on time by kind, clinician and location (of every report owed, written or
not); keeping referrers informed; and the reports overdue as of D (partner-level: no patient
is named, and only users who may see patients get a link)."""

from django.core.paginator import Paginator

from liaison.accounts.access import can_see_patients
from liaison.accounts.models import Location
from liaison.insights.pages.common import (
    csv_table,
    filters_for,
    insights_page,
    render_page,
    rounded,
)
from liaison.insights.queries import (
    kept_reports_overdue,
    kept_response,
    kept_response_breakdown,
)
from liaison.insights.response import OnTime
from liaison.partners.models import Partner
from liaison.reports.models import Report

PER_PAGE = 25
KIND_LABELS = dict(Report.Kind.choices)


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    overall = kept_response(scope=scope)
    parts = kept_response_breakdown(scope=scope)
    overdue_all = kept_reports_overdue(scope=scope)
    places = location_names()
    download = csv_table(
        request,
        {
            "by-location": lambda: seen_table(seen_rows(parts.seen_by_location, places)),
            "by-partner": lambda: seen_table(partner_rows(parts.seen_by_partner)),
            "on-time": lambda: on_time_table(on_time_rows(overall.reports_on_time, places)),
            "informed": lambda: informed_table(informed_rows(overall.informed)),
            "overdue": lambda: overdue_table(overdue_rows(overdue_all, scope.as_of)),
        },
    )
    if download is not None:
        return download
    partners = Paginator(sorted_by_seen(parts.seen_by_partner), PER_PAGE).get_page(
        request.GET.get("page")
    )
    overdue = Paginator(overdue_all, PER_PAGE).get_page(request.GET.get("overdue_page"))
    return render_page(
        request,
        "insights/response.html",
        filters,
        {
            "overall": overall,
            "target_days": parts.target_days,
            "by_location": seen_rows(parts.seen_by_location, places),
            "partners": partners,
            "partner_rows": partner_rows(dict(partners.object_list)),
            "on_time": on_time_rows(overall.reports_on_time, places),
            "on_time_chart": on_time_chart(overall),
            "informed": informed_rows(overall.informed),
            "overdue": overdue,
            "overdue_rows": overdue_rows(overdue.object_list, scope.as_of),
            "link_reports": can_see_patients(request.user),
        },
    )


def location_names() -> dict[int, str]:
    return dict(Location.objects.values_list("id", "name"))


def sorted_by_seen(stats: dict) -> list:
    """(partner id, stats), the partners with the most seen referrals first."""
    return sorted(stats.items(), key=lambda item: (-item[1].seen, item[0]))


def seen_rows(stats: dict, names: dict) -> list[tuple[str, object]]:
    rows = [(names.get(key, "No location"), s) for key, s in stats.items()]
    return sorted(rows, key=lambda row: row[0])


def partner_rows(stats: dict) -> list[tuple[Partner, object]]:
    """(partner, stats) in the order given, most seen first."""
    partners = Partner.objects.in_bulk(list(stats))
    return [(partners[pk], s) for pk, s in sorted_by_seen(stats) if pk in partners]


def on_time_rows(reports_on_time, places) -> list[tuple[str, str, object, object]]:
    """(group, name, on-time counts, reports due) rows: by kind, by clinician, by location."""
    rows = [
        ("kind", KIND_LABELS[k], reports_on_time.by_kind.get(k, OnTime()))
        for k in Report.Kind.values
    ]
    rows.append(("kind", "All kinds", reports_on_time.all))
    for name, counts in sorted(reports_on_time.by_clinician.items()):
        rows.append(("clinician", name or "No clinician named", counts))
    located = [(places.get(pk, "No location"), c) for pk, c in reports_on_time.by_location.items()]
    rows += [("location", name, c) for name, c in sorted(located, key=lambda row: row[0])]
    return rows


def informed_rows(informed) -> list[tuple[str, object, object, int]]:
    """(group, completion rate, outcome success rate, closed episodes) for the two groups."""
    return [
        (
            "Initial report on time",
            informed.informed_completion_rate,
            informed.informed_success_rate,
            informed.informed.closed_episodes,
        ),
        (
            "Initial report late or not sent",
            informed.uninformed_completion_rate,
            informed.uninformed_success_rate,
            informed.uninformed.closed_episodes,
        ),
    ]


def on_time_chart(overall) -> dict:
    kinds = Report.Kind.values
    return {
        "labels": [KIND_LABELS[k] for k in kinds],
        "horizontal": True,
        "percent": True,
        "datasets": [
            {
                "label": "On time",
                "colour": "#14663f",
                "values": [overall.on_time_rate[k] for k in kinds],
            }
        ],
    }


def overdue_rows(overdue, as_of) -> list[dict]:
    """One page of overdue reports (obligations) with their partners and reports: two
    queries."""
    partners = Partner.objects.in_bulk({o.partner_id for o in overdue})
    reports = Report.objects.only("code").in_bulk({o.report_id for o in overdue if o.report_id})
    return [
        {
            "partner": partners[o.partner_id],
            "kind": KIND_LABELS[o.kind],
            "due_on": o.due_on,
            "days_overdue": (as_of - o.due_on).days,
            "clinician": o.clinician or "—",
            "code": reports[o.report_id].code if o.report_id in reports else None,
        }
        for o in overdue
        if o.partner_id in partners
    ]


def seen_table(rows):
    header = ["name", "seen", "median days", "p90 days", "seen within target"]
    return header, [
        [_name(who), s.seen, s.median_days, s.p90_days, round(s.seen_within_target / s.seen, 4)]
        for who, s in rows
    ]


def on_time_table(rows):
    return ["by", "name", "on-time rate", "reports due", "sent on time", "not sent"], [
        [group, name, rounded(c.rate), c.due, c.on_time, c.unsent] for group, name, c in rows
    ]


def informed_table(rows):
    header = ["referrer", "completion rate", "outcome success rate", "closed episodes"]
    return header, [
        [group, rounded(completion), rounded(success), episodes]
        for group, completion, success, episodes in rows
    ]


def overdue_table(rows):
    header = ["partner id", "partner", "kind", "due on", "days overdue", "clinician"]
    return header, [
        [
            r["partner"].external_id or "",
            r["partner"].display_name,
            r["kind"],
            r["due_on"].isoformat(),
            r["days_overdue"],
            r["clinician"],
        ]
        for r in rows
    ]


def _name(who) -> str:
    return who if isinstance(who, str) else who.display_name
