from axes import admin as axes_admin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop, ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.common.admin import (
    DutchAdminMixin,
    PrivacyOfficerReadOnlyAdmin,
    is_functional_admin,
    is_privacy_officer,
)
from wijkkracht.security import services
from wijkkracht.security.models import ApiToken

# django-otp's own admin pages show a device's secret (its QR code) to whoever may change devices: nobody
# may read or set somebody else's second factor, so they are not in the management site.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


# django-axes ships no Dutch translation. Its texts that the management site shows are listed here so that
# makemessages keeps them in our catalogue, which Django prefers over an app's own (LOCALE_PATHS come first).
AXES_MESSAGES = (
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Yes"),
    gettext_noop("No"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("access attempt expiration"),
)
apps.get_app_config("axes").verbose_name = gettext_lazy("Sign-in attempts")
# axes' model names clash with ours ("access log" is the privacy officer's log of case-data access); these
# are names for display only (migrations read the declared options, not these).
AccessAttempt._meta.verbose_name = gettext_lazy("lockout counter")
AccessAttempt._meta.verbose_name_plural = gettext_lazy("lockout counters")
AccessLog._meta.verbose_name = gettext_lazy("sign-in")
AccessLog._meta.verbose_name_plural = gettext_lazy("sign-ins")
AccessFailureLog._meta.verbose_name = gettext_lazy("failed sign-in")
AccessFailureLog._meta.verbose_name_plural = gettext_lazy("failed sign-ins")


# axes' own descriptions of a record are English and not translatable; the management pages show these.
def _access_attempt_str(self: AccessAttempt) -> str:
    return gettext("Sign-in attempts of %(username)s since %(time)s") % {
        "username": self.username,
        "time": date_format(self.attempt_time, "j F Y H:i"),
    }


def _access_log_str(self: AccessLog) -> str:
    return gettext("Sign-in of %(username)s on %(time)s") % {
        "username": self.username,
        "time": date_format(self.attempt_time, "j F Y H:i"),
    }


def _access_failure_log_str(self: AccessFailureLog) -> str:
    return gettext("Failed sign-in of %(username)s on %(time)s") % {
        "username": self.username,
        "time": date_format(self.attempt_time, "j F Y H:i"),
    }


AccessAttempt.__str__ = _access_attempt_str
AccessLog.__str__ = _access_log_str
AccessFailureLog.__str__ = _access_failure_log_str


class _ByRole(DutchAdminMixin):
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
    actions: list[str] = []  # not axes' clean-up (English message; expired attempts go on every sign-in anyway)

    @admin.display(description=gettext_lazy("Expires"))
    def expiration(self, obj: AccessAttempt) -> object:
        return obj.expiration.expires_at if hasattr(obj, "expiration") else gettext("not set")

    @admin.display(description=gettext_lazy("Status"))
    def status(self, obj: AccessAttempt) -> str:
        left = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        if left <= 0:
            return gettext("Locked Out")
        return ngettext("%(count)d attempt left", "%(count)d attempts left", left) % {"count": left}


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
        self.message_user(
            request,
            ngettext("%(count)d API key revoked.", "%(count)d API keys revoked.", revoked) % {"count": revoked},
            messages.SUCCESS,
        )
