from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent
from liaison.care.models import Patient
from liaison.insights.today import today_for


@login_required
def home(request):
    """Today: what each role has to do, one click from doing it."""
    today = today_for(user=request.user, as_of=timezone.localdate())
    if today.shows_patients:
        audit_record(
            request=request,
            action=AuditEvent.Action.VIEW,
            obj=Patient,
            detail="Today: patient work lists",
        )
    return render(request, "today/home.html", {"today": today})
