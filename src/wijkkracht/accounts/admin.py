from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import Expertise, User
from wijkkracht.common.admin import ConfigurationAdmin, is_functional_admin


@admin.register(Expertise)
class ExpertiseAdmin(ConfigurationAdmin):
    list_display = ["name", "code"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ConfigurationAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "teams"]
    filter_horizontal = ["expertises"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("first_name", "last_name", "email")}),
        (_("Work"), {"fields": ("role", "expertises", "is_active", "is_staff")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "password1", "password2", "role", "first_name", "last_name")},
        ),
    )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_functional_admin(request)
