from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.common.admin import PrivacyOfficerReadOnlyAdmin, is_functional_admin, is_privacy_officer
from wijkkracht.security import services
from wijkkracht.security.models import ApiToken

# django-otp's own admin pages show a device's secret (its QR code) to whoever may change devices: nobody
# may read or set somebody else's second factor, so they are not in the management site.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class _ByRole:
    """django-axes' sign-in records go by role, like every management page, not by Django's permission
    flags: the privacy officer reads them; the functional administrator may also delete a lockout (unlock
    a colleague before the cool-off ends). Nobody edits them."""

    may_delete = False

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_privacy_officer(request) or (self.may_delete and is_functional_admin(request))

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.may_delete and is_functional_admin(request)


class AccessAttemptByRole(_ByRole, axes_admin.AccessAttemptAdmin):
    may_delete = True


class AccessLogByRole(_ByRole, axes_admin.AccessLogAdmin):
    pass


class AccessFailureLogByRole(_ByRole, axes_admin.AccessFailureLogAdmin):
    pass


_AXES_ADMINS: list[tuple[type[Model], type[admin.ModelAdmin]]] = [
    (AccessAttempt, AccessAttemptByRole),
    (AccessLog, AccessLogByRole),
    (AccessFailureLog, AccessFailureLogByRole),
]
for axes_model, axes_model_admin in _AXES_ADMINS:
    if admin.site.is_registered(axes_model):
        admin.site.unregister(axes_model)
    admin.site.register(axes_model, axes_model_admin)


@admin.register(ApiToken)
class ApiTokenAdmin(PrivacyOfficerReadOnlyAdmin):
    """The privacy officer sees everybody's API keys (never a secret: only a hash is stored) and can revoke
    them; nothing else can be changed here."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "name", "prefix"]
    fields = ("user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return is_privacy_officer(request)

    @admin.action(description=gettext_lazy("Revoke the selected API keys"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(token=token, by=request.user)  # type: ignore[arg-type]
            revoked += 1
        self.message_user(request, _("%(count)d API keys revoked.") % {"count": revoked}, messages.SUCCESS)
