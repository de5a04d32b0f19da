import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.accounts.access import (
    SIGN_REPORTS,
    locations_of,
    patient_record_or_404,
    require_patient_access,
)
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care.models import Episode, Referral
from liaison.care.services import episode_record_discharge, episode_record_evaluation
from liaison.core.codes import required_code
from liaison.core.filters import page_filters
from liaison.reports import delivery as deliveries
from liaison.reports.forms import (
    AddendumForm,
    DischargeForm,
    EvaluationForm,
    FindingFormSet,
    OutcomeFormSet,
    QueueFiltersForm,
    ReportForm,
    RetryForm,
    red_flag_formset,
)
from liaison.reports.models import Delivery, Report
from liaison.reports.queries import (
    deliveries_of,
    portal_queue_for,
    print_queue_for,
    report_queue,
)
from liaison.reports.services import (
    ReportError,
    report_add_addendum,
    report_draft,
    report_redraft,
    report_save_draft,
    report_sign,
)
from liaison.reports.sheets import reports_for_sheets, sheet_context

View = AuditEvent.Action.VIEW


def _get_report_for_user(
    request, code, *, action: str = View, detail: str = "report page"
) -> Report:
    """The report, or 404 when this user may not see it; the view (or download) is audited."""
    return patient_record_or_404(
        request, reports_for_sheets(), code=code, detail=detail, action=action
    )


def _get_episode_for_user(request, code) -> Episode:
    episodes = Episode.objects.select_related("patient", "referral")
    return patient_record_or_404(request, episodes, code=code, detail="clinical record page")


def _queue_filters(request, locations) -> tuple[list, bool]:
    """The filter bar's choices (remembered in the session): the clinics shown, and whether
    only the user's reports are."""
    form = page_filters(
        request,
        key="reports_queue",
        form_class=QueueFiltersForm,
        form_kwargs={"locations": locations},
    ).form
    form.is_valid()  # an unknown clinic shows them all
    chosen = form.cleaned_data.get("location")
    picked = [location for location in locations if str(location.code) == chosen]
    return (picked or locations), form.cleaned_data.get("mine", False)


@login_required
def queue(request):
    require_patient_access(request.user)
    locations = list(locations_of(request.user))
    shown, mine = _queue_filters(request, locations)
    today = timezone.localdate()
    context = {
        "queue": report_queue(user=request.user, as_of=today, locations=shown, mine=mine),
        "locations": locations,
        "chosen": shown[0].code if len(shown) == 1 and len(locations) > 1 else "",
        "mine": mine,
        "today": today,
        "print_count": print_queue_for(locations=shown).count(),
        "portal": list(portal_queue_for(locations=shown).select_related("signed_text__report")),
    }
    audit_record(request=request, action=View, obj=Report, detail="report queue")
    return render(request, "reports/queue.html", context)


@login_required
@permission_required("correspondence.add_report", raise_exception=True)
@require_POST
def draft(request):
    """Open the report meeting an obligation, writing its draft the first time."""
    require_patient_access(request.user)
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user),
        code=required_code(request.POST.get("referral"), "referral"),
    )
    episode = None
    if request.POST.get("episode"):
        episode = get_object_or_404(
            Episode.objects.filter(referral=referral),
            code=required_code(request.POST["episode"], "episode"),
        )
    try:
        due_on = dt.date.fromisoformat(request.POST.get("due_on", ""))
        report = report_draft(
            referral=referral,
            kind=request.POST.get("kind", ""),
            episode=episode,
            due_on=due_on,
            by=request.user,
            request=request,
        )
    except (ValueError, ReportError) as error:
        messages.error(request, f"No draft written: {error}")
        return redirect("reports-queue")
    return redirect("reports-report", code=report.code)


@login_required
def report_detail(request, code):
    report = _get_report_for_user(request, code)
    form = ReportForm(request.POST or None, initial={"body": report.body})
    if request.method == "POST":
        if not request.user.has_perm("correspondence.change_report"):
            raise PermissionDenied
        if form.is_valid() and _save_or_sign(request, report, form.cleaned_data["body"]):
            return redirect("reports-report", code=report.code)
    return render(request, "reports/report_detail.html", _report_context(report, form))


def _save_or_sign(request, report: Report, body: str) -> bool:
    signing = "sign" in request.POST
    try:
        if signing:
            report_sign(report=report, body=body, by=request.user, request=request)
        else:
            report_save_draft(report=report, body=body, by=request.user, request=request)
    except ReportError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, "Signed: the report goes out shortly." if signing else "Saved.")
    return True


def _report_context(report: Report, form, addendum_form=None) -> dict:
    return {
        "report": report,
        "form": form,
        "addendum_form": addendum_form or AddendumForm(),
        "sheet": sheet_context(report=report),
        "deliveries": deliveries_of(report),
        "retry_form": RetryForm(initial={"channel": report.referral.partner.preferred_channel}),
    }


@login_required
def report_pdf(request, code):
    from liaison.reports.pdf import report_pdf as render_pdf

    report = _get_report_for_user(
        request, code, action=AuditEvent.Action.EXPORT, detail="letter PDF downloaded"
    )
    response = HttpResponse(render_pdf(report=report), content_type="application/pdf")
    name = f"{report.kind}-{str(report.code)[:8]}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@login_required
@permission_required("correspondence.change_report", raise_exception=True)
@require_POST
def report_redraft_view(request, code):
    report = _get_report_for_user(request, code)
    try:
        report_redraft(report=report, by=request.user, request=request)
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The draft was written again from the record.")
    return redirect("reports-report", code=report.code)


@login_required
@permission_required(SIGN_REPORTS, raise_exception=True)
@require_POST
def report_addendum(request, code):
    report = _get_report_for_user(request, code)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            report_add_addendum(
                report=report, body=form.cleaned_data["body"], by=request.user, request=request
            )
        except ReportError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Addendum signed: it goes out shortly.")
            return redirect("reports-report", code=report.code)
    context = _report_context(report, ReportForm(initial={"body": report.body}), form)
    return render(request, "reports/report_detail.html", context, status=400)


def _get_delivery_for_user(request, code) -> Delivery:
    require_patient_access(request.user)
    visible = Delivery.objects.visible_to(request.user).select_related(
        "signed_text__report__referral__partner"
    )
    return get_object_or_404(visible, code=code)


@login_required
@permission_required("correspondence.change_report", raise_exception=True)
@require_POST
def delivery_retry(request, code):
    delivery = _get_delivery_for_user(request, code)
    report = delivery.signed_text.report
    form = RetryForm(request.POST)
    if form.is_valid():
        channel = form.cleaned_data["channel"]
        missing = deliveries.missing_address(channel=channel, partner=report.referral.partner)
        if missing:
            messages.error(request, f"Not sent again: {missing} Add it on the partner's page.")
        elif deliveries.delivery_retry(
            delivery=delivery, channel=channel, by=request.user, request=request
        ):
            messages.success(request, "It goes out again shortly.")
    return redirect("reports-report", code=report.code)


@login_required
@permission_required("correspondence.change_report", raise_exception=True)
@require_POST
def delivery_uploaded(request, code):
    delivery = _get_delivery_for_user(request, code)
    if deliveries.delivery_mark_uploaded(delivery=delivery, by=request.user, request=request):
        messages.success(request, "Marked as uploaded to the partner's portal.")
    return redirect("reports-report", code=delivery.signed_text.report.code)


@login_required
def print_queue(request):
    """Mail reports waiting to be printed; printing takes them all into one PDF batch."""
    require_patient_access(request.user)
    locations = list(locations_of(request.user))
    waiting = print_queue_for(locations=locations)
    if request.method == "POST":
        if not request.user.has_perm("correspondence.change_report"):
            raise PermissionDenied
        batch = deliveries.print_batch_create(deliveries=waiting, by=request.user)
        if batch is None:
            messages.warning(request, "Nothing left to print: someone printed these already.")
            return redirect("reports-print-queue")
        return redirect("reports-print-batch", batch=batch)
    audit_record(request=request, action=View, obj=Report, detail="print queue")
    rows = waiting.select_related("signed_text__report__referral__partner").order_by("id")
    return render(request, "reports/print_queue.html", {"deliveries": rows})


@login_required
def print_batch(request, batch):
    """One PDF of a print batch's reports, to print (or print again) and post."""
    from liaison.reports.pdf import reports_pdf

    require_patient_access(request.user)
    delivered = Delivery.objects.visible_to(request.user).filter(batch=batch)
    report_ids = delivered.values("signed_text__report")
    reports = list(reports_for_sheets().filter(pk__in=report_ids).order_by("id"))
    if not reports:
        raise Http404
    for report in reports:
        audit_record(
            request=request, action=AuditEvent.Action.EXPORT, obj=report, detail="print batch"
        )
    response = HttpResponse(reports_pdf(reports=reports), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="reports-{str(batch)[:8]}.pdf"'
    return response


@login_required
@permission_required("care.change_episode", raise_exception=True)
def episode_evaluation(request, code):
    episode = _get_episode_for_user(request, code)
    data = request.POST or None
    forms = {
        "form": EvaluationForm(data, instance=episode),
        "findings": FindingFormSet(data, instance=episode, prefix="findings"),
        "red_flags": red_flag_formset(episode, data),
        "outcomes": OutcomeFormSet(data, instance=episode, prefix="outcomes"),
    }
    if data is not None and all(f.is_valid() for f in forms.values()):
        episode_record_evaluation(**forms, by=request.user, request=request)
        messages.success(request, "Evaluation saved. Drafts written from now on include it.")
        return redirect("reports-episode-evaluation", code=episode.code)
    status = 400 if data is not None else 200
    context = {"episode": episode, **forms}
    return render(request, "reports/episode_evaluation.html", context, status=status)


@login_required
@permission_required("care.change_episode", raise_exception=True)
def episode_discharge(request, code):
    episode = _get_episode_for_user(request, code)
    data = request.POST or None
    form = DischargeForm(data, instance=episode)
    outcomes = OutcomeFormSet(data, instance=episode, prefix="outcomes")
    if data is not None and form.is_valid() and outcomes.is_valid():
        episode_record_discharge(form=form, outcomes=outcomes, by=request.user, request=request)
        messages.success(request, "Discharge saved: the discharge report is now owed.")
        return redirect("reports-episode-discharge", code=episode.code)
    context = {"episode": episode, "form": form, "outcomes": outcomes}
    status = 400 if data is not None else 200
    return render(request, "reports/episode_discharge.html", context, status=status)
