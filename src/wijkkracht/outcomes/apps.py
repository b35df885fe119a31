from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "wijkkracht.outcomes"
    verbose_name = _("Outcomes and benchmark")

    def ready(self) -> None:
        from django.db.models.signals import pre_delete

        from wijkkracht.households.figures import register_after_refresh
        from wijkkracht.households.models import Household
        from wijkkracht.outcomes import checks  # noqa: F401  (registers the policy-file check)
        from wijkkracht.outcomes.maintenance import household_deleted, outcomes_refresh

        register_after_refresh(outcomes_refresh)
        pre_delete.connect(household_deleted, sender=Household, dispatch_uid="outcomes_household_deleted")
