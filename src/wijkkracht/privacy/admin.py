import re

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wijkkracht.accounts.admin import RoleFilter, role_label
from wijkkracht.common.admin import PrivacyOfficerReadOnlyAdmin
from wijkkracht.privacy.models import AccessLogEntry
from wijkkracht.privacy.selectors import households_of, with_household_count

#: A household number as the privacy officer types it: "HH-000123", "hh-123" or "123".
HOUSEHOLD_NUMBER = re.compile(r"^(?:hh-?)?0*(\d{1,18})$", re.IGNORECASE)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PrivacyOfficerReadOnlyAdmin):
    """Read-only, for the privacy officer (the role, not the superuser flag): the log cannot be edited by
    anyone. Searching for a household number ("HH-000123") answers "who saw this household": every entry
    about it, a list that showed it included, through the subjects' index."""

    list_display = [
        "at",
        "username",
        "role_display",
        "teams",
        "households_display",
        "person_id",
        "action",
        "what",
        "endpoint",
        "ip",
    ]
    list_filter = ["action", RoleFilter]
    search_fields = ["username"]
    search_help_text = _("A username, or a household number (HH-000123) for everything about that household.")
    date_hierarchy = "at"
    show_full_result_count = False  # one count of a long log per page is enough
    readonly_fields = ["households_in_full"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AccessLogEntry]:
        return with_household_count(super().get_queryset(request))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AccessLogEntry], search_term: str
    ) -> tuple[QuerySet[AccessLogEntry], bool]:
        number = HOUSEHOLD_NUMBER.match(search_term.strip())
        if number:
            return queryset.filter(subjects__household_id=int(number.group(1))), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("role"), ordering="role")
    def role_display(self, obj: AccessLogEntry) -> str:
        return role_label(obj.role)

    @admin.display(description=_("household"))
    def households_display(self, obj: AccessLogEntry) -> str:
        if obj.household_id is not None:
            return f"HH-{obj.household_id:06d}"
        count = getattr(obj, "household_count", 0)
        if not count:
            return "-"
        return ngettext("%(count)d household", "%(count)d households", count) % {"count": count}

    @admin.display(description=_("households"))
    def households_in_full(self, obj: AccessLogEntry) -> str:
        return ", ".join(f"HH-{household_id:06d}" for household_id in households_of(obj)) or "-"
