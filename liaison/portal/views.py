"""The referrer portal's pages. Every page but the sign-in ones needs a partner signed in by a
link (session.portal_page) and shows only the referrals that partner sent; every view of a
patient's record is audited as the referrer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.access import scope_to_user
from liaison.accounts.audit import audit_record, client_ip
from liaison.accounts.models import AuditAction
from liaison.care.models import Referral
from liaison.care.queries import Progress
from liaison.core.models import PracticeSettings
from liaison.partners.models import Partner
from liaison.portal import queries
from liaison.portal.forms import AnswerForm, ReferralForm, SignInForm
from liaison.portal.models import AnswerKind, ReportAnswer
from liaison.portal.services import (
    PLAN_KINDS,
    Answer,
    PortalError,
    PortalReferral,
    link_check,
    link_use,
    question_handled,
    referral_send,
    report_answer,
    report_opened,
    sign_in_links_send,
)
from liaison.portal.session import portal_open, portal_page, portal_sign_in, portal_sign_out
from liaison.reports.pdf import report_pdf


def _closed(request):
    return render(request, "portal/closed.html", status=404)


def sign_in(request):
    if not portal_open():
        return _closed(request)
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sign_in_links_send(email=form.cleaned_data["email"], ip=client_ip(request))
        except PortalError as error:
            form.add_error("email", str(error))
        else:
            return render(
                request, "portal/link_sent.html", {"practice": PracticeSettings.current()}
            )
    status = 400 if form.errors else 200
    context = {"form": form, "practice": PracticeSettings.current()}
    return render(request, "portal/sign_in.html", context, status=status)


def link(request, token):
    """GET asks to confirm (a mail scanner following the link does not spend it); POST signs in."""
    if not portal_open():
        return _closed(request)
    try:
        found = (
            link_check(token=token)
            if request.method != "POST"
            else link_use(token=token, request=request)
        )
    except PortalError as error:
        context = {
            "problem": str(error),
            "form": SignInForm(),
            "practice": PracticeSettings.current(),
        }
        return render(request, "portal/sign_in.html", context, status=410)
    if request.method != "POST":
        return render(request, "portal/link_confirm.html", {"link": found})
    portal_sign_in(request, found)
    return redirect("portal-home")


@require_POST
def sign_out(request):
    portal_sign_out(request)
    messages.success(request, "Signed out of the portal.")
    return redirect("portal-sign-in")


@portal_page
def home(request, partner):
    referrals = [
        (r, Progress.LABELS[r.progress]) for r in queries.partner_referrals(partner=partner)
    ]
    audit_record(
        request=request, action=AuditAction.VIEW, obj=Referral, detail="portal referral list"
    )
    return render(request, "portal/home.html", {"partner": partner, "referrals": referrals})


@portal_page
def referral_detail(request, partner, code):
    referral = queries.partner_referral(partner=partner, code=code)
    audit_record(request=request, action=AuditAction.VIEW, obj=referral, detail="portal referral")
    return render(request, "portal/referral.html", _referral_context(partner, referral))


def _referral_context(partner, referral, **forms) -> dict:
    care = queries.care_so_far(referral=referral)
    reports = list(
        queries.reports_sent(partner=partner)
        .filter(referral=referral)
        .prefetch_related("signed_texts", "partner_answers")
        .order_by("sent_on", "pk")
    )
    return {
        "partner": partner,
        "referral": referral,
        "steps": queries.timeline(referral=referral, episode=care.episode),
        "care": care,
        "primary": care.primary,
        "plan_kinds": PLAN_KINDS,
        "reports": [(r, forms.get(f"answer_{r.pk}") or AnswerForm()) for r in reports],
    }


@portal_page
def report_document(request, partner, code):
    report = queries.partner_report(partner=partner, code=code)
    report_opened(report=report, email=request.portal_email, request=request)
    response = HttpResponse(report_pdf(report=report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="report-{report.sent_on:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@portal_page
@require_POST
def answer(request, partner, code):
    report = queries.partner_report(partner=partner, code=code)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            report_answer(
                report=report,
                answer=Answer(**form.cleaned_data),
                email=request.portal_email,
                request=request,
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you: your answer reached the practice.")
            return redirect("portal-referral", code=report.referral.code)
    referral = queries.partner_referral(partner=partner, code=report.referral.code)
    context = _referral_context(partner, referral, **{f"answer_{report.pk}": form})
    return render(request, "portal/referral.html", context, status=400)


@portal_page
def referral_new(request, partner):
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = referral_send(
            partner=partner, sent=PortalReferral(**form.cleaned_data), request=request
        )
        messages.success(request, "Referral sent: the practice will contact the patient.")
        return redirect("portal-referral", code=referral.code)
    status = 400 if form.errors else 200
    return render(
        request, "portal/referral_new.html", {"partner": partner, "form": form}, status=status
    )


# --- the practice's side -------------------------------------------------------------------


@login_required
@permission_required("correspondence.change_report", raise_exception=True)
@require_POST
def question_handled_view(request, code):
    """Staff mark a partner's question answered (from Today)."""
    questions = ReportAnswer.objects.filter(kind=AnswerKind.QUESTION).select_related("report")
    visible = scope_to_user(questions, request.user, "report__referral__patient__location")
    answer = get_object_or_404(visible, code=code)
    question_handled(answer=answer, by=request.user, request=request)
    messages.success(request, "Marked answered.")
    return redirect("insights-home")


@login_required
@permission_required("partners.change_partner", raise_exception=True)
@require_POST
def invite(request, code):
    """Mail the partner a sign-in link to the portal, at the address on file."""
    partner = get_object_or_404(Partner, code=code)
    if not portal_open():
        messages.error(request, "The referrer portal is closed (Settings → Practice settings).")
    else:
        _invite(request, partner)
    return redirect("partners-detail", code=partner.code)


def _invite(request, partner) -> None:
    try:
        sent = sign_in_links_send(email=partner.email, ip=client_ip(request), invited=True)
    except PortalError as error:
        messages.error(request, str(error))
        return
    if sent:
        messages.success(request, f"A portal sign-in link went to {partner.email}.")
    else:
        messages.error(request, "The email could not be sent just now; try again in a few minutes.")
