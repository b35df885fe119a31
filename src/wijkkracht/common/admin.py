from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from wijkkracht.accounts.models import Role


def is_functional_admin(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and (user.is_superuser or user.role == Role.FUNCTIONAL_ADMIN))


class ConfigurationAdmin(admin.ModelAdmin):
    """Configuration is managed by the functional administrator; case content is not in admin at all."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)


class ConfigurationInline(admin.TabularInline):
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_functional_admin(request)
