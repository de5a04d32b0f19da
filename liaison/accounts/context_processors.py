"""The side navigation: which areas each user sees."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from liaison.accounts.access import can_see_insights, can_see_patients, is_manager

# (label, URL name); None marks an area that is not built yet.
NAV_AREAS = [
    ("Today", "insights-home"),
    ("Referrals", "care-referral-list"),
    ("Patients", "care-patient-list"),
    ("Partners", "partners-directory"),
    ("Reports", "reports-queue"),
    ("Insights", "insights-overview"),
    ("Practice files", "interop-import"),
    ("Settings", "admin:index"),
]


@dataclass(frozen=True)
class NavArea:
    label: str
    url: str | None  # None: coming soon, shown but not a link
    active: bool = False


def navigation(request):
    """The areas in the side navigation for this user; computed only when a page shows them."""
    return {"nav_areas": SimpleLazyObject(lambda: nav_areas_for(request))}


def nav_areas_for(request) -> list[NavArea]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    areas = []
    for label, url_name in NAV_AREAS:
        if label in {"Referrals", "Patients", "Reports"} and not can_see_patients(user):
            continue
        if label == "Settings" and not (is_manager(user) and user.is_staff):
            continue
        if label == "Insights" and not can_see_insights(user):
            continue
        if label == "Practice files" and not is_manager(user):
            continue
        if label == "Partners" and not user.has_perm("partners.view_partner"):
            continue
        url = reverse(url_name) if url_name else None
        areas.append(NavArea(label, url, active=_is_current(request.path, url)))
    return areas


def _is_current(path: str, url: str | None) -> bool:
    if url is None:
        return False
    return path == url if url == "/" else path.startswith(url)
