from django.contrib import admin
from django.http import HttpRequest

from wijkkracht.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only, for the privacy officer (superuser): the log cannot be edited by anyone."""

    list_display = ["at", "username", "role", "household_id", "action", "what", "endpoint"]
    list_filter = ["action", "role"]
    search_fields = ["username", "household_id"]
    date_hierarchy = "at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
