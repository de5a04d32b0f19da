import uuid

from django.db import models
from django.db.models import Q


class Record(models.Model):
    """What every record of Liaison carries: a UUID `code` for URLs and the practice's own id."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    external_id = models.CharField(
        "practice's id",
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text="The id this record has in the practice's own files (1-64 characters).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=~Q(external_id=""),
                name="%(app_label)s_%(class)s_external_id_not_blank",
            ),
        ]
