"""Reads for the reports' pages: the queue of a clinician or a location."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import OuterRef, Q, Subquery

from liaison.accounts.models import Location, Role
from liaison.care.models import Episode, Referral
from liaison.core.sections import Section
from liaison.partners.models import DeliveryChannel
from liaison.reports.models import AttemptResult, Delivery, DeliveryAttempt, DeliveryStatus, Report
from liaison.reports.obligations import Obligation, Status, obligations_due

SECTION_ROWS = 50
SENT_DAYS = 14


def belongs_to(user, *, location_id: int, clinician_id: int | None, location_ids: set[int]) -> bool:
    """Whether a report is `user`'s: their clinic, and their episode or one that names no
    user (nobody, or a name not yet linked to anyone)."""
    return location_id in location_ids and clinician_id in (None, user.pk)


@dataclass(frozen=True)
class OwedGroups:
    overdue: list[Obligation]  # the oldest first
    due_today: list[Obligation]
    coming_due: list[Obligation]


def owed_groups(
    *,
    obligations: list[Obligation],
    user,
    as_of: dt.date,
    location_ids: set[int],
    mine: bool,
) -> OwedGroups:
    """The obligations not yet met, grouped as the queue and Today show them; with `mine`,
    only `user`'s (`belongs_to`)."""
    if mine:
        obligations = [
            o
            for o in obligations
            if belongs_to(
                user,
                location_id=o.location_id,
                clinician_id=o.clinician_id,
                location_ids=location_ids,
            )
        ]
    overdue = [o for o in obligations if o.status == Status.OVERDUE]
    due = [o for o in obligations if o.status == Status.DUE]
    return OwedGroups(
        overdue=sorted(overdue, key=lambda o: o.due_on),
        due_today=[o for o in due if o.due_on == as_of],
        coming_due=[o for o in due if o.due_on > as_of],
    )


@dataclass
class Row:
    obligation: Obligation
    referral: Referral
    report: Report | None
    episode_code: str | None


@dataclass
class Queue:
    overdue: Section
    due_today: Section
    coming_due: Section
    unsigned: Section
    delivering: Section
    sent: Section


def report_queue(*, user, as_of: dt.date, locations: list[Location], mine: bool) -> Queue:
    """What the user has to write, sign and send at `locations` (only their own reports
    with `mine`), in a fixed number of queries whatever the practice's size."""
    location_ids = {loc.id for loc in locations}
    owed = owed_groups(
        obligations=obligations_due(as_of=as_of, location_ids=sorted(location_ids)),
        user=user,
        as_of=as_of,
        location_ids=location_ids,
        mine=mine,
    )
    groups = (owed.overdue, owed.due_today, owed.coming_due)
    rows = _rows([o for group in groups for o in group[:SECTION_ROWS]])

    def section(group: list[Obligation]) -> Section:
        return Section(rows=[rows[o] for o in group[:SECTION_ROWS]], total=len(group))

    reports = Report.objects.filter(referral__patient__location__in=location_ids)
    if mine:
        reports = reports.filter(_mine_q(user))
    return Queue(
        overdue=section(owed.overdue),
        due_today=section(owed.due_today),
        coming_due=section(owed.coming_due),
        unsigned=_section(reports.awaiting_signature().exclude(body="").order_by("due_on")),
        delivering=_section(_delivering(reports)),
        sent=_section(
            reports.filter(sent_on__gte=as_of - dt.timedelta(days=SENT_DAYS)).order_by("-sent_on")
        ),
    )


def _mine_q(user) -> Q:
    return Q(episode__isnull=True) | Q(episode__clinician__isnull=True) | Q(episode__clinician=user)


def _rows(owed: list[Obligation]) -> dict[Obligation, Row]:
    referrals = Referral.objects.select_related("patient", "partner").in_bulk(
        {o.referral_id for o in owed}
    )
    reports = Report.objects.in_bulk({o.report_id for o in owed if o.report_id})
    episodes = dict(
        Episode.objects.filter(pk__in={o.episode_id for o in owed if o.episode_id}).values_list(
            "pk", "code"
        )
    )
    return {
        o: Row(o, referrals[o.referral_id], reports.get(o.report_id), episodes.get(o.episode_id))
        for o in owed
    }


def _section(reports) -> Section:
    reports = reports.select_related("referral__patient", "referral__partner")
    return Section(rows=list(reports[:SECTION_ROWS]), total=reports.count())


def _delivering(reports):
    """Signed reports not yet delivered: waiting for the sender, print or upload, or failed."""
    waiting = Delivery.objects.filter(
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        signed_text__report__in=reports,
    )
    return Report.objects.filter(pk__in=waiting.values("signed_text__report")).order_by("due_on")


def deliveries_of(report: Report) -> list[Delivery]:
    return list(
        Delivery.objects.filter(signed_text__report=report)
        .select_related("signed_text")
        .prefetch_related("attempts_log")
        .order_by("id")
    )


def print_queue_for(*, locations: list[Location]):
    return Delivery.objects.print_queue().filter(
        signed_text__report__referral__patient__location__in=locations
    )


def portal_queue_for(*, locations: list[Location]):
    return Delivery.objects.filter(
        status=DeliveryStatus.PENDING,
        channel=DeliveryChannel.PORTAL,
        signed_text__report__referral__patient__location__in=locations,
    )


def deliveries_failed(*, user, location_ids: list[int], rows: int) -> Section:
    """Deliveries that failed for good, each with the last try's reason: the ones `user` signed,
    or every one at their locations for a manager (who may sign none). The newest first."""
    last_failure = DeliveryAttempt.objects.filter(
        delivery=OuterRef("pk"), result=AttemptResult.FAILED
    ).order_by("-at", "-id")
    failed = (
        Delivery.objects.filter(
            status=DeliveryStatus.FAILED,
            signed_text__report__referral__patient__location__in=location_ids,
        )
        .annotate(reason=Subquery(last_failure.values("detail")[:1]))
        .select_related(
            "signed_text__report__referral__partner", "signed_text__report__referral__patient"
        )
        .order_by("-signed_text__signed_at", "-id")
    )
    if user.role != Role.MANAGER:
        failed = failed.filter(signed_text__signed_by=user)
    return Section(list(failed[:rows]), failed.count())
