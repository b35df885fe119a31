from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from wijkkracht.common.admin import ConfigurationAdmin, ConfigurationInline, is_functional_admin
from wijkkracht.households.models import OPEN_STATUSES, Household
from wijkkracht.teams.models import Municipality, Team, TeamMembership, Wijk, WijkPostcode


@admin.register(Municipality)
class MunicipalityAdmin(ConfigurationAdmin):
    list_display = ["name", "code", "contact_norm_days", "no_show_follow_up_working_days"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request) and not Municipality.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class WijkPostcodeInline(ConfigurationInline):
    model = WijkPostcode


@admin.register(Wijk)
class WijkAdmin(ConfigurationAdmin):
    list_display = ["name", "code", "residents"]
    search_fields = ["name", "code"]
    inlines = [WijkPostcodeInline]


class MembershipFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        """A worker leaves a team only after their open households have another contact person."""
        super().clean()
        for form in self.deleted_forms:
            membership = form.instance
            if membership.pk is None:
                continue
            open_count = Household.objects.filter(
                team_id=membership.team_id, contact_person_id=membership.user_id, status__in=OPEN_STATUSES
            ).count()
            if open_count:
                raise ValidationError(
                    _(
                        "%(user)s is still the contact person of %(count)d open households of this team: "
                        "reassign them first."
                    )
                    % {"user": membership.user, "count": open_count}
                )


class TeamMembershipInline(ConfigurationInline):
    model = TeamMembership
    formset = MembershipFormSet
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(ConfigurationAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["wijken"]
    inlines = [TeamMembershipInline]
