import datetime
import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from wijkkracht.casefile.caseload import household_is_overdue, overdue_reasons
from wijkkracht.households.models import Household

register = template.Library()


@register.simple_tag
def days_since(day: datetime.date | None, today: datetime.date) -> int | None:
    return None if day is None else (today - day).days


@register.simple_tag
def is_overdue(household: Household, today: datetime.date, contact_norm_days: int) -> bool:
    return household_is_overdue(household, today, contact_norm_days)


@register.simple_tag
def overdue_reasons_of(household: Household, today: datetime.date, contact_norm_days: int) -> list[str]:
    """Why the household is overdue (empty when on track), for the caseload's signal column."""
    return overdue_reasons(household, today, contact_norm_days)


_ID_PLACEHOLDER = 987654321


@functools.lru_cache(maxsize=16)
def _household_url_parts(urlconf: str | None, script_prefix: str) -> tuple[str, str]:
    url = reverse("casefile:household", args=[_ID_PLACEHOLDER], urlconf=urlconf)
    prefix, _placeholder, suffix = url.rpartition(str(_ID_PLACEHOLDER))
    return prefix, suffix


@register.simple_tag
def household_url(household_id: int) -> str:
    """`{% url 'casefile:household' household_id %}` for every row of a list: the pattern is reversed once
    per process (and URL configuration), each row only fills in its id."""
    prefix, suffix = _household_url_parts(get_urlconf(), get_script_prefix())
    return f"{prefix}{int(household_id)}{suffix}"


@register.simple_tag(takes_context=True)
def sort_header(context: template.Context, key: str, label: str, css_class: str = "") -> SafeString:
    """A column header that sorts by `key`, toggles direction, and tells screen readers the order."""
    current = context["filters"].sort
    base = key.lstrip("-")
    if current.lstrip("-") == base:
        ascending = not current.startswith("-")
        aria_sort = "ascending" if ascending else "descending"
        next_key = f"-{base}" if ascending else base
    else:
        aria_sort = "none"
        next_key = key
    query = context.get("sort_query", "")
    href = f"?{query}&sort={next_key}" if query else f"?sort={next_key}"
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="{}" hx-get="{}" hx-target="#caseload" hx-push-url="true">'
        '{}<span class="visually-hidden"> ({})</span></a></th>',
        css_class,
        aria_sort,
        href,
        href,
        label,
        _("sort"),
    )
