from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.admin import RoleFilter, role_label
from wijkkracht.common.admin import PrivacyOfficerReadOnlyAdmin
from wijkkracht.privacy.models import AccessLogEntry


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PrivacyOfficerReadOnlyAdmin):
    """Read-only, for the privacy officer (the role, not the superuser flag): the log cannot be edited by
    anyone."""

    list_display = [
        "at",
        "username",
        "role_display",
        "teams",
        "household_id",
        "person_id",
        "action",
        "what",
        "endpoint",
        "ip",
    ]
    list_filter = ["action", RoleFilter]
    search_fields = ["username", "household_id"]
    date_hierarchy = "at"

    @admin.display(description=_("role"), ordering="role")
    def role_display(self, obj: AccessLogEntry) -> str:
        return role_label(obj.role)
