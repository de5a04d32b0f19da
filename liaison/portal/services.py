"""The portal's writes: sign-in links, reports opened, answers to reports, referrals sent.

Every write is audited as the referrer ("portal: address", accounts/audit.py), like a user's.
"""

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditAction, Location
from liaison.care.models import Channel, Patient, Referral
from liaison.care.queries import patients_matching
from liaison.care.services import NewPatient, ReferralDetails, intake_record
from liaison.core.models import PracticeSettings
from liaison.partners.models import Partner
from liaison.portal.models import AnswerKind, ReportAnswer, ReportRead, SignInLink
from liaison.portal.session import act_as
from liaison.reports.emails import email_message
from liaison.reports.models import Report

log = logging.getLogger(__name__)

LINK_MINUTES = 15
# Sign-in links asked for: per address (whether on file or not, so the limit tells nothing)
# and per network address.
LIMITS = (("address", 3, 15 * 60), ("ip", 10, 60 * 60))
# The reports that carry a plan of care, which the referrer may agree with or sign.
PLAN_KINDS = (Report.Kind.INITIAL, Report.Kind.PROGRESS)


class PortalError(Exception):
    """A portal request refused; the message says why, for the referrer."""


# --- signing in ----------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_links_send(*, email: str, ip: str | None, invited: bool = False) -> int:
    """Mail a sign-in link for each partner with `email` on file (`invited`: the practice
    sends it unasked); how many were sent is for the caller only: the sign-in page answers
    the same whatever the address."""
    email = email.strip().lower()
    _rate_limit(email=email, ip=ip)
    partners = list(Partner.objects.filter(email__iexact=email).order_by("pk"))
    if not partners:
        return 0
    now = timezone.now()
    links = [(partner, link_create(partner=partner, email=email, now=now)) for partner in partners]
    try:
        _link_email(email=email, links=links, invited=invited).send()
    except OSError as error:  # smtplib's errors are OSErrors; never the address in the log
        log.warning("portal sign-in email not sent: %s", type(error).__name__)
        return 0
    return len(links)


def _rate_limit(*, email: str, ip: str | None) -> None:
    for kind, limit, seconds in LIMITS:
        value = email if kind == "address" else ip or "unknown"
        key = f"portal-link:{kind}:{token_hash(value)}"
        cache.add(key, 0, seconds)
        if cache.incr(key) > limit:
            raise PortalError(
                "Too many sign-in links were asked for. Wait 15 minutes, then ask again."
            )


def link_create(*, partner: Partner, email: str, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        partner=partner,
        email=email,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=LINK_MINUTES),
    )
    return settings.LIAISON_SITE_URL + reverse("portal-link", args=[token])


def _link_email(*, email: str, links: list[tuple[Partner, str]], invited: bool):
    context = {
        "practice": PracticeSettings.current(),
        "links": links,
        "minutes": LINK_MINUTES,
        "invited": invited,
        "sign_in_url": settings.LIAISON_SITE_URL + reverse("portal-sign-in"),
    }
    return email_message(name="sign_in", context=context, to=[email], folder="portal/emails")


def link_check(*, token: str, now: dt.datetime | None = None) -> SignInLink:
    """The link behind `token` if it can still sign in; PortalError says why not."""
    now = now or timezone.now()
    link = SignInLink.objects.select_related("partner").filter(token_hash=token_hash(token)).first()
    if link is None:
        raise PortalError("This sign-in link is not one of ours. Ask for a new link below.")
    if link.used_at is not None:
        raise PortalError(
            "This sign-in link was already used: each link works once. Ask for a new link below."
        )
    if link.expires_at <= now:
        raise PortalError(
            f"This sign-in link has expired: links work for {LINK_MINUTES} minutes. "
            "Ask for a new link below."
        )
    if link.partner.email.strip().lower() != link.email:
        raise PortalError(
            "This address is no longer on file for the practice. Ask for a new link below."
        )
    return link


def link_use(*, token: str, request=None) -> SignInLink:
    """Spend the link (once, even when two requests race) and audit the sign-in."""
    now = timezone.now()
    link = link_check(token=token, now=now)
    spent = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now)
    if not spent:
        raise PortalError(
            "This sign-in link was already used: each link works once. Ask for a new link below."
        )
    act_as(request, link.email)
    audit_record(
        request=request, action=AuditAction.VIEW, obj=link.partner, detail="portal sign-in"
    )
    return link


# --- reports -------------------------------------------------------------------------------


def report_opened(*, report: Report, email: str, request=None) -> None:
    """The first opening of a report is kept (the practice sees it read); every one is audited."""
    ReportRead.objects.get_or_create(
        report=report, defaults={"first_opened_at": timezone.now(), "by_email": email}
    )
    audit_record(request=request, action=AuditAction.VIEW, obj=report, detail="portal report PDF")


@dataclass(frozen=True)
class Answer:
    kind: str
    text: str = ""
    signer: str = ""


@transaction.atomic
def report_answer(*, report: Report, answer: Answer, email: str, request=None) -> ReportAnswer:
    _answerable(report, answer)
    saved = ReportAnswer.objects.create(
        report=report,
        kind=answer.kind,
        text=answer.text.strip(),
        signer=answer.signer.strip(),
        by_email=email,
        answered_at=timezone.now(),
    )
    audit_record(
        request=request,
        action=AuditAction.CREATE,
        obj=report,
        detail=f"portal answer: {answer.kind}",
    )
    return saved


def _answerable(report: Report, answer: Answer) -> None:
    if answer.kind not in AnswerKind.values:
        raise PortalError("Choose an answer: agree with the plan, ask a question or sign the plan.")
    if answer.kind == AnswerKind.QUESTION and not answer.text.strip():
        raise PortalError("Write the question.")
    if answer.kind != AnswerKind.QUESTION and report.kind not in PLAN_KINDS:
        raise PortalError(
            "Only an initial or progress report carries a plan of care to agree with or sign."
        )
    if answer.kind == AnswerKind.SIGN_PLAN:
        if not answer.signer.strip():
            raise PortalError("Type your name and credentials to sign the plan of care.")
        signed = report.partner_answers.filter(kind=AnswerKind.SIGN_PLAN).first()
        if signed is not None:
            raise PortalError(
                f"This plan of care was already signed on {signed.answered_at:%B %-d, %Y}."
            )


def question_handled(*, answer: ReportAnswer, by, request=None) -> bool:
    """Take a partner's question off the lists: someone at the practice answered it."""
    done = ReportAnswer.objects.filter(pk=answer.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=by
    )
    audit_record(
        request=request,
        user=by,
        action=AuditAction.UPDATE,
        obj=answer.report,
        detail="partner question answered",
    )
    return bool(done)


# --- referrals -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalReferral:
    first_name: str
    last_name: str
    birth_date: dt.date
    location: Location
    reason: str
    urgency: str
    icd10_codes: str = ""


def referral_send(*, partner: Partner, sent: PortalReferral, request=None) -> Referral:
    """A referral from the portal lands in triage like any other. A patient already on file at
    that clinic (same names and birth date) gets the referral; the referrer is not told, as
    they see only the patients they sent."""
    patient = _patient_on_file(sent)
    new_patient = None
    if patient is None:
        new_patient = NewPatient(
            first_name=sent.first_name,
            last_name=sent.last_name,
            birth_date=sent.birth_date,
            location=sent.location,
            channel=Channel.REFERRAL,
        )
    details = ReferralDetails(
        received_on=timezone.localdate(),
        reason=sent.reason,
        icd10_codes=sent.icd10_codes,
        urgency=sent.urgency,
    )
    _, referral = intake_record(
        patient=patient,
        new_patient=new_patient,
        partner=partner,
        details=details,
        on=timezone.localdate(),
        by=None,
        request=request,
    )
    return referral


def _patient_on_file(sent: PortalReferral) -> Patient | None:
    matches = patients_matching(
        first_name=sent.first_name, last_name=sent.last_name, birth_date=sent.birth_date
    )
    return matches.filter(location=sent.location).order_by("pk").first()
