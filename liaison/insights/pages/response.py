"""Insights: response — days from referral to first visit for the practice, by location and by
partner; report on-time rates by kind, clinician and location; and the reports overdue as of D
(partner-level: no patient is named, and only users who may see patients get a link)."""

from django.core.paginator import Paginator

from liaison.accounts.access import can_see_patients
from liaison.accounts.models import Location
from liaison.correspondence.models import Report
from liaison.insights.kept import kept, kept_response
from liaison.insights.pages.common import (
    csv_table,
    filters_for,
    insights_page,
    render_page,
    rounded,
)
from liaison.insights.response import ALL_KINDS
from liaison.insights.response_breakdown import overdue_reports, response_breakdown
from liaison.partners.models import Partner

PER_PAGE = 25
KIND_LABELS = dict(Report.Kind.choices)


@insights_page
def page(request):
    filters = filters_for(request)
    scope = filters.scope
    overall = kept_response(scope)
    parts = kept("response-breakdown", scope, lambda: response_breakdown(scope=scope))
    places = location_names()
    download = csv_table(request, {
        "by-location": lambda: seen_table(seen_rows(parts.seen_by_location, places)),
        "by-partner": lambda: seen_table(partner_rows(parts.seen_by_partner)),
        "on-time": lambda: on_time_table(on_time_rows(overall, parts, places)),
        "overdue": lambda: overdue_table(overdue_rows(overdue_listed(scope), scope.as_of)),
    })
    if download is not None:
        return download
    partners = Paginator(sorted_by_seen(parts.seen_by_partner), PER_PAGE).get_page(
        request.GET.get("page"))
    overdue_ids = kept("response-overdue", scope, lambda: overdue_report_ids(scope))
    overdue = Paginator(overdue_ids, PER_PAGE).get_page(request.GET.get("overdue_page"))
    return render_page(request, "insights/response.html", filters, {
        "overall": overall, "target_days": parts.target_days,
        "by_location": seen_rows(parts.seen_by_location, places),
        "partners": partners, "partner_rows": partner_rows(dict(partners.object_list)),
        "on_time": on_time_rows(overall, parts, places),
        "on_time_chart": on_time_chart(overall),
        "overdue": overdue,
        "overdue_rows": overdue_rows(reports_in_order(overdue.object_list), scope.as_of),
        "link_reports": can_see_patients(request.user),
    })


def overdue_listed(scope):
    return overdue_reports(scope).select_related("referral__partner", "episode")


def overdue_report_ids(scope) -> list[int]:
    return list(overdue_reports(scope).values_list("id", flat=True))


def reports_in_order(ids: list[int]) -> list[Report]:
    """The reports of `ids` (one page of the overdue list), in that order: one query."""
    found = Report.objects.select_related("referral__partner", "episode").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


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


def on_time_rows(overall, parts, places) -> list[tuple[str, str, object, object]]:
    """(group, name, rate, due count or None) rows: by kind, by clinician, by location."""
    rows = [("kind", KIND_LABELS[k], overall.on_time_rate[k], None) for k in Report.Kind.values]
    rows.append(("kind", "All kinds", overall.on_time_rate[ALL_KINDS], None))
    for name, counts in sorted(parts.on_time_by_clinician.items()):
        rows.append(("clinician", name or "No clinician named", counts.rate, counts.due))
    located = [(places.get(pk, "No location"), c) for pk, c in parts.on_time_by_location.items()]
    rows += [("location", name, c.rate, c.due) for name, c in sorted(located)]
    return rows


def on_time_chart(overall) -> dict:
    kinds = Report.Kind.values
    return {
        "labels": [KIND_LABELS[k] for k in kinds], "horizontal": True, "percent": True,
        "datasets": [{"label": "On time", "colour": "#14663f",
                      "values": [overall.on_time_rate[k] for k in kinds]}],
    }


def overdue_rows(reports, as_of) -> list[dict]:
    return [
        {"partner": r.referral.partner, "kind": KIND_LABELS[r.kind], "due_on": r.due_on,
         "days_overdue": (as_of - r.due_on).days,
         "clinician": (r.episode.clinician if r.episode else "") or "—", "code": r.code}
        for r in reports
    ]


def seen_table(rows):
    header = ["name", "seen", "median days", "p90 days", "seen within target"]
    return header, [
        [_name(who), s.seen, s.median_days, s.p90_days,
         round(s.seen_within_target / s.seen, 4)]
        for who, s in rows
    ]


def on_time_table(rows):
    return ["by", "name", "on-time rate", "reports due"], [
        [group, name, rounded(rate), due]
        for group, name, rate, due in rows
    ]


def overdue_table(rows):
    header = ["partner id", "partner", "kind", "due on", "days overdue", "clinician"]
    return header, [
        [r["partner"].external_id or "", r["partner"].display_name, r["kind"],
         r["due_on"].isoformat(), r["days_overdue"], r["clinician"]]
        for r in rows
    ]


def _name(who) -> str:
    return who if isinstance(who, str) else who.display_name

