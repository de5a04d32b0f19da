import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking and importing"
    DONE = "done", "Done"
    INVALID = "invalid", "Errors found; nothing written"
    FAILED = "failed", "Stopped by a fault; nothing written"


class PracticeImport(models.Model):
    """One zip of practice files uploaded on the import page, and what became of it.

    The import itself runs in the background worker; this row is how the page follows it.
    """

    Status = ImportStatus

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    filename = models.CharField(max_length=255, help_text="The uploaded zip's name.")
    dry_run = models.BooleanField(help_text="Check and count only; write nothing.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.TextField(blank=True, help_text="The first error lines, one per line.")
    summary = models.JSONField(
        default=dict, blank=True, help_text="Rows inserted, updated and unchanged per file."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values), name="practice_import_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.INVALID, ImportStatus.FAILED)

    @property
    def error_lines(self) -> list[str]:
        return self.errors.splitlines()
