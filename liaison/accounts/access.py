"""The one place that decides what a user may see.

Front desk and clinicians see patients of their own locations; managers see everything;
the liaison role (and anyone without a role) sees no patient record at all.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from liaison.accounts.audit import audit_record
from liaison.accounts.models import AuditEvent, Location, Role, User

# Signing a clinical report is a permission, not a role: a manager who treats patients is
# given it, a manager who does not prepares and sends reports without signing them.
SIGN_REPORTS = "correspondence.sign_report"

PATIENT_ROLES = {Role.MANAGER, Role.CLINICIAN, Role.FRONT_DESK}
INSIGHTS_ROLES = {Role.MANAGER, Role.LIAISON}
CLINICAL_ROLES = {Role.MANAGER, Role.CLINICIAN}


class Audience:
    """Who an endpoint or a page serves, by the level of what it shows (minimum necessary)."""

    PARTNER = "partner"  # figures per partner, channel or clinic: managers and the liaison role
    CLINICAL = "clinical"  # rows about one patient's care: managers, and clinicians of the
    # patient's location (rows narrowed by `scope_to_user`); every such view is audited

    ROLES = {PARTNER: INSIGHTS_ROLES, CLINICAL: CLINICAL_ROLES}
    REFUSALS = {
        PARTNER: "Insights are open to managers and the liaison role only.",
        CLINICAL: "Patient-level rows are open to managers and clinicians only.",
    }


def serves(user, audience: str) -> bool:
    """Whether `user` may call what serves `audience`."""
    return user.is_authenticated and user.is_active and user.role in Audience.ROLES[audience]


def can_see_patients(user) -> bool:
    return user.is_authenticated and user.is_active and user.role in PATIENT_ROLES


def can_see_insights(user) -> bool:
    """The insights pages are partner-level figures: for managers and the liaison role."""
    return serves(user, Audience.PARTNER)


def signs_reports(user) -> bool:
    return user.is_active and user.has_perm(SIGN_REPORTS)


def clinicians_at(location) -> QuerySet:
    """Who may be named as an episode's clinician at `location`: those who sign reports and
    work there."""
    signers = User.objects.with_perm(SIGN_REPORTS, include_superusers=False)
    return signers.filter(locations=location).order_by("last_name", "first_name")


def locations_of(user) -> QuerySet:
    """The locations `user` works at: every one for a manager, else those they are given."""
    if user.role == Role.MANAGER:
        return Location.objects.all()
    return user.locations.all()


def require_patient_access(user) -> None:
    if not can_see_patients(user):
        raise PermissionDenied("Your role does not give access to patient records.")


def patient_record_or_404(
    request, records: QuerySet, *, code, detail: str, action: str = AuditEvent.Action.VIEW
):
    """The record of patient data with this `code` among `records` that the user may see
    (404 for any other); opening it goes to the audit trail as `action` (a view unless it
    is, say, a download), `detail` naming the page."""
    require_patient_access(request.user)
    record = get_object_or_404(records.visible_to(request.user), code=code)
    audit_record(request=request, action=action, obj=record, detail=detail)
    return record


def require_manager(user, refusal: str) -> None:
    """PermissionDenied, saying `refusal`, unless `user` is a manager."""
    if not is_manager(user):
        raise PermissionDenied(refusal)


def scope_to_user(queryset: QuerySet, user, location_path: str) -> QuerySet:
    """Narrow `queryset` to the rows `user` may see; `location_path` leads to the row's location."""
    if not can_see_patients(user):
        return queryset.none()
    if user.role == Role.MANAGER:
        return queryset
    return queryset.filter(**{f"{location_path}__in": user.locations.values("id")})


def is_manager(user) -> bool:
    return user.is_authenticated and user.is_active and user.role == Role.MANAGER
