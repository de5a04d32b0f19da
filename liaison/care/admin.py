"""Admin for patient records: audited, scoped to the user's locations, and built to stay fast
with hundreds of thousands of patients (no full counts, no select boxes of patients)."""

from django.contrib import admin

from liaison.accounts.admin import AuditedAdminMixin
from liaison.care.models import (
    Episode,
    MarketingSpend,
    Outcome,
    Patient,
    Payment,
    Referral,
    Visit,
)

RECORD_FIELDS = ["external_id", "code", "created_at", "updated_at"]


class CareAdmin(AuditedAdminMixin, admin.ModelAdmin):
    show_full_result_count = False
    readonly_fields = ["code", "created_at", "updated_at"]


@admin.register(Patient)
class PatientAdmin(CareAdmin):
    location_path = "location"
    list_display = [
        "last_name",
        "first_name",
        "birth_date",
        "location",
        "channel",
        "source_partner",
    ]
    list_filter = ["location", "channel"]
    search_fields = ["^last_name", "^first_name", "=external_id"]
    list_select_related = ["location", "source_partner"]
    autocomplete_fields = ["source_partner"]
    fieldsets = [
        (None, {"fields": ["first_name", "last_name", "birth_date", "sex", "zip", "location"]}),
        ("How the patient found us", {"fields": ["channel", "source_partner", "created_on"]}),
        ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]}),
    ]


@admin.register(Referral)
class ReferralAdmin(CareAdmin):
    location_path = "patient__location"
    list_display = ["received_on", "patient", "partner", "urgency", "decision", "decided_on"]
    list_filter = ["decision", "urgency", "decline_reason", "received_on"]
    search_fields = [
        "^patient__last_name",
        "^partner__last_name",
        "^partner__organization_name",
        "=external_id",
    ]
    list_select_related = ["patient", "partner"]
    autocomplete_fields = ["patient", "partner", "alternative_partner"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "patient",
                    "partner",
                    "location",
                    "received_on",
                    "urgency",
                    "reason",
                    "icd10_codes",
                ]
            },
        ),
        (
            "Triage",
            {
                "fields": [
                    "decision",
                    "decided_on",
                    "decline_reason",
                    "alternative",
                    "alternative_partner",
                ]
            },
        ),
        ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]}),
    ]


class VisitInline(admin.TabularInline):
    model = Visit
    fields = ["visit_on", "status"]
    extra = 0


class OutcomeInline(admin.TabularInline):
    model = Outcome
    fields = ["measured_on", "instrument", "score"]
    extra = 0


@admin.register(Episode)
class EpisodeAdmin(CareAdmin):
    location_path = "patient__location"
    list_display = [
        "started_on",
        "patient",
        "treating_clinician",
        "primary_measure",
        "ended_on",
        "discharge_reason",
    ]
    list_filter = ["discharge_reason", "primary_measure", "location", "started_on", "clinician"]
    search_fields = [
        "^patient__last_name",
        "^patient__first_name",
        "clinician_name",
        "=external_id",
    ]
    list_select_related = ["patient", "clinician"]
    autocomplete_fields = ["patient"]
    raw_id_fields = ["referral", "clinician"]
    inlines = [VisitInline, OutcomeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "patient",
                    "referral",
                    "location",
                    "clinician",
                    "clinician_name",
                    "started_on",
                ]
            },
        ),
        ("Plan", {"fields": ["planned_visits", "planned_weeks", "primary_measure"]}),
        ("Discharge", {"fields": ["ended_on", "discharge_reason"]}),
        ("Record", {"fields": RECORD_FIELDS, "classes": ["collapse"]}),
    ]


class EpisodePartAdmin(CareAdmin):
    """A visit or an outcome: scoped, searched and shown through its episode's patient."""

    location_path = "episode__patient__location"
    search_fields = ["^episode__patient__last_name", "=external_id"]
    list_select_related = ["episode__patient"]
    raw_id_fields = ["episode"]

    @admin.display(description="patient", ordering="episode__patient__last_name")
    def patient(self, obj):
        return obj.episode.patient


@admin.register(Visit)
class VisitAdmin(EpisodePartAdmin):
    list_display = ["visit_on", "patient", "status", "episode"]
    list_filter = ["status", "visit_on"]
    fields = ["episode", "visit_on", "status", *RECORD_FIELDS]


@admin.register(Outcome)
class OutcomeAdmin(EpisodePartAdmin):
    list_display = ["measured_on", "patient", "instrument", "score", "episode"]
    list_filter = ["instrument", "measured_on"]
    fields = ["episode", "measured_on", "instrument", "score", "items", *RECORD_FIELDS]


@admin.register(Payment)
class PaymentAdmin(CareAdmin):
    location_path = "patient__location"
    list_display = ["paid_on", "patient", "amount", "episode"]
    list_filter = ["paid_on"]
    search_fields = ["^patient__last_name", "=external_id"]
    list_select_related = ["patient", "episode"]
    autocomplete_fields = ["patient"]
    raw_id_fields = ["episode"]
    fields = ["patient", "episode", "paid_on", "amount", *RECORD_FIELDS]


@admin.register(MarketingSpend)
class MarketingSpendAdmin(admin.ModelAdmin):
    """No patient data: a plain admin. Managers enter spend on its own page (Insights →
    Channels → Enter spend), which also refreshes the figures at once."""

    list_display = ["spent_on", "channel", "location", "amount", "description"]
    list_filter = ["channel", "location"]
    date_hierarchy = "spent_on"
    list_select_related = ["location"]
    readonly_fields = ["code", "created_at", "updated_at"]
    fields = ["spent_on", "channel", "amount", "location", "description", *RECORD_FIELDS]
