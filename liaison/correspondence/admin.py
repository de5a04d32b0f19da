import datetime as dt

from django.contrib import admin
from django.utils import timezone

from liaison.accounts.admin import AuditedAdminMixin
from liaison.correspondence.models import Report


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
    list_display = ["kind", "due_on", "sent_on", "channel", "partner", "patient"]
    list_filter = [DeliveryFilter, "kind", "channel", "due_on"]
    search_fields = [
        "^referral__patient__last_name",
        "^referral__partner__last_name",
        "^referral__partner__organization_name",
        "=external_id",
    ]
    list_select_related = ["referral__patient", "referral__partner"]
    raw_id_fields = ["referral", "episode"]
    readonly_fields = ["code", "created_at", "updated_at"]
    fields = [
        "referral",
        "episode",
        "kind",
        "due_on",
        "sent_on",
        "channel",
        "external_id",
        "code",
        "created_at",
        "updated_at",
    ]
    show_full_result_count = False

    @admin.display(description="partner", ordering="referral__partner__last_name")
    def partner(self, obj):
        return obj.referral.partner

    @admin.display(description="patient", ordering="referral__patient__last_name")
    def patient(self, obj):
        return obj.referral.patient
