from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.core.models import Record
from liaison.core.npi import npi_check_constraint, validate_npi
from liaison.partners.specialties import SpecialtySlug


class DeliveryChannel(models.TextChoices):
    """How a report reaches a partner."""

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


class ContactCadence(models.IntegerChoices):
    """How often the practice means to be in touch with a partner, beyond patient care."""

    TWO_WEEKS = 14, "Every 2 weeks"
    MONTH = 30, "Every month"
    TWO_MONTHS = 60, "Every 2 months"
    QUARTER = 90, "Every 3 months"
    HALF_YEAR = 180, "Every 6 months"
    YEAR = 365, "Every year"


class Partner(Record):
    """An outside provider who refers patients to us, or whom we court: a person or organization."""

    Kind = PartnerKind

    Stage = PartnerStage

    Cadence = ContactCadence

    # Where and how to reach them, the group the form, the admin, a merge and the demo share.
    CONTACT_DETAILS = ("address", "city", "state", "zip", "phone", "fax", "email")

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
    contact_cadence_days = models.PositiveSmallIntegerField(
        "contact cadence",
        choices=ContactCadence.choices,
        null=True,
        blank=True,
        help_text="How often to be in touch; an overdue contact shows on Today.",
    )

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
            models.CheckConstraint(
                condition=Q(contact_cadence_days__isnull=True)
                | Q(contact_cadence_days__in=ContactCadence.values),
                name="partner_contact_cadence_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(
            self.kind, self.first_name, self.last_name, self.organization_name, self.credentials
        )


# The columns `display_name` is made of, in its order (for lists read without model objects).
NAME_FIELDS = ("kind", "first_name", "last_name", "organization_name", "credentials")


def display_name(
    kind: str, first_name: str, last_name: str, organization_name: str, credentials: str
) -> str:
    """An organization's name; a person's full name and credentials."""
    if kind == PartnerKind.ORGANIZATION:
        return organization_name
    name = f"{first_name} {last_name}".strip()
    return f"{name}, {credentials}" if credentials else name


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

    # No index of its own: the (partner, occurred_on) index leads with it.
    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="touchpoints", db_index=False
    )
    occurred_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notes = models.TextField(blank=True)
    staff = models.CharField(max_length=150, blank=True, help_text="Who from the practice.")
    cost = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="Meals, gifts (USD)."
    )

    class Meta(Record.Meta):
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["partner", "occurred_on"]),
            # Covers the touchpoints' costs of a window (the referral channel's spend).
            models.Index(
                fields=["occurred_on", "cost"],
                condition=Q(cost__isnull=False),
                name="touchpoint_cost_idx",
            ),
        ]
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


class PlannedTouchpointQuerySet(models.QuerySet):
    def open(self):
        return self.filter(touchpoint__isnull=True)


class PlannedTouchpoint(Record):
    """A touchpoint the practice means to have with a partner. Kept apart from `Touchpoint`,
    which records only what happened: figures and practice files never see a plan."""

    Kind = TouchpointKind

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="planned_touchpoints"
    )
    planned_on = models.DateField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notes = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_touchpoints",
        help_text="Who will make the contact.",
    )
    touchpoint = models.OneToOneField(
        Touchpoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan",
        help_text="The touchpoint that carried the plan out; empty while it is still to do.",
    )

    objects = PlannedTouchpointQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["planned_on", "id"]
        indexes = [models.Index(fields=["planned_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=TouchpointKind.values), name="planned_touchpoint_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} planned for {self.planned_on}"


class PartnerNoteKind(models.TextChoices):
    CLINICAL_DISAGREEMENT = "clinical_disagreement", "Clinical disagreement"
    DIFFICULT_CASE = "difficult_case", "Difficult case"
    RELATIONSHIP = "relationship", "Relationship"


class PartnerNote(Record):
    """A dated note about working with a partner: a clinical disagreement, a difficult case.

    Partner-level: the liaison reads these, so they never name a patient.
    """

    Kind = PartnerNoteKind

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="case_notes")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    written_on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField()

    class Meta(Record.Meta):
        ordering = ["-written_on", "-id"]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=PartnerNoteKind.values), name="partner_note_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="partner_note_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} note of {self.written_on}"
