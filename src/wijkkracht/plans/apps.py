from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "wijkkracht.plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from wijkkracht.households.figures import register_figure
        from wijkkracht.plans import checks  # noqa: F401  (registers the policy-data check)
        from wijkkracht.plans.figures import evaluation_figure

        register_figure(evaluation_figure)
