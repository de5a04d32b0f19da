"""Writing reports: drafts from the record, edits, signatures and addenda.

Every write of a report goes to the audit trail, whichever door it came through. `request`,
where a service takes it, serves only to record the address the change came from.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from liaison.accounts.access import signs_reports
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care.models import Episode, Referral
from liaison.reports.delivery import missing_address
from liaison.reports.drafts import draft_body, prompts_left
from liaison.reports.models import Delivery, Report, ReportKind, SignedText

CREATE, UPDATE = AuditEvent.Action.CREATE, AuditEvent.Action.UPDATE


class ReportError(Exception):
    """A change the report's state refuses; the message is meant for the person asking."""


def report_draft(
    *, referral: Referral, kind: str, episode: Episode | None, due_on: dt.date, by, request=None
) -> Report:
    """The report meeting the obligation (`kind`, `referral`, `episode`, `due_on`): the one
    already started, or a new draft written from the record. Two clicks make one report."""
    if kind not in ReportKind.values:
        raise ReportError("Unknown kind of report.")
    if kind != ReportKind.REDIRECT and episode is None:
        raise ReportError("This kind of report is about an episode of care.")
    with transaction.atomic():
        # Locking the referral makes a second, simultaneous click wait and find the first.
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        report = Report.objects.filter(
            referral=referral, kind=kind, episode=episode, due_on=due_on
        ).first()
        if report is None:
            report = _report_create(referral, kind, episode, due_on)
        audit_record(request=request, user=by, action=CREATE, obj=report, detail="draft")
    return report


def _report_create(
    referral: Referral, kind: str, episode: Episode | None, due_on: dt.date
) -> Report:
    body = draft_body(
        kind=kind, referral=referral, episode=episode, as_of=timezone.localdate(), due_on=due_on
    )
    return Report.objects.create(
        referral=referral, episode=episode, kind=kind, due_on=due_on, body=body
    )


def report_save_draft(*, report: Report, body: str, by, request=None) -> Report:
    _refuse_if_signed(report)
    report.body = body.strip() + "\n"
    with transaction.atomic():
        report.save(update_fields=["body", "updated_at"])
        audit_record(request=request, user=by, action=UPDATE, obj=report, detail="draft saved")
    return report


def report_redraft(*, report: Report, by, request=None) -> Report:
    """Write the draft again from the record, after the record was completed."""
    _refuse_if_signed(report)
    report.body = draft_body(
        kind=report.kind,
        referral=report.referral,
        episode=report.episode,
        as_of=timezone.localdate(),
        due_on=report.due_on,
    )
    with transaction.atomic():
        report.save(update_fields=["body", "updated_at"])
        audit_record(
            request=request, user=by, action=UPDATE, obj=report, detail="redrafted from the record"
        )
    return report


def report_sign(*, report: Report, body: str, by, request=None) -> SignedText:
    """Sign `body` as the report and queue it for the partner's preferred channel.

    The conditional UPDATE lets only the first of two simultaneous signatures through.
    """
    body = body.strip()
    _require_signer(by)
    _require_signable(body)
    channel = _require_address(report)
    now = timezone.now()
    with transaction.atomic():
        signed = Report.objects.filter(pk=report.pk, signed_at__isnull=True).update(
            body=body + "\n", signed_at=now, channel=channel, updated_at=now
        )
        if not signed:
            raise ReportError("This report is already signed; add an addendum instead.")
        text = SignedText.objects.create(
            report=report, body=body, signed_by=by, signer=by.signature, signed_at=now
        )
        Delivery.objects.create(signed_text=text, channel=channel, next_attempt_at=now)
        audit_record(request=request, user=by, action=UPDATE, obj=report, detail="signed")
    report.refresh_from_db()
    return text


def report_add_addendum(*, report: Report, body: str, by, request=None) -> SignedText:
    """A signed correction or addition to a signed report; it is sent like the report."""
    body = body.strip()
    _require_signer(by)
    _require_signable(body)
    if report.signed_at is None:
        raise ReportError("Edit the draft instead: it is not signed yet.")
    channel = _require_address(report)
    now = timezone.now()
    with transaction.atomic():
        text = SignedText.objects.create(
            report=report,
            is_addendum=True,
            body=body,
            signed_by=by,
            signer=by.signature,
            signed_at=now,
        )
        Delivery.objects.create(signed_text=text, channel=channel, next_attempt_at=now)
        audit_record(request=request, user=by, action=CREATE, obj=report, detail="addendum signed")
    return text


def _refuse_if_signed(report: Report) -> None:
    if Report.objects.filter(pk=report.pk, signed_at__isnull=False).exists():
        raise ReportError("This report is signed and can no longer change; add an addendum.")


def _require_signer(by) -> None:
    if not signs_reports(by):
        raise ReportError("Only a clinician who signs reports may sign; save the draft instead.")


def _require_address(report: Report) -> str:
    """The partner's preferred channel, once their record holds its address: a report that
    could not go is refused at signing, not found failed by the sender later."""
    partner = report.referral.partner
    channel = partner.preferred_channel
    missing = missing_address(channel=channel, partner=partner)
    if missing:
        raise ReportError(
            f"Not signed: {missing} Add it on {partner.display_name}'s page, or choose "
            "another way to send their reports, then sign."
        )
    return channel


def _require_signable(body: str) -> None:
    if not body:
        raise ReportError("There is nothing to sign.")
    if left := prompts_left(body):
        raise ReportError(
            f"Replace the parts in double brackets before signing, starting with {left[0]}."
        )
