from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkkracht.outcomes.policy import Indicator

register = template.Library()


def hidden() -> SafeString:
    return format_html('<span class="hidden-cell">{}</span>', _("hidden"))


@register.filter
def figure(value: float | int | None, indicator: Indicator | None = None) -> SafeString | str:
    """A value as the indicator reads it (a share in per cent, a mean with one decimal, a count whole);
    "hidden" where the small-number rules hide it."""
    if value is None:
        return hidden()
    if indicator is None or indicator.kind == "count":
        return number_format(round(value), force_grouping=True)
    if indicator.kind == "proportion":
        return f"{number_format(value * 100, 1)} %"
    return number_format(value, 1)


@register.filter
def count(value: int | None) -> SafeString | str:
    if value is None:
        return hidden()
    return number_format(value, force_grouping=True)
