import datetime as dt

from django.contrib import admin
from django.utils import timezone

from liaison.accounts.admin import AuditedAdminMixin, ReadOnlyAdmin, ReadOnlyAdminMixin
from liaison.care.models import Finding, RedFlag
from liaison.reports.models import (
    CommunicationPreference,
    Delivery,
    DeliveryAttempt,
    DigestSent,
    Report,
    SignedText,
)


class DeliveryFilter(admin.SimpleListFilter):
    title = "delivery"
    parameter_name = "delivery"

    def lookups(self, request, model_admin):
        return [("overdue", "Overdue"), ("due_soon", "Due within 7 days"), ("sent", "Sent")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(sent_on__isnull=True, due_on__lt=today)
        if self.value() == "due_soon":
            return queryset.filter(
                sent_on__isnull=True, due_on__gte=today, due_on__lte=today + dt.timedelta(days=7)
            )
        if self.value() == "sent":
            return queryset.filter(sent_on__isnull=False)
        return queryset


@admin.register(Report)
class ReportAdmin(AuditedAdminMixin, admin.ModelAdmin):
    location_path = "referral__patient__location"
    list_display = ["kind", "due_on", "sent_on", "channel", "signed_at", "partner", "patient"]
    list_filter = [DeliveryFilter, "kind", "channel", "due_on"]
    search_fields = [
        "^referral__patient__last_name",
        "^referral__partner__last_name",
        "^referral__partner__organization_name",
        "=external_id",
    ]
    list_select_related = ["referral__patient", "referral__partner"]
    raw_id_fields = ["referral", "episode"]
    readonly_fields = ["code", "created_at", "updated_at", "signed_at"]
    fields = [
        "referral",
        "episode",
        "kind",
        "due_on",
        "sent_on",
        "channel",
        "body",
        "signed_at",
        "external_id",
        "code",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        # What was signed is locked (the database refuses it too): show it, never edit it.
        if obj is not None and obj.signed_at is not None:
            return [*self.readonly_fields, "body"]
        return self.readonly_fields

    @admin.display(description="partner", ordering="referral__partner__last_name")
    def partner(self, obj):
        return obj.referral.partner

    @admin.display(description="patient", ordering="referral__patient__last_name")
    def patient(self, obj):
        return obj.referral.patient


@admin.register(SignedText)
class SignedTextAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Who signed what, and when: reports and their addenda, never editable."""

    location_path = "report__referral__patient__location"
    audit_detail = "admin signed text"
    list_display = ["signed_at", "signer", "what", "report_kind", "report_due_on"]
    list_filter = ["is_addendum", "report__kind", ("signed_at", admin.DateFieldListFilter)]
    search_fields = ["signer", "signed_by__username"]
    list_select_related = ["report"]
    fields = ["report", "is_addendum", "signer", "signed_by", "signed_at", "body", "code"]
    show_full_result_count = False

    @admin.display(description="what")
    def what(self, obj):
        return "Addendum" if obj.is_addendum else "Report"

    @admin.display(description="kind", ordering="report__kind")
    def report_kind(self, obj):
        return obj.report.get_kind_display()

    @admin.display(description="due", ordering="report__due_on")
    def report_due_on(self, obj):
        return obj.report.due_on


class DeliveryAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DeliveryAttempt
    fields = ["at", "channel", "address", "result", "detail", "by"]
    readonly_fields = fields
    extra = 0


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    location_path = "signed_text__report__referral__patient__location"
    audit_detail = "admin delivery"
    list_display = ["id", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel"]
    fields = [
        "signed_text",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "claimed_by",
        "sent_at",
        "batch",
    ]
    inlines = [DeliveryAttemptInline]
    show_full_result_count = False


@admin.register(CommunicationPreference)
class CommunicationPreferenceAdmin(admin.ModelAdmin):
    """A partner's own rules; empty day counts use the practice settings."""

    list_display = [
        "partner",
        "wants_initial",
        "wants_progress",
        "progress_report_interval_days",
        "wants_discharge",
        "wants_redirect",
        "wants_alert",
    ]
    autocomplete_fields = ["partner"]
    list_select_related = ["partner"]
    search_fields = ["partner__last_name", "partner__organization_name"]
    fieldsets = [
        (None, {"fields": ["partner", "notes"]}),
        (
            "Reports the partner wants",
            {
                "fields": [
                    "wants_initial",
                    "wants_progress",
                    "wants_discharge",
                    "wants_redirect",
                    "wants_alert",
                ]
            },
        ),
        (
            "Due dates (empty: the practice's settings)",
            {
                "fields": [
                    "initial_report_business_days",
                    "progress_report_interval_days",
                    "discharge_report_business_days",
                    "redirect_letter_business_days",
                    "alert_business_days",
                ]
            },
        ),
        ("Delivery", {"fields": ["direct_address"]}),
    ]


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnlyAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Every try at delivering a report: when, how, to which address, and what happened."""

    location_path = "delivery__signed_text__report__referral__patient__location"
    audit_detail = "admin delivery attempt"
    list_display = ["at", "channel", "address", "result", "detail", "by"]
    list_filter = ["result", "channel", ("at", admin.DateFieldListFilter)]
    search_fields = ["address"]
    show_full_result_count = False


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "sent_at"]
    list_filter = [("day", admin.DateFieldListFilter)]
    list_select_related = ["user"]


# The clinician records findings and the red-flag screen on the reports' pages, so their
# admin lives here with them, audited and scoped like every patient record.
class ClinicalRecordAdmin(AuditedAdminMixin, admin.ModelAdmin):
    location_path = "episode__patient__location"
    raw_id_fields = ["episode"]
    readonly_fields = ["code", "created_at", "updated_at"]
    show_full_result_count = False


@admin.register(Finding)
class FindingAdmin(ClinicalRecordAdmin):
    list_display = ["episode", "category", "item", "result"]
    list_filter = ["category"]
    fields = ["episode", "category", "item", "result", "notes", "external_id", "code"]


@admin.register(RedFlag)
class RedFlagAdmin(ClinicalRecordAdmin):
    list_display = ["episode", "kind", "present"]
    list_filter = ["kind", "present"]
    fields = ["episode", "kind", "present", "notes", "external_id", "code"]
