from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.core.models import Record


class Role(models.TextChoices):
    """Each role is a Django group of the same name, with its permissions."""

    FRONT_DESK = "front_desk", "Front desk"
    CLINICIAN = "clinician", "Clinician"
    LIAISON = "liaison", "Liaison"
    MANAGER = "manager", "Manager"


class Location(Record):
    """One of the practice's clinics: patients are seen at, and staff work at, locations."""

    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip = models.CharField("ZIP", max_length=10, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    fax = models.CharField(max_length=30, blank=True)

    class Meta(Record.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    credentials = models.CharField(
        max_length=50, blank=True, help_text="Shown after the name when signing, e.g. DC, DPT."
    )
    locations = models.ManyToManyField(Location, blank=True, related_name="staff")

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    @cached_property
    def role(self) -> str | None:
        """The user's role: a superuser is a manager; otherwise the first role group they hold."""
        if self.is_superuser:
            return Role.MANAGER
        names = {g.name for g in self.groups.all()}
        for role in (Role.MANAGER, Role.CLINICIAN, Role.FRONT_DESK, Role.LIAISON):
            if role in names:
                return role
        return None

    @property
    def signature(self) -> str:
        name = self.get_full_name() or self.username
        return f"{name}, {self.credentials}" if self.credentials else name


class AuditAction(models.TextChoices):
    VIEW = "view"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    EXPORT = "export"
    IMPORT = "import"


class AuditEvent(models.Model):
    """One view or change of a record carrying patient data. Append-only: the database refuses
    updates, deletes and truncation (accounts/audit_guard.py), and each event carries a hash
    of its content and of the event before it, so that an event altered or removed behind the
    database's back breaks the chain (`liaison audit_verify`)."""

    Action = AuditAction

    # Set by accounts/audit.py before the hash is taken (not auto_now_add, which would set it
    # again on save, after the hash).
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150, help_text="Kept when the user is deleted.")
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_code = models.UUIDField(null=True, db_index=True)
    detail = models.CharField(
        max_length=200, blank=True, help_text="Which page or fields; never patient data."
    )
    ip_address = models.GenericIPAddressField(null=True)
    # The chain: hex SHA-256 digests. Empty on an event written around accounts/audit.py,
    # which `audit_verify` reports.
    prev_hash = models.CharField(max_length=64, null=True, editable=False)
    hash = models.CharField(max_length=64, null=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="audit_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_type}"


class AuditCheckpoint(models.Model):
    """Where the audit chain starts after a retention purge removed the events up to
    `up_to_id`: the last removed event's hash, signed with the secret key so that nobody
    without it can pass off a removal as a purge. Append-only like the events."""

    at = models.DateTimeField(default=timezone.now)
    up_to_id = models.BigIntegerField(unique=True)
    last_hash = models.CharField(max_length=64)
    removed = models.PositiveIntegerField()
    removed_before = models.DateTimeField(help_text="The retention cut-off of that purge.")
    by = models.CharField(max_length=150)
    signature = models.CharField(max_length=64)

    class Meta:
        ordering = ["-up_to_id"]

    def __str__(self) -> str:
        return f"Audit checkpoint after event {self.up_to_id}"


class LoginFailure(models.Model):
    """Failed logins, counted to throttle guessing; kept in the database so every host sees them."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} at {self.at:%Y-%m-%d %H:%M}"
