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


class PracticeSettings(models.Model):
    """The practice's own choices: one row, read with `PracticeSettings.current()`."""

    name = models.CharField(max_length=200, default="Our practice")
    response_target_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days from referral to first visit that count as seen on time."
    )
    initial_report_business_days = models.PositiveSmallIntegerField(
        default=2, help_text="Initial report due this many business days after the first visit."
    )
    progress_report_interval_days = models.PositiveSmallIntegerField(
        default=30, help_text="A progress report is due every this many days while in care."
    )
    discharge_report_business_days = models.PositiveSmallIntegerField(
        default=3, help_text="Discharge report due this many business days after discharge."
    )
    redirect_letter_business_days = models.PositiveSmallIntegerField(
        default=1, help_text="Redirect letter due this many business days after the decline."
    )
    alert_business_days = models.PositiveSmallIntegerField(
        default=2, help_text="Alert due this many business days after the condition is found."
    )
    portal_enabled = models.BooleanField(
        "referrer portal open",
        default=True,
        help_text="Partners' staff may sign in by a link mailed to the address on file.",
    )
    gift_annual_limit = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=519,
        help_text="Yearly limit on gifts and meals per referring physician (Stark law "
        "non-monetary compensation; CMS updates it each year).",
    )

    class Meta:
        verbose_name_plural = "practice settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="practice_settings_single")]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> "PracticeSettings":
        settings, _ = cls.objects.get_or_create(id=1)
        return settings
