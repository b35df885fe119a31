"""How the measures pages write amounts and names: "€ 1.250,00" with a non-breaking space after the sign (it
never splits over two lines), what remains of a budget without a minus sign ("€ 47,50 tekort"), and a kind's
name in the middle of a sentence ("besluit over opschorten sollicitatieplicht")."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from wijkkracht.mandate import charts

register = template.Library()


@register.filter
def euro(amount: Decimal | int | None) -> str:
    """ "€ 1.250,00": two decimals, Dutch grouping, a non-breaking space after the sign."""
    if amount is None or amount == "":
        return ""
    return charts.euro(amount)


@register.filter
def remaining(amount: Decimal | int | None) -> str:
    """What remains of a budget: "€ 400,00", or below zero what is short: "€ 47,50 tekort" (never "€ -47,50")."""
    if amount is None or amount == "":
        return ""
    if amount < 0:
        return _("%(amount)s short") % {"amount": euro(-amount)}
    return euro(amount)


@register.filter
def shortfall(amount: Decimal | int | None) -> str:
    """How far a budget is exceeded, for "het budget is € 47,50 overschreden": the amount below zero as a
    positive amount."""
    if amount is None or amount == "":
        return ""
    return euro(-amount if amount < 0 else amount)


def percent(value: Decimal) -> str:
    return f"{floatformat(value, -2)}%"


@register.filter
def lower_first(name: str) -> str:
    """A name in the middle of a sentence: its first letter small, unless it is an abbreviation ("WMO")."""
    name = str(name)
    if not name or (len(name) > 1 and name[1].isupper()):
        return name
    return name[0].lower() + name[1:]
