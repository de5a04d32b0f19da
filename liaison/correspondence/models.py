from django.db import models
from django.db.models import Q

from liaison.accounts.access import scope_to_user
from liaison.care.models import Episode, Referral
from liaison.core.models import Record
from liaison.partners.models import DeliveryChannel


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "referral__patient__location")


class ReportKind(models.TextChoices):
    INITIAL = "initial", "Initial report"
    PROGRESS = "progress", "Progress report"
    DISCHARGE = "discharge", "Discharge report"
    REDIRECT = "redirect", "Redirect letter"
    ALERT = "alert", "Not-responding alert"


class Report(Record):
    """A letter to the referring partner about one referral (and, for most kinds, its episode)."""

    Kind = ReportKind

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="reports")
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    channel = models.CharField(
        max_length=10, choices=DeliveryChannel.choices, null=True, blank=True
    )

    objects = ReportQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["kind", "due_on"]), models.Index(fields=["sent_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(channel__isnull=True) | Q(channel__in=DeliveryChannel.values),
                name="report_channel_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind=ReportKind.DISCHARGE, episode__isnull=True),
                name="report_discharge_names_episode",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"
