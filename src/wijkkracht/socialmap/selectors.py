"""Reads of the social map. It holds no personal data, so nothing here writes the access log; who may read it
is decided by `may_use_socialmap` (pages and API alike)."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import CASE_ROLES, Role, User
from wijkkracht.socialmap.models import Organization, PyramidLevel, Service, ServiceStatus

#: The longest text a search takes (a name or a phrase, not a document).
SEARCH_MAX_LENGTH = 100
MAX_AGE = 150
#: Statuses a search shows unless asked for all: a temporarily closed service is shown with its status.
DEFAULT_STATUSES = (ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED)
#: Besides the case roles: the functional administrator maintains the map, policy officers see which
#: provisions exist (no personal data). Partners and the privacy officer have no use for it.
OTHER_READERS = frozenset({Role.FUNCTIONAL_ADMIN, Role.POLICY_OFFICER})


def may_use_socialmap(user: User | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.role in CASE_ROLES or user.role in OTHER_READERS)
    )


@dataclass(frozen=True)
class ServiceFilters:
    text: str = ""
    domain: str = ""
    level: str = ""
    wijk_id: int | None = None
    age: int | None = None
    include_inactive: bool = False


def service_search(
    *,
    text: str = "",
    domain: str = "",
    level: str = "",
    wijk_id: int | None = None,
    age: int | None = None,
    include_inactive: bool = False,
) -> QuerySet[Service]:
    """Services matching every filter given, by name:

    - ``text``: every word occurs in the service's name, alternate name or description, or in its
      organisation's (case-insensitive, the same on SQLite and PostgreSQL: lower-cased columns);
    - ``domain``: helps with this life domain (code of the plan policy);
    - ``level``: this pyramid level;
    - ``wijk_id``: serves this district (a service without districts serves the whole municipality);
    - ``age``: a person of this age may use it;
    - active and temporarily closed services only, unless ``include_inactive``.
    """
    services = Service.objects.select_related("organization")
    if not include_inactive:
        services = services.filter(status__in=DEFAULT_STATUSES)
    for word in text.lower().split():
        services = services.filter(Q(search_text__contains=word) | Q(organization__search_text__contains=word))
    if domain:
        services = services.filter(domain_index__contains=f"|{domain}|")
    if level:
        services = services.filter(level=level)
    if wijk_id is not None:
        areas = Service.wijken.through.objects.filter(service_id=OuterRef("pk"))
        services = services.filter(Exists(areas.filter(wijk_id=wijk_id)) | ~Exists(areas))
    if age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)).filter(
            Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
        )
    return services.order_by("name", "id")


def service_get(*, service_id: int) -> Service:
    """One service with its organisation and districts, whatever its status; 404 when there is none."""
    service = Service.objects.select_related("organization").prefetch_related("wijken").filter(pk=service_id).first()
    if service is None:
        raise Http404(_("There is no such service on the social map."))
    return service


def organization_list() -> QuerySet[Organization]:
    return Organization.objects.order_by("name", "id")


def organization_get(*, organization_id: int) -> Organization:
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Http404(_("There is no such organisation on the social map."))
    return organization


def level_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in PyramidLevel.choices]
