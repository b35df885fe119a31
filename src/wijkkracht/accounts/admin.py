"""Staff accounts in `/beheer/`: no password fields anywhere, every write through `accounts.services`.

- Adding an account asks no password: the holder gets a one-time link by e-mail ("send password link"
  sends a new one).
- Accounts with administrator, privacy-officer or superuser rights (also one's own rights) are read-only.
- An account with case history cannot be deleted: it is deactivated (an action, audited).
- The staff-audit log is read-only, for the privacy officer only.
"""

from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wijkkracht.accounts import services
from wijkkracht.accounts.models import Expertise, Role, StaffAuditEntry, User
from wijkkracht.common.admin import (
    ConfigurationAdmin,
    PrivacyOfficerReadOnlyAdmin,
    deletion_refusal,
    is_functional_admin,
)
from wijkkracht.common.forms import CHOOSE_LABEL


@admin.register(Expertise)
class ExpertiseAdmin(ConfigurationAdmin):
    list_display = ["name", "code"]


def _role_choices() -> list[tuple[str, Any]]:
    return [("", CHOOSE_LABEL)] + [
        (value, label) for value, label in Role.choices if value in services.ASSIGNABLE_ROLES
    ]


class StaffAccountCreationForm(forms.ModelForm):
    """Who the new colleague is and what they do; no password (they choose it through the link)."""

    role = forms.TypedChoiceField(label=gettext_lazy("role"), choices=_role_choices, required=True)
    actor: Any = None
    #: Why the previous attempt to save was undone (say the e-mail could not be sent): shown above the form.
    not_saved: ValidationError | None = None

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "expertises"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name", "email"):
            if name in self.fields:  # a read-only page has no fields
                self.fields[name].required = True
        if "email" in self.fields:
            self.fields["email"].help_text = _("The link to choose a password is sent to this address.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                services.validate_staff_account_create(
                    actor=self.actor,
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    role=data["role"],
                )
            except ValidationError as error:
                self._apply(error)
        self._apply_not_saved()
        return data

    def _get_validation_exclusions(self) -> set[str]:
        # The service checks the username (format, and taken regardless of case) with one clear message;
        # the model's own checks would repeat that in other words.
        return set(super()._get_validation_exclusions()) | {"username"}  # type: ignore[misc]

    def _apply_not_saved(self) -> None:
        if self.not_saved is not None:
            self._apply(self.not_saved)

    def _apply(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)


class StaffAccountChangeForm(StaffAccountCreationForm):
    """Name, e-mail, role, expertises and active; rights and teams are never fields (teams: on the team)."""

    actor: Any = None

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "role", "expertises", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "email" not in self.fields:
            return  # read-only page
        self.fields["email"].help_text = _(
            "Password links are sent to this address; it cannot be changed once the staff member has chosen a password."
        )
        own = bool(self.instance.pk and self.actor is not None and self.instance.pk == self.actor.pk)
        # Only required when an account is made: older accounts may have none.
        self.fields["email"].required = False
        if self.instance.pk and not own and self.instance.has_usable_password():
            # Shown, not editable: otherwise the next password link could be sent to someone else.
            self.fields["email"].disabled = True
        if own:
            # One's own role and active flag are shown, not editable (and refused by the service anyway).
            cast(forms.ChoiceField, self.fields["role"]).choices = Role.choices
            for name in ("role", "is_active"):
                self.fields[name].disabled = True

    def changes(self) -> services.StaffChanges:
        data = self.cleaned_data
        return services.StaffChanges(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            role=data["role"],
            is_active=data["is_active"],
            expertises=list(data["expertises"]),
        )

    def clean(self) -> dict[str, Any]:
        data = forms.ModelForm.clean(self) or {}
        if not self.errors:
            try:
                services.validate_staff_account_update(actor=self.actor, account=self.instance, changes=self.changes())
            except ValidationError as error:
                self._apply(error)
        self._apply_not_saved()
        return data


class _NotSaved(Exception):
    """Raised from save_model to undo the whole admin transaction and show the form again."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error


def _link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@admin.register(User)
class UserAdmin(ConfigurationAdmin):
    form = StaffAccountChangeForm
    add_form = StaffAccountCreationForm
    change_form_template = "admin/accounts/user/change_form.html"
    list_display = ["username", "first_name", "last_name", "role", "is_active", "has_password"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering = ["username"]
    filter_horizontal = ["expertises"]
    readonly_fields = ["teams_display", "has_password", "is_staff", "is_superuser", "last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("username", "has_password")}),
        (gettext_lazy("Personal details"), {"fields": ("first_name", "last_name", "email")}),
        (gettext_lazy("Work"), {"fields": ("role", "expertises", "teams_display", "is_active")}),
        (gettext_lazy("Rights"), {"fields": ("is_staff", "is_superuser", "last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "role", "expertises")}),)
    actions = ["send_password_link", "deactivate", "delete_selected"]

    @admin.display(description=gettext_lazy("teams"))
    def teams_display(self, obj: User) -> str:
        names = list(obj.memberships.values_list("team__name", flat=True).order_by("team__name"))
        return format_html_join(", ", "{}", ((name,) for name in names)) or "–"

    @admin.display(description=gettext_lazy("has chosen a password"), boolean=True)
    def has_password(self, obj: User) -> bool:
        return obj.has_usable_password()

    # --- permissions -------------------------------------------------------------------------------------

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Accounts with rights are read-only, except one's own name, e-mail and expertises."""
        if not is_functional_admin(request):
            return False
        return obj is None or obj.pk == request.user.pk or not services.is_protected(obj)

    def deletion_refusal(self, request: HttpRequest, objs: list[Any]) -> str:
        for obj in objs:
            if obj.pk == request.user.pk or services.is_protected(obj):
                return _("%(user)s has administrator, privacy-officer or superuser rights and cannot be deleted.") % {
                    "user": obj
                }
        refusal = deletion_refusal(objs)
        if refusal:
            return (
                refusal
                + " "
                + ngettext(
                    "Deactivate the account instead: it then can no longer log in.",
                    "Deactivate the accounts instead: they then can no longer log in.",
                    len(objs),
                )
            )
        return ""

    def has_send_password_link_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    def has_deactivate_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    # --- forms -------------------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.add_fieldsets if obj is None else super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = self.add_form
            kwargs["fields"] = list(self.add_form.Meta.fields)
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(
            form.__name__, (form,), {"actor": request.user, "not_saved": getattr(request, "_staff_not_saved", None)}
        )

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _NotSaved as failure:
            # The admin's transaction is rolled back (no account, no audit row); the same form is shown again
            # with what was filled in and why nothing was saved above it.
            request._staff_not_saved = failure.error  # type: ignore[attr-defined]
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        try:
            if change:
                saved = services.staff_account_update(actor=request.user, account=obj, changes=form.changes())  # type: ignore[arg-type]
            else:
                data = form.cleaned_data
                saved = services.staff_account_create(
                    actor=request.user,  # type: ignore[arg-type]
                    username=data["username"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    role=data["role"],
                    expertises=data["expertises"],
                    link_base=_link_base(request),
                )
        except ValidationError as error:
            raise _NotSaved(error) from error
        obj.pk = obj.id = saved.pk
        if not change:
            self.message_user(
                request,
                _("A link to choose a password has been sent to %(email)s.") % {"email": saved.email},
                messages.SUCCESS,
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The service already saved the expertises; there are no inlines."""

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        services.staff_account_delete(actor=request.user, account=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        accounts = list(queryset)
        for account in accounts:
            services.validate_staff_account_delete(actor=request.user, account=account)  # type: ignore[arg-type]
        for account in accounts:
            services.staff_account_delete(actor=request.user, account=account)  # type: ignore[arg-type]

    # --- password links and deactivation ---------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/password-link/",
                self.admin_site.admin_view(self.password_link_view),
                name=f"{opts.app_label}_{opts.model_name}_password_link",
            ),
            # Django's own "change password" page for another user does not exist here: nobody sets it.
            path("<path:object_id>/password/", self.admin_site.admin_view(self.no_password_form)),
            *super().get_urls(),
        ]

    def no_password_form(self, request: HttpRequest, object_id: str) -> HttpResponse:
        raise Http404

    def password_link_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        if request.method != "POST" or not is_functional_admin(request):
            raise PermissionDenied
        account = get_object_or_404(User, pk=object_id) if object_id.isdigit() else None
        if account is None:
            raise Http404
        self._send_links(request, [account])
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[account.pk]))

    def _send_links(self, request: HttpRequest, accounts: list[User]) -> None:
        for account in accounts:
            try:
                services.staff_password_link_send(
                    actor=request.user,  # type: ignore[arg-type]
                    account=account,
                    link_base=_link_base(request),
                )
            except ValidationError as error:
                # Nothing is recorded as sent; the reason, never the exception text of the mail server.
                self.message_user(request, f"{account}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("A link to choose a password has been sent to %(user)s (%(email)s).")
                    % {"user": account, "email": account.email},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Send a link to choose a password"), permissions=["send_password_link"])
    def send_password_link(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        self._send_links(request, list(queryset))

    @admin.action(description=gettext_lazy("Deactivate the selected staff members"), permissions=["deactivate"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for account in queryset.filter(is_active=True):
            try:
                services.staff_account_deactivate(actor=request.user, account=account)  # type: ignore[arg-type]
            except (ValidationError, PermissionDenied) as error:
                message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.message_user(request, f"{account}: {message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d staff member deactivated.", "%(count)d staff members deactivated.", done)
                % {"count": done},
                messages.SUCCESS,
            )


def role_label(code: str) -> str:
    """The label of a role code copied into a log; an unknown (older) code is shown as it is."""
    try:
        return str(Role(code).label)
    except ValueError:
        return code


class RoleFilter(admin.SimpleListFilter):
    """Filter a log on the role copied into it, by the role's label instead of its code."""

    title = gettext_lazy("role")
    parameter_name = "role"
    field_name = "role"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return list(Role.choices)

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.field_name: value}) if value else queryset


class ActorRoleFilter(RoleFilter):
    title = gettext_lazy("role of the changer")
    parameter_name = "actor_role"
    field_name = "actor_role"


@admin.register(StaffAuditEntry)
class StaffAuditEntryAdmin(PrivacyOfficerReadOnlyAdmin):
    """Read-only, for the privacy officer only; the database refuses changes anyway (append-only)."""

    list_display = ["at", "actor_username", "actor_role_display", "action", "subject_username", "before", "after"]
    list_filter = ["action", ActorRoleFilter]
    search_fields = ["actor_username", "subject_username"]
    date_hierarchy = "at"

    @admin.display(description=gettext_lazy("role of the changer"), ordering="actor_role")
    def actor_role_display(self, obj: StaffAuditEntry) -> str:
        return role_label(obj.actor_role)
