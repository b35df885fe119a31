from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HouseholdsConfig(AppConfig):
    name = "wijkkracht.households"
    verbose_name = _("Households")

    def ready(self) -> None:
        from wijkkracht.households import receivers  # noqa: F401  (connects the signal receivers)
