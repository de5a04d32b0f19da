from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from liaison.accounts.access import require_patient_access
from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care.models import Patient


def _get_patient_for_user(request, code) -> Patient:
    """The patient, or 404 when this user may not see them; the view is audited."""
    require_patient_access(request.user)
    patients = Patient.objects.visible_to(request.user).select_related("location", "source_partner")
    patient = get_object_or_404(patients, code=code)
    audit_record(request=request, action=AuditEvent.Action.VIEW, obj=patient, detail="patient page")
    return patient


@login_required
def patient_list(request):
    require_patient_access(request.user)
    patients = Patient.objects.visible_to(request.user).select_related("location", "source_partner")
    page = Paginator(patients, 50).get_page(request.GET.get("page"))
    audit_record(
        request=request, action=AuditEvent.Action.VIEW, obj=Patient,
        detail=f"patient list, page {page.number}",
    )
    return render(request, "care/patient_list.html", {"page": page})


@login_required
def patient_detail(request, code):
    patient = _get_patient_for_user(request, code)
    referrals = patient.referrals.select_related("partner").order_by("-received_on")
    episodes = patient.episodes.select_related("location").order_by("-started_on")
    return render(
        request,
        "care/patient_detail.html",
        {"patient": patient, "referrals": referrals, "episodes": episodes},
    )
