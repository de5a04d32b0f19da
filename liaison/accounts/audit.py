"""The audit trail: who saw or changed which record carrying patient data, when, from where."""

from django.db import models

from liaison.accounts.models import AuditEvent


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, request=None, user=None, action: str, obj, detail: str = "") -> AuditEvent:
    """Append one event about `obj`, a record or (for a list page) a model class.

    `detail` names a page or fields, never patient data.
    """
    user = user if user is not None else getattr(request, "user", None)
    known_user = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=known_user,
        username=known_user.get_username() if known_user else "",
        action=action,
        object_type=obj._meta.model_name,
        object_code=obj.code if isinstance(obj, models.Model) else None,
        detail=detail[:200],
        ip_address=client_ip(request) if request is not None else None,
    )
