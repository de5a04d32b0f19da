"""Record codes (the UUIDs in URLs and forms) read from what a user or a client sent."""

import uuid

from django.core.exceptions import BadRequest


def as_code(value) -> uuid.UUID | None:
    """The record code `value` spells, or None when it spells none."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def required_code(value, field: str) -> uuid.UUID:
    """The record code `value` spells; a 400 naming `field` when it spells none."""
    code = as_code(value) if value else None
    if code is None:
        raise BadRequest(f"{field}: not a record code.")
    return code


def by_practice_id(queryset, ref: str):
    """The record a user named by the practice's own id (`external_id`) or by its code; None
    when neither names one."""
    found = queryset.filter(external_id=ref).first()
    if found is None and (code := as_code(ref)) is not None:
        found = queryset.filter(code=code).first()
    return found
