"""Getting signed reports to partners, off the request.

The schedule (`schedule.py`: `liaison schedule`, or `liaison send_due_reports` from cron)
calls `deliveries_send_due` every minute, possibly on several hosts at once. Each delivery
is claimed with a conditional UPDATE (pending, due, and not held by a live claim), so only
one host ever sends it; a claim expires after CLAIM_SECONDS, so a host that dies mid-send
does not strand a report. A failed try is logged and retried later,
each wait longer than the last, until MAX_ATTEMPTS; then the report waits for a person.

Email, fax (through an email-to-fax gateway) and Direct go out over Django's SMTP settings.
Mail and portal reports are delivered by a person: they wait in the print queue or for
"Mark uploaded", and each of those is logged the same way. What a person does to a delivery
(a retry, an upload) goes to the audit trail against the report.
"""

import datetime as dt
import logging
import os
import re
import smtplib
import socket
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.partners.models import DeliveryChannel
from liaison.reports.emails import email_message
from liaison.reports.models import (
    AttemptResult,
    CommunicationPreference,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    Report,
)
from liaison.reports.sheets import reports_for_sheets

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (5, 15, 45, 135, 405)  # the wait after the 1st, 2nd, ... failed try
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
CLAIM_SECONDS = 600


class PermanentFailure(Exception):
    """Trying again cannot help (no address, no gateway): a person must step in."""


@dataclass
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def deliveries_send_due(*, limit: int = 500) -> SendSummary:
    """Send every electronic delivery whose time has come and that no other host holds."""
    token = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    summary = SendSummary()
    now = timezone.now()
    waiting = Delivery.objects.ready_to_send(now).order_by("next_attempt_at", "id")
    for delivery_id in list(waiting.values_list("id", flat=True)[:limit]):
        if not delivery_claim(delivery_id=delivery_id, token=token):
            continue  # another host got there first
        outcome = delivery_send(delivery_id=delivery_id, token=token)
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    return summary


def delivery_claim(*, delivery_id: int, token: str) -> bool:
    now = timezone.now()
    claimed = (
        Delivery.objects.ready_to_send(now)
        .filter(pk=delivery_id)
        .update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS), claimed_by=token)
    )
    return claimed == 1


def delivery_send(*, delivery_id: int, token: str) -> str:
    """One try; returns "sent", "retrying" or "failed"."""
    delivery = Delivery.objects.select_related("signed_text").get(pk=delivery_id)
    text = delivery.signed_text
    report = reports_for_sheets().get(pk=text.report_id)
    address = ""
    try:
        address = delivery_address(channel=delivery.channel, partner=report.referral.partner)
        _report_message(report=report, text=text, address=address).send()
    except PermanentFailure as error:
        return _failed(delivery, token, address, str(error), final=True)
    except (smtplib.SMTPException, OSError) as error:
        final = delivery.attempts + 1 >= MAX_ATTEMPTS
        return _failed(delivery, token, address, _describe(error), final=final)
    _sent(delivery, token, address, report)
    return "sent"


# What each electronic channel needs on the partner's record, said when it is missing.
MISSING = {
    DeliveryChannel.EMAIL: "The partner has no email address.",
    DeliveryChannel.FAX: "The partner has no fax number.",
    DeliveryChannel.DIRECT: "The partner has no Direct address.",
}


def delivery_address(*, channel: str, partner) -> str:
    if channel not in MISSING:
        raise PermanentFailure(f"{channel} reports are delivered by hand.")
    on_file = _on_file(channel=channel, partner=partner)
    if not on_file:
        raise PermanentFailure(MISSING[channel])
    return fax_gateway_address(on_file) if channel == DeliveryChannel.FAX else on_file


def missing_address(*, channel: str, partner) -> str | None:
    """What the partner's record lacks for a report to go by `channel`, or None: checked when
    a report is signed or sent again, so that a missing address is caught then, not by the
    sender later."""
    if channel in MISSING and not _on_file(channel=channel, partner=partner):
        return MISSING[channel]
    return None


def _on_file(*, channel: str, partner) -> str:
    """The partner's email, fax digits or Direct address, as `channel` needs; "" if none."""
    if channel == DeliveryChannel.EMAIL:
        return partner.email
    if channel == DeliveryChannel.FAX:
        return re.sub(r"\D", "", partner.fax or "")
    preference = CommunicationPreference.objects.filter(partner=partner).first()
    return preference.direct_address if preference else ""


def fax_gateway_address(digits: str) -> str:
    """`LIAISON_FAX_GATEWAY` with the fax number's digits, e.g. 6175550100@fax.example.net."""
    if not settings.LIAISON_FAX_GATEWAY:
        raise PermanentFailure("No email-to-fax gateway is set (LIAISON_FAX_GATEWAY).")
    return settings.LIAISON_FAX_GATEWAY.format(fax=digits)


def _report_message(*, report: Report, text, address: str):
    from liaison.reports.pdf import report_pdf

    kind = report.get_kind_display().lower().replace(" ", "-")
    filename = f"{kind}{'-addendum' if text.is_addendum else ''}-{str(report.code)[:8]}.pdf"
    context = {"report": report, "text": text, "location": _location(report)}
    return email_message(
        name="report",
        context=context,
        to=[address],
        attachments=[(filename, report_pdf(report=report, upto=text), "application/pdf")],
    )


def _location(report: Report):
    episode = report.episode
    if episode is not None and episode.location_id:
        return episode.location
    return report.referral.patient.location


def _describe(error: Exception) -> str:
    # The SMTP reply or the socket error; reports' content is never in it.
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error.decode(errors="replace") if error.smtp_error else ""
        return f"SMTP {error.smtp_code} {message}"[:300]
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = error.recipients.values()
        codes = [f"{code} {msg.decode(errors='replace')}" for code, msg in replies]
        return f"Recipient refused: {'; '.join(codes)}"[:300]
    return f"{type(error).__name__}: {error}"[:300]


def _sent(delivery: Delivery, token: str, address: str, report: Report) -> None:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claimed_by=token).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            attempts=F("attempts") + 1,
            next_attempt_at=None,
            claimed_until=None,
            claimed_by="",
        )
        _delivered(delivery, report, now, address, AttemptResult.SENT)


def _failed(delivery: Delivery, token: str, address: str, detail: str, *, final: bool) -> str:
    now = timezone.now()
    attempts = delivery.attempts + 1
    retry_at = None if final else now + dt.timedelta(minutes=BACKOFF_MINUTES[attempts - 1])
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claimed_by=token).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            attempts=attempts,
            next_attempt_at=retry_at,
            claimed_until=None,
            claimed_by="",
        )
        _log(delivery, now, address, AttemptResult.FAILED, detail)
    log.warning("delivery %s failed (try %s): %s", delivery.pk, attempts, detail)
    return "failed" if final else "retrying"


def _log(delivery, at, address, result, detail, by=None) -> DeliveryAttempt:
    return DeliveryAttempt.objects.create(
        delivery=delivery,
        at=at,
        channel=delivery.channel,
        address=address,
        result=result,
        detail=detail,
        by=by,
    )


def _delivered(delivery, report: Report, at, address, result, by=None) -> None:
    """Log the attempt that delivered `delivery`; the report counts as sent from then on,
    unless what went out is an addendum (the report was sent before)."""
    _log(delivery, at, address, result, "", by=by)
    if not delivery.signed_text.is_addendum:
        report_mark_sent(report=report, on=timezone.localdate(at), channel=delivery.channel)


def report_mark_sent(*, report: Report, on: dt.date, channel: str) -> None:
    # Only the first delivery of the report sets the date that meets the obligation.
    Report.objects.filter(pk=report.pk, sent_on__isnull=True).update(sent_on=on, channel=channel)


def delivery_retry(*, delivery: Delivery, channel: str, by, request=None) -> bool:
    """Try a failed delivery again, by the same or another channel (after an address fix);
    True when it was failed and now waits to go. The request is audited either way."""
    if channel not in DeliveryChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING,
            channel=channel,
            attempts=0,
            next_attempt_at=timezone.now(),
        )
        _audit(delivery, by, request, "retry")
    return updated == 1


def _audit(delivery: Delivery, by, request, detail: str) -> None:
    report = delivery.signed_text.report
    audit_record(
        request=request, user=by, action=AuditEvent.Action.UPDATE, obj=report, detail=detail
    )


def delivery_mark_uploaded(*, delivery: Delivery, by, request=None) -> bool:
    """A person uploaded a portal report to the partner's portal; True the first time. The
    request is audited either way."""
    now = timezone.now()
    with transaction.atomic():
        done = Delivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.PENDING, channel=DeliveryChannel.PORTAL
        ).update(status=DeliveryStatus.SENT, sent_at=now, attempts=F("attempts") + 1)
        _audit(delivery, by, request, "portal upload")
        if not done:
            return False
        report = delivery.signed_text.report
        _delivered(delivery, report, now, "partner portal", AttemptResult.UPLOADED, by=by)
    return True


def print_batch_create(*, deliveries, by) -> uuid.UUID | None:
    """Take the mail reports of `deliveries` still waiting into one print batch.

    Rows another person took meanwhile are left out, so a report is never printed twice;
    returns None when nothing was left to print.
    """
    batch = uuid.uuid4()
    now = timezone.now()
    with transaction.atomic():
        taken = deliveries.print_queue().update(
            status=DeliveryStatus.SENT, sent_at=now, batch=batch, attempts=F("attempts") + 1
        )
        if not taken:
            return None
        for delivery in Delivery.objects.filter(batch=batch).select_related(
            "signed_text__report__referral__partner"
        ):
            report = delivery.signed_text.report
            address = _postal_address(delivery)
            _delivered(delivery, report, now, address, AttemptResult.PRINTED, by=by)
    return batch


def _postal_address(delivery: Delivery) -> str:
    partner = delivery.signed_text.report.referral.partner
    parts = [partner.address, partner.city, f"{partner.state} {partner.zip}".strip()]
    return ", ".join(p for p in parts if p)[:300]
