"""One audit event per import or export: who, and how many rows; never what the rows hold."""

import getpass

from liaison.accounts.audit import audit_append
from liaison.accounts.models import AuditEvent


def audit_practice_files(*, user, action: str, detail: str) -> AuditEvent:
    known = user if user is not None and user.is_authenticated else None
    return audit_append(
        user=known,
        # Without a user the command line ran it: name the account it ran under.
        username=known.get_username() if known else f"command line ({getpass.getuser()})",
        action=action,
        object_type="practice files",
        detail=detail,
    )
