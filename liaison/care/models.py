from django.conf import settings
from django.db import models
from django.db.models import F, Q

from liaison.accounts.access import scope_to_user
from liaison.accounts.models import Location
from liaison.care.instruments import InstrumentCode, score_within_scale_constraint
from liaison.core.models import Record
from liaison.partners.models import Partner


class Channel(models.TextChoices):
    """How a new patient found us. Every patient has exactly one."""

    REFERRAL = "referral", "Referral from a partner"
    SELF = "self", "Self-referred"
    WEB_SEARCH = "web_search", "Web search"
    SOCIAL = "social", "Social media"
    PATIENT_WORD_OF_MOUTH = "patient_word_of_mouth", "Another patient"
    INSURANCE_DIRECTORY = "insurance_directory", "Insurance directory"
    EMPLOYER = "employer", "Employer"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "location")


class Sex(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "X", "Another"
    UNKNOWN = "U", "Unknown"


class Patient(Record):
    Sex = Sex

    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="patients")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    zip = models.CharField("ZIP", max_length=10, blank=True)
    channel = models.CharField(
        "acquisition channel",
        max_length=24,
        choices=Channel.choices,
        help_text="How the patient found us.",
    )
    source_partner = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sent_patients",
        help_text="The partner who referred the patient (required for the referral channel).",
    )
    created_on = models.DateField(null=True, blank=True)

    objects = PatientQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name", "birth_date"]),
            models.Index(fields=["channel"]),
            # Duplicate checks at intake compare names case-insensitively: the birth date
            # is what narrows 300,000 patients to a handful.
            models.Index(fields=["birth_date"]),
        ]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="patient_sex_valid"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="patient_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(channel=Channel.REFERRAL) | Q(source_partner__isnull=False),
                name="patient_referral_channel_has_source",
            ),
            models.CheckConstraint(
                condition=~Q(first_name="") & ~Q(last_name=""), name="patient_has_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "patient__location")

    def pending(self):
        return self.filter(decision__isnull=True)


class Urgency(models.TextChoices):
    ROUTINE = "routine", "Routine"
    URGENT = "urgent", "Urgent"


class Decision(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"


class DeclineReason(models.TextChoices):
    NOT_APPROPRIATE = "not_appropriate", "Not appropriate for our care"
    PATIENT_DECLINED = "patient_declined", "Patient declined"
    INSURANCE = "insurance", "Insurance"
    COULD_NOT_CONTACT = "could_not_contact", "Could not contact the patient"
    OTHER = "other", "Other"


class Referral(Record):
    """One partner's request that we see one patient."""

    Urgency = Urgency

    Decision = Decision

    DeclineReason = DeclineReason

    patient = models.ForeignKey("Patient", on_delete=models.PROTECT, related_name="referrals")
    # No index of its own: the (partner, received_on) index leads with it.
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="referrals", db_index=False
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    received_on = models.DateField()
    reason = models.TextField(blank=True)
    icd10_codes = models.CharField(
        "ICD-10 codes", max_length=200, blank=True, help_text="Separated by semicolons."
    )
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    decision = models.CharField(max_length=8, choices=Decision.choices, null=True, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(
        max_length=20, choices=DeclineReason.choices, null=True, blank=True
    )
    decline_note = models.TextField(
        "why, in words", blank=True, help_text="Why we declined, as the referrer will read it."
    )
    alternative = models.TextField(
        blank=True, help_text="Where we suggested the patient go instead."
    )
    alternative_partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_on = models.DateField(
        "first visit booked for",
        null=True,
        blank=True,
        help_text="The day the first visit is booked; attended visits are recorded on the episode.",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["partner", "received_on"]),
            # Today's lists: referrals waiting for triage, and the recent ones to book.
            models.Index(
                fields=["received_on"],
                condition=Q(decision__isnull=True),
                name="referral_awaiting_triage_idx",
            ),
            # Covers the window's referral counts and declines, per partner and pooled
            # (insights).
            models.Index(
                fields=["received_on", "partner", "decision", "decline_reason", "decided_on"],
                name="referral_window_counts_idx",
            ),
        ]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="referral_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(decision__isnull=True) | Q(decision__in=Decision.values),
                name="referral_decision_valid",
            ),
            models.CheckConstraint(
                condition=Q(decline_reason__isnull=True, decision__isnull=True)
                | Q(decline_reason__isnull=True, decision=Decision.ACCEPTED)
                # IS NOT NULL spelled out: a comparison with NULL is unknown, which a CHECK passes.
                | Q(
                    decline_reason__isnull=False,
                    decline_reason__in=DeclineReason.values,
                    decision__isnull=False,
                    decision=Decision.DECLINED,
                ),
                name="referral_decline_reason_iff_declined",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decision__isnull=False),
                name="referral_decided_on_needs_decision",
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("received_on")),
                name="referral_decided_after_received",
            ),
            # Only an accepted referral is booked, and not before it arrived.
            models.CheckConstraint(
                condition=Q(scheduled_on__isnull=True)
                | Q(
                    decision__isnull=False,
                    decision=Decision.ACCEPTED,
                    scheduled_on__gte=F("received_on"),
                ),
                name="referral_scheduled_only_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral received {self.received_on}"


class EpisodeQuerySet(models.QuerySet):
    def visible_to(self, user):
        return scope_to_user(self, user, "patient__location")

    def open_on(self, day):
        return self.filter(started_on__lte=day).filter(
            Q(ended_on__isnull=True) | Q(ended_on__gt=day)
        )


class DischargeReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PLATEAU = "plateau", "Plateau"
    SELF_DISCHARGED = "self_discharged", "Stopped coming"
    REFERRED_OUT = "referred_out", "Referred out"
    SURGERY = "surgery", "Surgery"
    OTHER = "other", "Other"


class Payer(models.TextChoices):
    """Who pays for an episode of care."""

    MEDICARE = "medicare", "Medicare"
    MEDICAID = "medicaid", "Medicaid"
    COMMERCIAL = "commercial", "Commercial insurance"
    WORKERS_COMP = "workers_comp", "Workers' compensation"
    AUTO = "auto", "Auto insurance"
    SELF_PAY = "self_pay", "Self-pay"
    OTHER = "other", "Other"


class Episode(Record):
    """The course of care for one complaint."""

    DischargeReason = DischargeReason
    Payer = Payer

    patient = models.ForeignKey("Patient", on_delete=models.PROTECT, related_name="episodes")
    referral = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.PROTECT, related_name="episodes"
    )
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="episodes",
        help_text="The treating clinician.",
    )
    # Kept as the practice's files (or the first-visit form) wrote it, so files go out as
    # they came in; `clinician` is who it is, matched by name or by a manager.
    clinician_name = models.CharField("clinician as written", max_length=150, blank=True)
    started_on = models.DateField()
    planned_visits = models.IntegerField(null=True, blank=True)
    planned_weeks = models.IntegerField(null=True, blank=True)
    primary_measure = models.CharField(
        max_length=10, choices=InstrumentCode.choices, null=True, blank=True
    )
    ended_on = models.DateField(null=True, blank=True)
    discharge_reason = models.CharField(
        max_length=16, choices=DischargeReason.choices, null=True, blank=True
    )
    payer = models.CharField(max_length=16, choices=Payer.choices, null=True, blank=True)

    # What the clinician records at evaluation (all optional: imported episodes lack them).
    diagnosis_code = models.CharField(
        "ICD-10 code", max_length=10, blank=True, help_text="The working diagnosis, e.g. M54.50."
    )
    diagnosis = models.CharField(
        "working diagnosis", max_length=200, blank=True, help_text="In plain words."
    )
    visits_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    interventions = models.TextField(
        blank=True, help_text="What the plan consists of, e.g. manual therapy, graded exercise."
    )
    expected_improvement_weeks = models.PositiveSmallIntegerField(
        "expected improvement within (weeks)", null=True, blank=True
    )
    surgical_options_discussed = models.BooleanField(
        null=True, blank=True, help_text="Whether surgical options were discussed with the patient."
    )
    surgical_discussion = models.TextField("what was said about surgery", blank=True)
    # ...and at discharge.
    recommendations = models.TextField("recommendations for ongoing care", blank=True)
    referrer_follow_up = models.TextField(
        "follow-up with the referrer",
        blank=True,
        help_text="What we ask of the referring provider after discharge.",
    )

    objects = EpisodeQuerySet.as_manager()

    class Meta(Record.Meta):
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["ended_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(planned_visits__isnull=True) | Q(planned_visits__gte=0),
                name="episode_planned_visits_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(planned_weeks__isnull=True) | Q(planned_weeks__gte=0),
                name="episode_planned_weeks_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(primary_measure__isnull=True)
                | Q(primary_measure__in=InstrumentCode.values),
                name="episode_primary_measure_valid",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="episode_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(discharge_reason__isnull=True)
                | Q(discharge_reason__in=DischargeReason.values, ended_on__isnull=False),
                name="episode_discharge_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(visits_per_week__isnull=True) | Q(visits_per_week__lte=14),
                name="episode_visits_per_week_plausible",
            ),
            models.CheckConstraint(
                condition=Q(payer__isnull=True) | Q(payer__in=Payer.values),
                name="episode_payer_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Episode started {self.started_on}"

    @property
    def treating_clinician(self) -> str:
        """The clinician's name as pages and reports show it: the user's, or as written."""
        if self.clinician is None:
            return self.clinician_name
        return self.clinician.get_full_name() or self.clinician.username


class FindingCategory(models.TextChoices):
    RANGE_OF_MOTION = "range_of_motion", "Range of motion"
    NEUROLOGICAL = "neurological", "Neurological screen"
    ORTHOPEDIC_TEST = "orthopedic_test", "Orthopedic tests"
    STRENGTH = "strength", "Strength"
    PALPATION = "palpation", "Palpation"
    POSTURE_GAIT = "posture_gait", "Posture and gait"
    FUNCTION = "function", "Functional tests"
    OTHER = "other", "Other"


class Finding(Record):
    """One objective finding at evaluation: a test or measure, its result, and a note."""

    Category = FindingCategory

    episode = models.ForeignKey("Episode", on_delete=models.CASCADE, related_name="findings")
    category = models.CharField(max_length=20, choices=Category.choices)
    item = models.CharField(max_length=100, help_text="e.g. Lumbar flexion, Straight leg raise.")
    result = models.CharField(max_length=100, help_text="e.g. 40° (painful), Positive at 45°.")
    notes = models.CharField(max_length=300, blank=True)

    class Meta(Record.Meta):
        ordering = ["id"]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(category__in=FindingCategory.values), name="finding_category_valid"
            ),
            models.CheckConstraint(
                condition=~Q(item="") & ~Q(result=""), name="finding_has_item_and_result"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"


class RedFlagKind(models.TextChoices):
    """The red-flag screen, in the order a clinician asks it."""

    CAUDA_EQUINA = "cauda_equina", "Saddle anaesthesia or bladder/bowel change"
    PROGRESSIVE_DEFICIT = "progressive_deficit", "Progressive neurological deficit"
    MYELOPATHY = "myelopathy", "Signs of myelopathy (gait disturbance, clumsy hands)"
    WEIGHT_LOSS = "weight_loss", "Unexplained weight loss"
    CANCER_HISTORY = "cancer_history", "History of cancer"
    FEVER = "fever", "Fever or signs of infection"
    TRAUMA = "trauma", "Significant trauma"
    NIGHT_PAIN = "night_pain", "Night pain or constant pain not eased by rest"
    NEW_ONSET_OVER_50 = "new_onset_over_50", "Age over 50 with new onset"
    IMMUNOSUPPRESSION = "immunosuppression", "IV drug use or immunosuppression"
    STEROIDS = "steroids", "Long-term corticosteroid use"
    VASCULAR = "vascular", "Vascular signs (pulsatile mass, claudication, dizziness)"


class RedFlag(Record):
    """One answer of the red-flag screen: present or absent, with notes."""

    Kind = RedFlagKind

    # Indexed by the UNIQUE (episode, kind) constraint, which leads with it.
    episode = models.ForeignKey(
        "Episode", on_delete=models.CASCADE, related_name="red_flags", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    present = models.BooleanField()
    notes = models.CharField(max_length=300, blank=True)

    class Meta(Record.Meta):
        ordering = ["id"]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(kind__in=RedFlagKind.values), name="red_flag_kind_valid"
            ),
            models.UniqueConstraint(fields=["episode", "kind"], name="red_flag_once_per_episode"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'present' if self.present else 'absent'}"


class VisitStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    NO_SHOW = "no_show", "No-show"
    CANCELLED = "cancelled", "Cancelled"


class Visit(Record):
    Status = VisitStatus

    # No index of its own: the (episode, status, visit_on) index below leads with it.
    episode = models.ForeignKey(
        "Episode", on_delete=models.CASCADE, related_name="visits", db_index=False
    )
    visit_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)

    class Meta(Record.Meta):
        ordering = ["visit_on", "id"]
        indexes = [models.Index(fields=["episode", "status", "visit_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(status__in=VisitStatus.values), name="visit_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Visit on {self.visit_on} ({self.get_status_display()})"


class Outcome(Record):
    """One outcome measurement: a score on an instrument's scale, on a date."""

    # No index of its own: the (episode, instrument, measured_on) index leads with it.
    episode = models.ForeignKey(
        "Episode", on_delete=models.CASCADE, related_name="outcomes", db_index=False
    )
    measured_on = models.DateField()
    instrument = models.CharField(max_length=10, choices=InstrumentCode.choices)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    items = models.JSONField(
        null=True, blank=True, help_text="Item answers when the questionnaire was entered."
    )

    class Meta(Record.Meta):
        ordering = ["measured_on", "id"]
        indexes = [models.Index(fields=["episode", "instrument", "measured_on"])]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(instrument__in=InstrumentCode.values), name="outcome_instrument_valid"
            ),
            models.CheckConstraint(
                condition=score_within_scale_constraint("instrument", "score"),
                name="outcome_score_within_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} {self.score} on {self.measured_on}"


class Payment(Record):
    """Money received for a patient's care; a negative amount is a refund."""

    patient = models.ForeignKey("Patient", on_delete=models.PROTECT, related_name="payments")
    # No index of its own: the (episode, paid_on) index leads with it.
    episode = models.ForeignKey(
        "Episode",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
    )
    paid_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta(Record.Meta):
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["episode", "paid_on"]),
            # Covers a window's revenue per episode without reading the table (insights).
            models.Index(fields=["paid_on", "episode", "amount"], name="care_payment_window_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.paid_on}"


class MarketingSpend(Record):
    """Money spent to win new patients through one channel (the cost of touchpoints with
    partners counts towards the referral channel on its own)."""

    Channel = Channel

    channel = models.CharField(max_length=24, choices=Channel.choices)
    spent_on = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    location = models.ForeignKey(
        Location,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: spent for the whole practice.",
    )
    description = models.CharField(max_length=200, blank=True)

    class Meta(Record.Meta):
        ordering = ["-spent_on", "-id"]
        verbose_name_plural = "marketing spend"
        indexes = [
            models.Index(
                fields=["spent_on", "channel", "location", "amount"],
                name="marketing_spend_window_idx",
            )
        ]
        constraints = [
            *Record.Meta.constraints,
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="marketing_spend_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="marketing_spend_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.amount} on {self.spent_on}"
