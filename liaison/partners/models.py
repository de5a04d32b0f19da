from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.core.models import Record
from liaison.core.npi import npi_check_constraint, validate_npi
from liaison.partners.specialties import SpecialtySlug


class DeliveryChannel(models.TextChoices):
    """How a letter reaches a partner."""

    FAX = "fax", "Fax"
    EMAIL = "email", "Email"
    DIRECT = "direct", "Direct message"
    MAIL = "mail", "Mail"
    PORTAL = "portal", "Portal"


class Specialty(models.Model):
    """A category of partner, mapped from NUCC taxonomy codes; the practice says which it wants."""

    slug = models.CharField(max_length=40, primary_key=True, choices=SpecialtySlug.choices)
    name = models.CharField(max_length=100)
    wanted = models.BooleanField(
        default=False, help_text="Count this specialty in the network coverage gaps."
    )
    target_active_partners = models.PositiveSmallIntegerField(
        default=1, help_text="How many active partners of this specialty the practice wants."
    )

    class Meta:
        verbose_name_plural = "specialties"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__in=SpecialtySlug.values), name="specialty_slug_known"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"


class PartnerStage(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    CONTACTED = "contacted", "Contacted"
    MEETING = "meeting", "Meeting held"
    PARTNER = "partner", "Partner"
    LOST = "lost", "Lost"


class Partner(Record):
    """An outside provider who refers patients to us, or whom we court: a person or organization."""

    Kind = PartnerKind

    Stage = PartnerStage

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    npi = models.CharField(
        "NPI", max_length=10, null=True, blank=True, unique=True, validators=[validate_npi]
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    organization_name = models.CharField(max_length=200, blank=True)
    credentials = models.CharField(max_length=50, blank=True)
    taxonomy_code = models.CharField("NUCC taxonomy code", max_length=10, blank=True)
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, default=SpecialtySlug.OTHER, related_name="partners"
    )
    works_at = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        limit_choices_to={"kind": Kind.ORGANIZATION},
    )
    introduced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="introduced"
    )
    address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip = models.CharField("ZIP", max_length=10, blank=True, db_index=True)
    phone = models.CharField(max_length=30, blank=True)
    fax = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=DeliveryChannel.choices, default=DeliveryChannel.FAX
    )
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.PROSPECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_partners",
        help_text="The staff member who looks after this relationship.",
    )
    notes = models.TextField(blank=True)

    class Meta(Record.Meta):
        ordering = ["last_name", "organization_name", "first_name"]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=PartnerKind.values), name="partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=PartnerStage.values), name="partner_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(preferred_channel__in=DeliveryChannel.values),
                name="partner_preferred_channel_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="person", last_name=""), name="partner_person_has_last_name"
            ),
            models.CheckConstraint(
                condition=~Q(kind="organization", organization_name=""),
                name="partner_organization_has_name",
            ),
            models.CheckConstraint(condition=npi_check_constraint("npi"), name="partner_npi_valid"),
            models.CheckConstraint(
                condition=~Q(works_at=F("id")), name="partner_does_not_work_at_itself"
            ),
            models.CheckConstraint(
                condition=~Q(introduced_by=F("id")), name="partner_not_introduced_by_itself"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANIZATION:
            return self.organization_name
        name = f"{self.first_name} {self.last_name}".strip()
        return f"{name}, {self.credentials}" if self.credentials else name


class TouchpointKind(models.TextChoices):
    LUNCH = "lunch", "Lunch"
    CASE_DISCUSSION = "case_discussion", "Case discussion"
    OBSERVATION_INVITE = "observation_invite", "Invitation to observe"
    ARTICLE_SENT = "article_sent", "Article sent"
    OFFICE_VISIT = "office_visit", "Office visit"
    CALL = "call", "Call"
    EMAIL = "email", "Email"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class Touchpoint(Record):
    """Contact with a partner beyond patient care."""

    Kind = TouchpointKind

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="touchpoints")
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notes = models.TextField(blank=True)
    staff = models.CharField(max_length=150, blank=True, help_text="Who from the practice.")
    cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Meals, gifts (USD)."
    )

    class Meta(Record.Meta):
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["partner", "occurred_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=TouchpointKind.values), name="touchpoint_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="touchpoint_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.occurred_on}"
