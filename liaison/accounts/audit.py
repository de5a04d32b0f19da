"""The audit trail: who saw or changed which record carrying patient data, when, from where.

Every event is appended here (`audit_append`), as the next link of a hash chain: each event's
`hash` is the SHA-256 of its content and of the previous event's hash. Altering, inserting or
removing an event behind the database's back breaks the chain, which `audit_verify` finds. A
retention purge (`audit_purge`) removes only a whole prefix of the chain and leaves a
checkpoint signed with the secret key in its place.
"""

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from liaison.accounts.models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64  # the previous hash of the first event ever written
RETENTION_YEARS = 6  # HIPAA keeps documentation six years (45 CFR 164.316(b)(2))
CHAIN_LOCK = 740_011  # PostgreSQL advisory lock: one writer appends to the chain at a time
_CONTENT = (
    "at",
    "user_id",
    "username",
    "action",
    "object_type",
    "object_code",
    "detail",
    "ip_address",
)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def portal_actor(request) -> str:
    """Who a referrer-portal request acts as ("portal: address"), set by the portal's sign-in
    check; empty for any other request."""
    return getattr(request, "portal_actor", "") if request is not None else ""


def audit_record(*, request=None, user=None, action: str, obj, detail: str = "") -> AuditEvent:
    """Append one event about `obj`, a record or (for a list page) a model class.

    `detail` names a page or fields, never patient data.
    """
    user = user if user is not None else getattr(request, "user", None)
    known_user = user if user is not None and user.is_authenticated else None
    return audit_append(
        user=known_user,
        username=known_user.get_username() if known_user else portal_actor(request),
        action=action,
        object_type=obj._meta.model_name,
        object_code=obj.code if isinstance(obj, models.Model) else None,
        detail=detail,
        ip_address=client_ip(request) if request is not None else None,
    )


def audit_append(
    *,
    user=None,
    username: str,
    action: str,
    object_type: str,
    object_code=None,
    detail: str = "",
    ip_address: str | None = None,
) -> AuditEvent:
    """Append one event to the chain: the one door every audit event goes through."""
    event = AuditEvent(
        at=timezone.now(),
        user=user,
        username=username,
        action=action,
        object_type=object_type,
        object_code=object_code,
        detail=detail[:200],
        ip_address=ip_address,
    )
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        event.prev_hash = last[1] if last else _checkpoint_hash()
        event.hash = event_hash(event)
        event.save(force_insert=True)
    return event


def _lock_chain() -> None:
    """Serialise appends so that two events never claim the same predecessor. SQLite's
    transactions here begin IMMEDIATE (settings), which already takes the write lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def _latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-up_to_id").first()


def _checkpoint_hash() -> str:
    checkpoint = _latest_checkpoint()
    return checkpoint.last_hash if checkpoint else GENESIS


def event_hash(event: AuditEvent) -> str:
    """SHA-256 of the event's content and its predecessor's hash, fields in a fixed order."""
    parts = [_canonical(getattr(event, name)) for name in _CONTENT]
    payload = "\x1f".join([event.prev_hash or "", *parts])
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return str(value)


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None  # the id of the first event that breaks the chain
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None and not self.problem


def audit_verify(*, batch: int = 5000) -> ChainReport:
    """Walk the chain from the latest checkpoint (or its start) and name the first broken link."""
    checkpoint = _latest_checkpoint()
    if checkpoint is not None and not hmac.compare_digest(
        checkpoint.signature, checkpoint_signature(checkpoint)
    ):
        return ChainReport(
            0,
            problem=f"checkpoint after event {checkpoint.up_to_id} is not "
            "signed with this installation's secret key",
        )
    previous = checkpoint.last_hash if checkpoint else GENESIS
    start = checkpoint.up_to_id if checkpoint else 0
    checked = 0
    for event in _events_after(start, batch):
        problem = _broken(event, previous)
        if problem:
            return ChainReport(checked, event.id, problem)
        previous, checked = event.hash, checked + 1
    return ChainReport(checked)


def _events_after(start: int, batch: int) -> Iterator[AuditEvent]:
    while True:
        events = list(AuditEvent.objects.filter(id__gt=start).order_by("id")[:batch])
        yield from events
        if len(events) < batch:
            return
        start = events[-1].id


def _broken(event: AuditEvent, previous: str) -> str:
    if not event.hash:
        return "it carries no hash: it was written around the audit trail"
    if event.prev_hash != previous:
        return "it does not follow the event before it: an event was removed or inserted"
    if event.hash != event_hash(event):
        return "its content does not match its hash: it was altered"
    return ""


# --- retention -----------------------------------------------------------------------------


def checkpoint_signature(checkpoint: AuditCheckpoint) -> str:
    message = "|".join(
        [
            str(checkpoint.up_to_id),
            checkpoint.last_hash,
            str(checkpoint.removed),
            _canonical(checkpoint.removed_before),
        ]
    )
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def audit_purge(*, before: dt.datetime, by: str) -> int:
    """Remove the events dated before `before` that form a whole prefix of the chain (an older
    event after a newer one stays, and so does everything after it), leaving a signed
    checkpoint, and record the purge as an event of its own. Returns how many were removed."""
    with transaction.atomic():
        _lock_chain()
        newer = AuditEvent.objects.filter(at__gte=before).order_by("id")
        first_kept = newer.values_list("id", flat=True).first()
        prefix = AuditEvent.objects.all()
        if first_kept is not None:
            prefix = prefix.filter(id__lt=first_kept)
        last = prefix.order_by("-id").values("id", "hash").first()
        if last is None:
            return 0
        removed = prefix.count()
        checkpoint = AuditCheckpoint(
            up_to_id=last["id"],
            last_hash=last["hash"] or "",
            removed=removed,
            removed_before=before,
            by=by,
        )
        checkpoint.signature = checkpoint_signature(checkpoint)
        checkpoint.save()
        AuditEvent.objects.filter(id__lte=last["id"]).delete()
        audit_append(
            username=by,
            action=AuditEvent.Action.DELETE,
            object_type="audit events",
            detail=f"retention: removed {removed} events dated before "
            f"{before:%Y-%m-%d}, up to #{last['id']}",
        )
    return removed
