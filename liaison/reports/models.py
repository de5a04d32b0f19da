import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from liaison.accounts.access import scope_to_user
from liaison.care.models import Episode, Referral
from liaison.core.models import Record
from liaison.partners.models import DeliveryChannel, Partner


class ReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "referral__patient__location")

    def awaiting_signature(self):
        return self.filter(signed_at__isnull=True, sent_on__isnull=True)


class ReportKind(models.TextChoices):
    INITIAL = "initial", "Initial report"
    PROGRESS = "progress", "Progress report"
    DISCHARGE = "discharge", "Discharge report"
    REDIRECT = "redirect", "Redirect letter"
    ALERT = "alert", "Not-responding alert"


class Report(Record):
    """A report to the referring partner about one referral (and, for most kinds, its episode).

    `body` is the draft the clinician edits; once signed (`signed_at`), the text that counts
    is the immutable `SignedText` row, and the database refuses any change to `body`.
    Reports imported from the practice's files may carry only dates and no text.
    """

    Kind = ReportKind

    # No index of its own: the (referral, kind, due_on) index leads with it.
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="reports", db_index=False
    )
    episode = models.ForeignKey(
        Episode, null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    sent_on = models.DateField(null=True, blank=True)
    channel = models.CharField(
        max_length=10, choices=DeliveryChannel.choices, null=True, blank=True
    )
    body = models.TextField(blank=True, help_text="The draft; locked once signed.")
    signed_at = models.DateTimeField(null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["due_on", "id"]
        permissions = [("sign_report", "Can sign reports and addenda")]
        indexes = [
            models.Index(fields=["kind", "due_on"]),
            models.Index(fields=["sent_on"]),
            models.Index(fields=["referral", "kind", "due_on"]),
            # Covers the on-time rates of the reports due in a window (insights).
            models.Index(
                fields=["due_on", "kind", "sent_on", "referral"], name="report_window_idx"
            ),
        ]
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
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(body=""),
                name="report_signed_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} due {self.due_on}"


class SignedText(models.Model):
    """A signed report or addendum. Immutable: the database refuses any UPDATE of this table,
    so what the clinician signed is what was sent; a correction is a new, signed addendum."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="signed_texts")
    is_addendum = models.BooleanField(default=False)
    body = models.TextField()
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signed_texts"
    )
    signer = models.CharField(max_length=200, help_text="Name and credentials as signed.")
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="signed_text_not_blank"),
            models.CheckConstraint(condition=~Q(signer=""), name="signed_text_names_signer"),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(is_addendum=False),
                name="signed_text_one_letter_per_report",
            ),
        ]

    def __str__(self) -> str:
        what = "Addendum" if self.is_addendum else "Report"
        return f"{what} signed by {self.signer} at {self.signed_at:%Y-%m-%d %H:%M}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to go"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed: needs attention"


ELECTRONIC_CHANNELS = (DeliveryChannel.EMAIL, DeliveryChannel.FAX, DeliveryChannel.DIRECT)


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "signed_text__report__referral__patient__location")

    def ready_to_send(self, now):
        """Electronic deliveries whose next try has come and that no host holds."""
        return self.filter(
            status=DeliveryStatus.PENDING,
            channel__in=ELECTRONIC_CHANNELS,
            next_attempt_at__lte=now,
        ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))

    def print_queue(self):
        return self.filter(status=DeliveryStatus.PENDING, channel=DeliveryChannel.MAIL)


class Delivery(models.Model):
    """Getting one signed text to the partner: its channel, tries and outcome.

    Hosts running `send_due_reports` claim a row with a conditional UPDATE of
    `claimed_until`/`claimed_by`; a claim that is never released (a crashed host) expires.
    """

    Status = DeliveryStatus

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    signed_text = models.OneToOneField(
        SignedText, on_delete=models.PROTECT, related_name="delivery"
    )
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    batch = models.UUIDField(
        null=True, blank=True, db_index=True, help_text="The print batch of a mailed letter."
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=DeliveryChannel.values), name="delivery_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="delivery_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} delivery ({self.get_status_display()})"


class AttemptResult(models.TextChoices):
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    PRINTED = "printed", "Printed for mail"
    UPLOADED = "uploaded", "Uploaded to the partner's portal"


class DeliveryAttempt(models.Model):
    """One try at delivering: when, by which channel, to which address, and what happened."""

    Result = AttemptResult

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="attempts_log")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=DeliveryChannel.choices)
    address = models.CharField(max_length=300, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    detail = models.CharField(max_length=300, blank=True, help_text="Never patient data.")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who printed or uploaded it; empty when the sender sent it.",
    )

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=AttemptResult.values), name="delivery_attempt_result_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.channel} {self.result}"


class CommunicationPreference(models.Model):
    """A partner's own communication rules, overriding the practice's settings.

    Empty day counts fall back to Settings → Practice settings.
    """

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="communication_preference"
    )
    wants_initial = models.BooleanField("send initial reports", default=True)
    wants_progress = models.BooleanField("send progress reports", default=True)
    wants_discharge = models.BooleanField("send discharge reports", default=True)
    wants_redirect = models.BooleanField("send redirect letters", default=True)
    wants_alert = models.BooleanField("send not-responding alerts", default=True)
    initial_report_business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    progress_report_interval_days = models.PositiveSmallIntegerField(null=True, blank=True)
    discharge_report_business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    redirect_letter_business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    alert_business_days = models.PositiveSmallIntegerField(null=True, blank=True)
    direct_address = models.EmailField(
        "Direct address", blank=True, help_text="The partner's Direct secure messaging address."
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(progress_report_interval_days__isnull=True)
                | Q(progress_report_interval_days__gte=1),
                name="preference_progress_interval_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Communication rules of {self.partner}"


class DigestSent(models.Model):
    """One row per clinician and day: the daily digest went (or is going) out."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"
