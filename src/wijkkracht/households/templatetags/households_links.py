"""Template tags for parts of the case-file page that households provides (see `households/_links.html`)."""

from django import template

from wijkkracht.households import selectors
from wijkkracht.households.models import Household, SharedCustodyLink

register = template.Library()


@register.simple_tag
def custody_links(household: Household) -> list[SharedCustodyLink]:
    """The household's shared-custody links; the page including this has checked access and logged it."""
    return selectors.shared_custody_links(household)
