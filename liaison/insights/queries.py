"""Reads that turn records into the figures the practice sees (definitions: docs/metrics.md).

The figures live in modules beside this one, one idea each; this module is the door the
views, the API and the command come through.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db.models import Count, Min, Q

from liaison.accounts.models import Location
from liaison.care.models import Patient, Referral, Visit
from liaison.correspondence.models import Report
from liaison.insights.channels import ChannelFigures, channel_figures
from liaison.insights.documents import (
    channels_document,
    gaps_document,
    not_responding_document,
    response_document,
    scorecards_document,
)
from liaison.insights.gaps import NetworkGaps, network_gaps
from liaison.insights.not_responding import NotResponding, patients_not_responding
from liaison.insights.response import ResponseTimes, response_times
from liaison.insights.scope import Scope
from liaison.insights.scorecards import PartnerScorecard, partner_scorecard, partner_scorecards
from liaison.partners.models import Partner

__all__ = [
    "ChannelFigures", "Headline", "NetworkGaps", "NotResponding", "PartnerScorecard",
    "ResponseTimes", "Scope", "channel_figures", "channels_document", "find_location",
    "gaps_document", "network_gaps", "not_responding_document", "partner_scorecard",
    "partner_scorecards", "patients_not_responding", "practice_headline", "response_document",
    "response_times", "scorecards_document",
]


def find_location(practice_id: str) -> Location | None:
    """A location by the practice's own id, or by its code."""
    found = Location.objects.filter(external_id=practice_id).first()
    if found is None:
        try:
            found = Location.objects.filter(code=uuid.UUID(practice_id)).first()
        except ValueError:
            return None
    return found


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
