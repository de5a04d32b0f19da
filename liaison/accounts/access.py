"""The one place that decides what a user may see.

Front desk and clinicians see patients of their own locations; managers see everything;
the liaison role (and anyone without a role) sees no patient record at all.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from liaison.accounts.models import Role

PATIENT_ROLES = {Role.MANAGER, Role.CLINICIAN, Role.FRONT_DESK}
INSIGHTS_ROLES = {Role.MANAGER, Role.LIAISON}


def can_see_patients(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in PATIENT_ROLES


def can_see_insights(user) -> bool:
    """The insights pages are partner-level figures: for managers and the liaison role."""
    return user.is_authenticated and user.is_active and user.role in INSIGHTS_ROLES


def require_patient_access(user) -> None:
    if not can_see_patients(user):
        raise PermissionDenied("Your role does not give access to patient records.")


def scope_to_user(queryset: QuerySet, user, location_path: str) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see; `location_path` leads to the row's location."""
    if not can_see_patients(user):
        return queryset.none()
    if user.role == Role.MANAGER:
        return queryset
    return queryset.filter(**{f"{location_path}__in": user.locations.values("id")})


def is_manager(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.MANAGER
