"""The daily digest: each clinician hears once a day what is overdue and coming due.

A clinician's reports are those of episodes that name them, plus the reports of their
clinics that name no clinician (redirect letters, episodes without one). The digest lists
kinds, partners and dates, never a patient: the queue behind the link shows the rest.
"""

import datetime as dt
import logging
import smtplib
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.access import locations_of
from liaison.accounts.models import Role, User
from liaison.partners.models import Partner
from liaison.reports.emails import email_message
from liaison.reports.models import DigestSent, Report, ReportKind
from liaison.reports.obligations import Obligation, Status, obligations_due
from liaison.reports.queries import belongs_to

log = logging.getLogger(__name__)

DIGEST_AHEAD_DAYS = 7


@dataclass(frozen=True)
class DigestItem:
    kind_label: str
    partner: str
    due_on: dt.date


def digests_send() -> int:
    """Send today's digest to every clinician who has not had it; returns how many went.

    Safe on several hosts: a clinician's DigestSent row for the day is the claim, and it is
    removed again if sending fails, so a later run tries once more.
    """
    now = timezone.localtime()
    if now.hour < settings.LIAISON_DIGEST_HOUR:
        return 0
    today = now.date()
    clinicians = list(
        User.objects.filter(is_active=True, groups__name=Role.CLINICIAN)
        .exclude(email="")
        .exclude(pk__in=DigestSent.objects.filter(day=today).values("user_id"))
        .prefetch_related("locations")
    )
    if not clinicians:
        return 0
    works_at = {user.pk: {loc.id for loc in locations_of(user)} for user in clinicians}
    location_ids = sorted(set().union(*works_at.values()))
    owed = [
        o
        for o in obligations_due(
            as_of=today, ahead_days=DIGEST_AHEAD_DAYS, location_ids=location_ids
        )
        if o.status in Status.UNSENT
    ]
    partners = Partner.objects.filter(pk__in={o.partner_id for o in owed})
    names = {partner.pk: partner.display_name for partner in partners}
    drafts = _drafts_waiting(location_ids)
    sent = 0
    for user in clinicians:
        where = works_at[user.pk]
        mine = [o for o in owed if _is_for(user, where, o.location_id, o.clinician_id)]
        unsigned = sum(n for (loc, whose), n in drafts.items() if _is_for(user, where, loc, whose))
        if _digest_claim(user=user, day=today):
            sent += _digest_deliver(user, today, mine, unsigned, names)
    return sent


def _is_for(user: User, where: set[int], location_id: int, clinician_id: int | None) -> bool:
    return belongs_to(user, location_id=location_id, clinician_id=clinician_id, location_ids=where)


def _drafts_waiting(location_ids: list[int]) -> Counter:
    rows = (
        Report.objects.awaiting_signature()
        .exclude(body="")
        .filter(referral__patient__location__in=location_ids)
        .values_list("referral__patient__location_id", "episode__clinician")
    )
    return Counter(rows)


def _digest_claim(*, user: User, day: dt.date) -> bool:
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day)
    except IntegrityError:
        return False
    return True


def _digest_deliver(user, today, mine: list[Obligation], unsigned: int, names) -> int:
    if not mine and not unsigned:
        return 0  # nothing to say today; the row still marks the day as done
    labels = dict(ReportKind.choices)

    def items(status_test):
        return [
            DigestItem(labels[o.kind], names.get(o.partner_id, ""), o.due_on)
            for o in mine
            if status_test(o)
        ]

    context = {
        "user": user,
        "overdue": items(lambda o: o.status == Status.OVERDUE),
        "due": items(lambda o: o.status == Status.DUE),
        "unsigned": unsigned,
        "queue_url": settings.LIAISON_SITE_URL + reverse("reports-queue"),
    }
    try:
        email_message(name="digest", context=context, to=[user.email]).send()
    except (smtplib.SMTPException, OSError) as error:
        log.warning("digest for user %s failed: %s", user.pk, type(error).__name__)
        DigestSent.objects.filter(user=user, day=today).delete()
        return 0
    return 1
