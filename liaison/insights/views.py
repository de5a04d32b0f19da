from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from liaison.accounts.models import Role
from liaison.insights.queries import practice_headline


@login_required
def home(request):
    user = request.user
    scoped = user.role in {Role.FRONT_DESK, Role.CLINICIAN}
    location_ids = list(user.locations.values_list("id", flat=True)) if scoped else None
    headline = practice_headline(as_of=timezone.localdate(), location_ids=location_ids)
    return render(request, "insights/home.html", {"headline": headline, "scoped": scoped})
