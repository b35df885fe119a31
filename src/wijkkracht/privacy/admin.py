from django.contrib import admin

from wijkkracht.common.admin import PrivacyOfficerReadOnlyAdmin
from wijkkracht.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PrivacyOfficerReadOnlyAdmin):
    """Read-only, for the privacy officer (the role, not the superuser flag): the log cannot be edited by
    anyone."""

    list_display = ["at", "username", "role", "teams", "household_id", "person_id", "action", "what", "endpoint", "ip"]
    list_filter = ["action", "role"]
    search_fields = ["username", "household_id"]
    date_hierarchy = "at"
