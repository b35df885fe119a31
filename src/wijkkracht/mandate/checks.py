from typing import Any

from django.core.checks import Error, register

from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.mandate.policy import load_file_policy


@register()
def mandate_policy_data(app_configs: Any, **kwargs: Any) -> list[Error]:
    """A broken mandate policy file (shipped or `MANDATE_POLICY_FILE`) stops start-up with the place and the
    reason. An upload is checked when it is saved (`admin.MandateFileForm`)."""
    try:
        load_file_policy()
    except DefinitionError as error:
        return [Error(f"{error.source}: {problem}", id="wijkkracht.E003") for problem in error.problems]
    return []
