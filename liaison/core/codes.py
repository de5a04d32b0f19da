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
