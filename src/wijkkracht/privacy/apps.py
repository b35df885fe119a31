from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "wijkkracht.privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from wijkkracht.privacy import signals  # noqa: F401  (connects the sign-in receivers)
