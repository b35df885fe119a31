from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from wijkkracht.accounts import services as staff_services
from wijkkracht.accounts.models import User
from wijkkracht.common.admin import ConfigurationAdmin, ConfigurationInline, is_functional_admin
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


#: The most residents a district can have: a typo of a few zeros would multiply its teams' budgets.
MAX_WIJK_RESIDENTS = 1_000_000


@admin.register(Wijk)
class WijkAdmin(ConfigurationAdmin):
    list_display = ["name", "code", "residents"]
    search_fields = ["name", "code"]
    inlines = [WijkPostcodeInline]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "residents":
            kwargs.update(
                min_value=0,
                max_value=MAX_WIJK_RESIDENTS,
                help_text=gettext_lazy(
                    "The teams' budgets are reckoned from this number (a district served by several teams counts "
                    "for each in equal parts)."
                ),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def membership_changes(formset: BaseInlineFormSet) -> tuple[list[User], list[User]]:
    """(staff members to add, staff members to remove) as the formset asks; a changed row is both."""
    add: list[User] = []
    remove: list[User] = []
    deleted = set(formset.deleted_forms)
    for form in formset.forms:
        if not hasattr(form, "cleaned_data") or not form.has_changed():
            continue
        initial_user_id = form.instance.pk and form.initial.get("user")
        new_user = form.cleaned_data.get("user")
        if initial_user_id and (form in deleted or new_user is None or new_user.pk != initial_user_id):
            remove.append(User.objects.get(pk=initial_user_id))
        if form not in deleted and new_user is not None and new_user.pk != initial_user_id:
            add.append(new_user)
    return add, remove


class MembershipFormSet(BaseInlineFormSet):
    actor: Any = None

    def clean(self) -> None:
        """A worker leaves a team only after their open households have another contact person; nobody
        changes their own memberships or those of an administrator (the service refuses it too)."""
        super().clean()
        add, remove = membership_changes(self)
        try:
            staff_services.validate_memberships_change(actor=self.actor, users=[*add, *remove])
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        try:
            staff_services.validate_membership_endings(team=self.instance, users=remove)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class TeamMembershipInline(ConfigurationInline):
    model = TeamMembership
    formset = MembershipFormSet
    autocomplete_fields = ["user"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"actor": request.user})


@admin.register(Team)
class TeamAdmin(ConfigurationAdmin):
    list_display = ["name"]
    search_fields = ["name"]
    filter_horizontal = ["wijken"]
    inlines = [TeamMembershipInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Memberships change through the staff service (rules and audit), never by saving the rows."""
        if not isinstance(formset, MembershipFormSet):
            super().save_formset(request, form, formset, change)
            return
        add, remove = membership_changes(formset)
        staff_services.team_memberships_update(
            actor=request.user,  # type: ignore[arg-type]
            team=form.instance,
            add=add,
            remove=remove,
        )
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def delete_model(self, request: HttpRequest, obj: Team) -> None:
        staff_services.team_delete(actor=request.user, team=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Team]) -> None:
        for team in queryset:
            staff_services.team_delete(actor=request.user, team=team)  # type: ignore[arg-type]
