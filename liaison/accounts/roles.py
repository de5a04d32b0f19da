"""The four roles as Django groups, and the model permissions each holds."""

from django.apps import apps
from django.contrib.auth.models import Group, Permission

from liaison.accounts.models import Role

ALL = ("view", "add", "change", "delete")
EDIT = ("view", "add", "change")
VIEW = ("view",)
SIGN = (*EDIT, "sign")  # correspondence.sign_report: sign reports and addenda

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.FRONT_DESK: {
        # Adding an episode: the front desk records the first visit (or its no-show), which
        # opens the episode; the clinical record stays the clinicians'.
        "care.patient": EDIT,
        "care.referral": EDIT,
        "care.episode": ("view", "add"),
        "care.visit": EDIT,
        "care.payment": EDIT,
        "partners.partner": EDIT,
        "partners.specialty": VIEW,
        "correspondence.report": VIEW,
        "accounts.location": VIEW,
        "care.finding": VIEW,
        "care.redflag": VIEW,
        "partners.partnernote": VIEW,
    },
    Role.CLINICIAN: {
        "care.patient": EDIT,
        "care.referral": EDIT,
        "care.episode": EDIT,
        "care.visit": EDIT,
        "care.outcome": EDIT,
        "care.payment": VIEW,
        "partners.partner": VIEW,
        "partners.specialty": VIEW,
        "correspondence.report": SIGN,
        "accounts.location": VIEW,
        "care.finding": ALL,
        "care.redflag": ALL,
        "correspondence.communicationpreference": VIEW,
        "partners.partnernote": EDIT,
    },
    Role.LIAISON: {
        "partners.partner": EDIT,
        "partners.touchpoint": ALL,
        "partners.specialty": VIEW,
        "accounts.location": VIEW,
        "partners.plannedtouchpoint": ALL,
        "partners.partnernote": EDIT,
    },
    Role.MANAGER: {
        "care.patient": ALL,
        "care.referral": ALL,
        "care.episode": ALL,
        "care.visit": ALL,
        "care.outcome": ALL,
        "care.payment": ALL,
        "partners.partner": ALL,
        "partners.touchpoint": ALL,
        "partners.specialty": ("view", "change"),
        "partners.plannedtouchpoint": ALL,
        "partners.partnernote": ALL,
        # Signing is the treating clinician's: a manager who treats patients is given
        # correspondence.sign_report as an extra permission (accounts/access.py).
        "correspondence.report": ALL,
        "accounts.location": ALL,
        "accounts.user": ALL,
        "care.finding": ALL,
        "care.redflag": ALL,
        "correspondence.communicationpreference": ALL,
        "correspondence.signedtext": VIEW,
        "correspondence.delivery": VIEW,
        "correspondence.deliveryattempt": VIEW,
        "correspondence.digestsent": VIEW,
        "auth.group": VIEW,
        "accounts.auditevent": VIEW,
        "accounts.loginfailure": VIEW,
        "accounts.auditcheckpoint": VIEW,
        "care.marketingspend": ALL,
        "core.practicesettings": ("view", "add", "change"),
    },
}


def sync_roles() -> None:
    """Create the role groups and give each exactly its permissions. Safe to run again."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = []
        for label, actions in grants.items():
            app_label, model = label.split(".")
            perms += Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        group.permissions.set(perms)


def sync_roles_after_migrate(*, app_config, **kwargs) -> None:
    # post_migrate is sent once per app; by the last one every app's permissions exist.
    if app_config == [a for a in apps.get_app_configs() if a.models_module][-1]:
        sync_roles()
