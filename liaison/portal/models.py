"""The referrer portal's records: sign-in links, reports the partner opened, their answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from liaison.core.models import Record
from liaison.partners.models import Partner
from liaison.reports.models import Report


class SignInLink(models.Model):
    """A single-use link to the portal, mailed to an address on file for the partner.

    Only the SHA-256 of the token is kept: the link in the mailbox is the one copy.
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="portal_links")
    email = models.EmailField(help_text="The address on file the link was sent to.")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="portal_link_expires_after_creation",
            )
        ]

    def __str__(self) -> str:
        return f"Portal link for {self.partner} sent {self.created_at:%Y-%m-%d %H:%M}"


class ReportRead(models.Model):
    """When the partner first opened a report in the portal: the practice sees it as read."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="partner_read")
    first_opened_at = models.DateTimeField()
    by_email = models.EmailField()

    def __str__(self) -> str:
        return f"Read {self.first_opened_at:%Y-%m-%d %H:%M} by {self.by_email}"


class AnswerKind(models.TextChoices):
    AGREE = "agree", "Agrees with the plan"
    QUESTION = "question", "Asks a question"
    SIGN_PLAN = "sign_plan", "Signed the plan of care"


class ReportAnswer(Record):
    """The partner's answer to a report, from the portal."""

    Kind = AnswerKind

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="partner_answers")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    signer = models.CharField(
        max_length=200, blank=True, help_text="Name and credentials typed to sign the plan."
    )
    by_email = models.EmailField()
    answered_at = models.DateTimeField()
    # A question stays on the signer's Today until someone at the practice has answered it.
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(Record.Meta):
        ordering = ["answered_at", "id"]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=AnswerKind.values), name="portal_answer_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=AnswerKind.QUESTION) | ~Q(text=""),
                name="portal_question_has_text",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AnswerKind.SIGN_PLAN) | ~Q(signer=""),
                name="portal_signature_names_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.answered_at:%Y-%m-%d})"
