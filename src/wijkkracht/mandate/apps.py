from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandateConfig(AppConfig):
    name = "wijkkracht.mandate"
    verbose_name = _("Mandate, measures, budget and escalation")

    def ready(self) -> None:
        from wijkkracht.mandate import checks  # noqa: F401  (registers the policy-file check)
