from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.utils import unquote
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext

from wijkkracht.accounts.deletion import case_data_models
from wijkkracht.accounts.models import Role
from wijkkracht.common.forms import with_choose_label

# Texts of Django's management templates that its Dutch catalogue lacks (Django 5.2 added them). Listed here
# so that makemessages keeps them in our catalogue, which Django prefers over its own (LOCALE_PATHS first).
DJANGO_ADMIN_MESSAGES = (
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Model name"),
    gettext_noop("Error:"),
)


def _boolean_icon(field_val: bool | None) -> SafeString:
    """Django's yes/no icon with a Dutch text alternative: Django 5.2 writes "True"/"False" in its alt,
    untranslated, which a screen reader reads out. Django's helpers import it from admin_list on every
    call, so replacing it there is enough; tests/test_admin_in_dutch.py notices when that changes."""
    name = {True: "yes", False: "no", None: "unknown"}[field_val]
    icon = static(f"admin/img/icon-{name}.svg")
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[field_val]
    return format_html('<img src="{}" alt="{}">', icon, text)


admin_list._boolean_icon = _boolean_icon  # type: ignore[attr-defined]

# Access to the management site follows from roles, never from Django's permission flags: a superuser has
# every Django permission, so admin pages that go by those (groups; API tokens, which would let a superuser
# mint a token for somebody else and act as them) are not in the management site at all.
for _label in ["auth.Group", "authtoken.TokenProxy"]:
    try:
        _model = apps.get_model(_label)
    except LookupError:  # pragma: no cover - app not installed
        continue
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def is_functional_admin(request: HttpRequest) -> bool:
    """Configuration and staff accounts are managed by the functional administrator role only.

    Being a superuser is not enough: `createsuperuser` makes a functional administrator anyway, and a
    superuser with another role (say the privacy officer of an older installation) should not manage
    configuration just because the flag is set.
    """
    user: Any = request.user
    return bool(user.is_authenticated and user.is_active and user.role == Role.FUNCTIONAL_ADMIN)


def is_privacy_officer(request: HttpRequest) -> bool:
    """Reads the access log and the staff-audit log; nothing else in management."""
    user: Any = request.user
    return bool(user.is_authenticated and user.is_active and user.role == Role.PRIVACY_OFFICER)


def deletion_refusal(objs: Iterable[models.Model]) -> str:
    """Why `objs` cannot be deleted (case data hangs off them), or '' when they can. Names only the kinds
    of data, never the data."""
    objs = list(objs)
    own = {type(obj) for obj in objs}
    blocking = [model for model in case_data_models(objs) if model not in own]
    if not blocking:
        return ""
    kinds = ", ".join(str(model._meta.verbose_name_plural) for model in blocking)
    names = ", ".join(str(obj) for obj in objs[:5]) + ("…" if len(objs) > 5 else "")
    return ngettext(
        "%(objects)s cannot be deleted: case data is linked to it (%(kinds)s).",
        "%(objects)s cannot be deleted: case data is linked to them (%(kinds)s).",
        len(objs),
    ) % {"objects": names, "kinds": kinds}


class DutchAdminMixin:
    """Every management page in Dutch and without "---------": select fields start with "Kies…", and the
    list of actions with "Kies een actie…". Put it before ``admin.ModelAdmin`` (or an inline)."""

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        # The admin wraps a relation's select in a widget with add/change links; the field is what counts.
        return with_choose_label(field) if field is not None else None

    def get_action_choices(self, request: HttpRequest, default_choices: Any = None) -> list[tuple[str, str]]:
        return super().get_action_choices(  # type: ignore[misc]
            request, default_choices=[("", gettext_lazy("Choose an action…"))]
        )


class ConfigurationAdmin(DutchAdminMixin, admin.ModelAdmin):
    """Configuration is managed by the functional administrator; case content is not in admin at all.

    Deleting never lists related objects (only the objects themselves and counts per kind), and is refused
    with a message when case data hangs off the object: the delete page of a team must not show its
    households, nor that of a staff member their contacts and tasks.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not is_functional_admin(request):
            return False
        return obj is None or not self.deletion_refusal(request, [obj])

    def deletion_refusal(self, request: HttpRequest, objs: list[Any]) -> str:
        return deletion_refusal(objs)

    def get_deleted_objects(
        self, objs: Any, request: HttpRequest
    ) -> tuple[list[Any], dict[str, int], set[str], list[Any]]:
        objs = list(objs)
        refusal = self.deletion_refusal(request, objs)
        if refusal:
            return [], {}, set(), [refusal]
        _listed, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        return [str(obj) for obj in objs], model_count, perms_needed, protected

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        if is_functional_admin(request):
            obj = self.get_object(request, unquote(object_id))
            refusal = self.deletion_refusal(request, [obj]) if obj is not None else ""
            if obj is not None and refusal:
                self.message_user(request, refusal, messages.ERROR)
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)


class ConfigurationInline(DutchAdminMixin, admin.TabularInline):
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)


class PrivacyOfficerReadOnlyAdmin(DutchAdminMixin, admin.ModelAdmin):
    """What the privacy officer supervises (the logs, sign-in records, API keys): readable by that role only,
    never added, changed or deleted through the admin."""

    actions: Sequence[Any] | None = None

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


class UploadedFileAdmin(ConfigurationAdmin):
    """A policy or definition file uploaded in `/beheer/` (instruments, the mandate): who uploaded it and when.
    Subclasses give the `form` that validates the content like a file on disk."""

    list_display = ["name", "is_active", "uploaded_at", "uploader"]
    readonly_fields = ["uploaded_at", "uploader"]

    @admin.display(description=gettext_lazy("uploaded by"), ordering="uploaded_by")
    def uploader(self, obj: Any) -> object:
        return obj.uploaded_by or "–"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
