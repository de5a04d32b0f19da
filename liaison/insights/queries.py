"""Reads that turn records into the figures the practice sees (definitions: docs/metrics.md)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from liaison.care.models import Patient, Referral, Visit
from liaison.correspondence.models import Report
from liaison.partners.models import Partner


@dataclass(frozen=True)
class Headline:
    as_of: dt.date
    partners: int
    active_partners: int
    referrals_30d: int
    awaiting_triage: int
    new_patients_30d: int
    reports_overdue: int


def practice_headline(*, as_of: dt.date, location_ids: list[int] | None = None) -> Headline:
    """The home page's counts, in five queries whatever the size of the history.

    `location_ids` narrows patient-side counts to those locations; None means all.
    """
    year_ago = as_of - dt.timedelta(days=364)
    month_ago = as_of - dt.timedelta(days=29)
    referrals = Referral.objects.filter(received_on__lte=as_of)
    visits = Visit.objects.filter(status=Visit.Status.ATTENDED, visit_on__lte=as_of)
    reports = Report.objects.all()
    if location_ids is not None:
        referrals = referrals.filter(patient__location__in=location_ids)
        visits = visits.filter(episode__patient__location__in=location_ids)
        reports = reports.filter(referral__patient__location__in=location_ids)

    partner_counts = Partner.objects.aggregate(
        partners=Count("id"),
        active=Count(
            "id",
            filter=Q(id__in=referrals.filter(received_on__gte=year_ago).values("partner_id")),
        ),
    )
    referral_counts = referrals.aggregate(
        recent=Count("id", filter=Q(received_on__gte=month_ago)),
        pending=Count("id", filter=Q(decision__isnull=True)),
    )
    first_visits = (
        visits.values("episode__patient_id")
        .annotate(first=Min("visit_on"))
        .filter(first__gte=month_ago)
    )
    return Headline(
        as_of=as_of,
        partners=partner_counts["partners"],
        active_partners=partner_counts["active"],
        referrals_30d=referral_counts["recent"],
        awaiting_triage=referral_counts["pending"],
        new_patients_30d=Patient.objects.filter(id__in=first_visits.values("episode__patient_id"))
        .count(),
        reports_overdue=reports.filter(sent_on__isnull=True, due_on__lt=as_of).count(),
    )
