"""The social map in the management site: the functional administrator maintains organisations, services
and which partner-role account belongs to which organisation; the import/export log is read-only."""

import uuid
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.admin import ConfigurationAdmin, is_functional_admin
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap.models import Organization, PartnerAccount, Service, SocialMapLogEntry
from wijkkracht.socialmap.services import validate_partner_account, validate_service_values


def _domain_choices() -> list[tuple[str, str]]:
    return plan_catalogue().domain_choices


class ServiceAdminForm(forms.ModelForm):
    domains = forms.MultipleChoiceField(
        label=_("life domains"), choices=_domain_choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Service
        fields = [
            "organization",
            "name",
            "alternate_name",
            "description",
            "status",
            "level",
            "domains",
            "wijken",
            "minimum_age",
            "maximum_age",
            "eligibility_description",
            "application_process",
            "fees_description",
            "phone",
            "email",
            "url",
        ]
        widgets = {"wijken": forms.CheckboxSelectMultiple}
        help_texts = {"wijken": _("None chosen: the whole municipality.")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            validate_service_values(
                domains=list(cleaned.get("domains") or []),
                minimum_age=cleaned.get("minimum_age"),
                maximum_age=cleaned.get("maximum_age"),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


@admin.register(Service)
class ServiceAdmin(ConfigurationAdmin):
    form = ServiceAdminForm
    list_display = ["name", "organization", "level", "status"]
    list_filter = ["level", "status"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = ["hsds_id"]

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        if not obj.hsds_id:
            obj.hsds_id = str(uuid.uuid4())
        obj.domains = list(form.cleaned_data.get("domains") or [])
        super().save_model(request, obj, form, change)


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "alternate_name", "description", "phone", "email", "website"]


@admin.register(Organization)
class OrganizationAdmin(ConfigurationAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "service_count", "phone", "website"]
    search_fields = ["name", "alternate_name"]
    readonly_fields = ["hsds_id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organization]:
        return super().get_queryset(request).annotate(service_total=Count("services"))

    @admin.display(description=_("services"), ordering="service_total")
    def service_count(self, obj: Any) -> int:
        return int(obj.service_total)

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if not obj.hsds_id:
            obj.hsds_id = str(uuid.uuid4())
        super().save_model(request, obj, form, change)


class PartnerAccountAdminForm(forms.ModelForm):
    class Meta:
        model = PartnerAccount
        fields = ["user", "organization"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].help_text = _("Only accounts with the role partner organisation can be linked.")
        self.fields["user"].error_messages["invalid_choice"] = _(
            "Only an active account with the role partner organisation can be linked to an organisation."
        )

    def clean_user(self) -> User:
        user = self.cleaned_data["user"]
        validate_partner_account(user=user)
        return user


@admin.register(PartnerAccount)
class PartnerAccountAdmin(ConfigurationAdmin):
    form = PartnerAccountAdminForm
    list_display = ["user", "organization"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(role=Role.PARTNER, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(SocialMapLogEntry)
class SocialMapLogEntryAdmin(ConfigurationAdmin):
    """Who imported or exported the social map: read-only."""

    list_display = ["at", "username", "action", "channel", "file_name"]
    list_filter = ["action"]
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)
