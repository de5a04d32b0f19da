from django import forms
from django.contrib import admin
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from liaison.accounts.access import scope_to_user
from liaison.accounts.audit import audit_record
from liaison.accounts.models import (
    AuditCheckpoint,
    AuditEvent,
    Location,
    LoginFailure,
    Role,
    User,
)


class AuditedAdminMixin:
    """For admin pages of records carrying patient data.

    Every opened change page and every save or delete goes to the audit trail, and the
    rows offered (change list, popups, autocomplete) are narrowed to the user's locations.
    Subclasses name the path from the row to its location in `location_path`.
    """

    location_path: str = ""
    audit_detail = "admin"

    def get_queryset(self, request):
        return scope_to_user(super().get_queryset(request), request.user, self.location_path)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        if getattr(response, "status_code", None) == 200:
            audit_record(
                request=request,
                action=AuditEvent.Action.VIEW,
                obj=self.model,
                detail=f"{self.audit_detail} list",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_view_or_change_permission(request, obj):
                audit_record(
                    request=request,
                    action=AuditEvent.Action.VIEW,
                    obj=obj,
                    detail=f"{self.audit_detail} change page",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditEvent.Action.UPDATE if change else AuditEvent.Action.CREATE
        audit_record(request=request, action=action, obj=obj, detail=self._changed(form))

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Inline rows (an episode's visits and outcomes) are patient data as well.
        for obj in formset.new_objects:
            audit_record(
                request=request, action=AuditEvent.Action.CREATE, obj=obj, detail=self.audit_detail
            )
        for obj, fields in formset.changed_objects:
            audit_record(
                request=request,
                action=AuditEvent.Action.UPDATE,
                obj=obj,
                detail=f"{self.audit_detail}: {', '.join(fields)}",
            )
        for obj in formset.deleted_objects:
            audit_record(
                request=request, action=AuditEvent.Action.DELETE, obj=obj, detail=self.audit_detail
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            audit_record(
                request=request, action=AuditEvent.Action.DELETE, obj=obj, detail=self.audit_detail
            )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    request=request,
                    action=AuditEvent.Action.DELETE,
                    obj=obj,
                    detail=f"{self.audit_detail} bulk delete",
                )
            super().delete_queryset(request, queryset)

    # Django's own admin log would keep each record's display text, a patient's name, in
    # django_admin_log; the audit trail above records these actions instead.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def log_deletion(self, request, obj, object_repr):
        return None

    def log_deletions(self, request, queryset):
        return None

    def _changed(self, form) -> str:
        # Field names only: the detail must never carry patient data.
        fields = form.changed_data if form is not None else []
        return f"{self.audit_detail}: {', '.join(fields)}" if fields else self.audit_detail


class ReadOnlyAdminMixin:
    """For records nobody may alter through a screen: on an admin page or an inline."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """An admin page that only lists and shows."""


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "state", "phone", "fax"]
    search_fields = ["name", "city", "zip"]
    readonly_fields = ["code"]
    fields = ["name", "address", "city", "state", "zip", "phone", "fax", "external_id", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "full_name",
        "role_display",
        "location_list",
        "is_active",
        "is_staff",
        "last_login",
    ]
    list_filter = ["groups", "locations", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["user_permissions"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "credentials", "email"]}),
        (
            "Role and locations",
            {
                "fields": ["groups", "locations"],
                "description": "The role is the group held: manager, clinician, front_desk or "
                "liaison. Front desk and clinicians see patients of their "
                "locations only; the liaison role sees no patient record.",
            },
        ),
        (
            "Access",
            {
                "fields": ["is_active", "is_staff", "is_superuser"],
                "description": "Staff status opens this administration (managers).",
            },
        ),
        ("Extra permissions", {"fields": ["user_permissions"], "classes": ["collapse"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "usable_password", "password1", "password2"],
            },
        ),
        ("Person", {"fields": ["first_name", "last_name", "credentials", "email"]}),
        ("Role and locations", {"fields": ["groups", "locations"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups", "locations")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Four roles and a handful of locations: plain checkboxes read best.
        if db_field.name in {"groups", "locations"}:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description="name", ordering="last_name")
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description="role")
    def role_display(self, obj):
        return Role(obj.role).label if obj.role else "—"

    @admin.display(description="locations")
    def location_list(self, obj):
        names = [location.name for location in obj.locations.all()]
        return ", ".join(names) or "—"


class WhenFilter(DateFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "date"


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "at",
        "username",
        "action",
        "object_type",
        "object_code",
        "detail",
        "ip_address",
    ]
    list_filter = ["action", "object_type", ("at", WhenFilter)]
    search_fields = ["username", "object_code"]
    show_full_result_count = False
    list_per_page = 100


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["at", "up_to_id", "removed", "removed_before", "by"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    list_display = ["at", "username", "ip_address"]
    list_filter = [("at", WhenFilter)]
    search_fields = ["username"]
    show_full_result_count = False
