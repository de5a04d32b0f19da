from django.contrib import admin

from liaison.partners.models import (
    Partner,
    PartnerNote,
    PlannedTouchpoint,
    Specialty,
    Touchpoint,
)


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    """Reference rows, one per specialty slug: the practice only says which it wants."""

    list_display = ["name", "wanted", "target_active_partners"]
    list_editable = ["wanted", "target_active_partners"]
    list_filter = ["wanted"]
    search_fields = ["name", "slug"]
    readonly_fields = ["slug", "name"]
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TouchpointInline(admin.TabularInline):
    model = Touchpoint
    fields = ["occurred_on", "kind", "staff", "cost", "notes"]
    extra = 0
    show_change_link = True


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["display_name", "kind", "specialty", "stage", "city", "npi", "owner"]
    list_filter = ["kind", "stage", "specialty", "preferred_channel"]
    search_fields = ["last_name", "first_name", "organization_name", "=npi", "=external_id"]
    list_select_related = ["specialty", "owner"]
    autocomplete_fields = ["works_at", "introduced_by", "owner"]
    readonly_fields = ["code", "created_at", "updated_at"]
    show_full_result_count = False
    inlines = [TouchpointInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "first_name",
                    "last_name",
                    "credentials",
                    "organization_name",
                    "npi",
                    "taxonomy_code",
                    "specialty",
                ]
            },
        ),
        (
            "Where and how to reach",
            {
                "fields": [
                    "works_at",
                    *Partner.CONTACT_DETAILS,
                    "preferred_channel",
                ]
            },
        ),
        (
            "Relationship",
            {"fields": ["stage", "owner", "introduced_by", "contact_cadence_days", "notes"]},
        ),
        (
            "Record",
            {
                "fields": ["external_id", "code", "created_at", "updated_at"],
                "classes": ["collapse"],
            },
        ),
    ]

    @admin.display(description="name", ordering="last_name")
    def display_name(self, obj):
        return obj.display_name


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "partner", "kind", "staff", "cost"]
    list_filter = ["kind", "occurred_on"]
    search_fields = ["partner__last_name", "partner__organization_name", "staff"]
    list_select_related = ["partner"]
    autocomplete_fields = ["partner"]
    readonly_fields = ["code"]
    show_full_result_count = False
    date_hierarchy = "occurred_on"


@admin.register(PlannedTouchpoint)
class PlannedTouchpointAdmin(admin.ModelAdmin):
    list_display = ["planned_on", "partner", "kind", "owner", "touchpoint"]
    list_filter = ["kind", "planned_on"]
    search_fields = ["partner__last_name", "partner__organization_name"]
    list_select_related = ["partner", "owner", "touchpoint"]
    autocomplete_fields = ["partner", "owner"]
    raw_id_fields = ["touchpoint"]
    readonly_fields = ["code"]
    show_full_result_count = False


@admin.register(PartnerNote)
class PartnerNoteAdmin(admin.ModelAdmin):
    list_display = ["written_on", "partner", "kind", "author"]
    list_filter = ["kind", "written_on"]
    search_fields = ["partner__last_name", "partner__organization_name"]
    list_select_related = ["partner", "author"]
    autocomplete_fields = ["partner"]
    raw_id_fields = ["author"]
    readonly_fields = ["code"]
    show_full_result_count = False
