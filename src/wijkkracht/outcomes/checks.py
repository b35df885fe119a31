from typing import Any

from django.core.checks import Error, register

from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.outcomes.policy import load_policy


@register()
def outcome_policy_data(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A broken outcomes policy file stops start-up with the file, the place and the reason."""
    try:
        load_policy()
    except DefinitionError as error:
        return [Error(f"{error.source}: {problem}", id="wijkkracht.E002") for problem in error.problems]
    return []
