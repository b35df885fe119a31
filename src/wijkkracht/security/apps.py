from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "wijkkracht.security"
    verbose_name = _("Sign-in security")

    def ready(self) -> None:
        from wijkkracht.security import schema, signals  # noqa: F401  (receivers and the OpenAPI scheme)
