from django.contrib import admin
from django.http import HttpRequest

from wijkkracht.common.admin import is_privacy_officer
from wijkkracht.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Read-only, for the privacy officer (the role, not the superuser flag): the log cannot be edited by
    anyone."""

    list_display = ["at", "username", "role", "teams", "household_id", "person_id", "action", "what", "endpoint", "ip"]
    list_filter = ["action", "role"]
    search_fields = ["username", "household_id"]
    date_hierarchy = "at"
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_privacy_officer(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_privacy_officer(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
