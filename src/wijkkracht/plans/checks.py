from typing import Any

from django.core.checks import Error, register

from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.plans.catalogue import plan_catalogue


@register()
def plan_policy_data(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A broken methods or rules file stops start-up with the file, the place and the reason."""
    try:
        plan_catalogue()
    except DefinitionError as error:
        return [Error(f"{error.source}: {problem}", id="wijkkracht.E001") for problem in error.problems]
    return []
