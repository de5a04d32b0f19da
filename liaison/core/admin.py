from django.contrib import admin

from liaison.core.models import PracticeSettings


@admin.register(PracticeSettings)
class PracticeSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "response_target_days", "progress_report_interval_days"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not PracticeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
