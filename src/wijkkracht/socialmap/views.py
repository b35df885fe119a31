"""Pages of the social map: search and a service's details for staff who work with cases (and policy officers
and the functional administrator); import and export for the functional administrator."""

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap import hsds, selectors, services
from wijkkracht.socialmap.hsds import ImportRefused
from wijkkracht.socialmap.selectors import ServiceFilters
from wijkkracht.teams.models import Wijk

PAGE_SIZE = 25


def _require_reader(request: HttpRequest) -> None:
    if not selectors.may_use_socialmap(request.user):  # type: ignore[arg-type]
        raise PermissionDenied(_("Your role does not give access to the social map."))


def _require_maintainer(request: HttpRequest) -> None:
    if not services.may_maintain_socialmap(request.user):
        raise PermissionDenied(_("Only a functional administrator maintains the social map."))


def parse_filters(params: Any) -> tuple[ServiceFilters, list[str]]:
    """The filters from a query string, and a message for every value that cannot be used."""
    errors: list[str] = []
    text = params.get("q", "").strip()
    if len(text) > selectors.SEARCH_MAX_LENGTH:
        errors.append(_("Search with at most %(max)d characters.") % {"max": selectors.SEARCH_MAX_LENGTH})
        text = ""
    domain = params.get("domain", "")
    if domain and plan_catalogue().domain(domain) is None:
        errors.append(_("Unknown life domain: choose one from the list."))
        domain = ""
    level = params.get("level", "")
    if level and level not in dict(selectors.level_choices()):
        errors.append(_("Unknown level: choose one from the list."))
        level = ""
    wijk_id: int | None = None
    raw_wijk = params.get("wijk", "")
    if raw_wijk:
        if raw_wijk.isdigit() and len(raw_wijk) <= 18 and Wijk.objects.filter(pk=int(raw_wijk)).exists():
            wijk_id = int(raw_wijk)
        else:
            errors.append(_("Unknown district: choose one from the list."))
    age: int | None = None
    raw_age = params.get("age", "").strip()
    if raw_age:
        if raw_age.isdigit() and int(raw_age) <= selectors.MAX_AGE:
            age = int(raw_age)
        else:
            errors.append(_("Give an age in whole years from 0 to %(max)d.") % {"max": selectors.MAX_AGE})
    return (
        ServiceFilters(
            text=text, domain=domain, level=level, wijk_id=wijk_id, age=age, include_inactive=params.get("all") == "1"
        ),
        errors,
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    filters, errors = parse_filters(request.GET)
    page = None
    if not errors:
        found = selectors.service_search(
            text=filters.text,
            domain=filters.domain,
            level=filters.level,
            wijk_id=filters.wijk_id,
            age=filters.age,
            include_inactive=filters.include_inactive,
        ).prefetch_related("wijken")
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page", 1))
    query = request.GET.copy()
    query.pop("page", None)
    domains = plan_catalogue().domain_choices
    labels = dict(domains)
    for service in page.object_list if page is not None else []:
        service.domain_labels = [labels.get(code, code) for code in service.domains]  # type: ignore[union-attr]
    context = {
        "page": page,
        "errors": errors,
        "filters": filters,
        "search_value": request.GET.get("q", "")[: selectors.SEARCH_MAX_LENGTH],
        "age_value": request.GET.get("age", "")[:3],
        "search_max_length": selectors.SEARCH_MAX_LENGTH,
        "domains": domains,
        "levels": selectors.level_choices(),
        "wijken": Wijk.objects.all(),
        "query": query.urlencode(),
        "may_maintain": services.may_maintain_socialmap(request.user),
    }
    htmx = request.htmx  # type: ignore[attr-defined]
    template = "socialmap/_results.html" if htmx else "socialmap/search.html"
    return render(request, template, context, status=400 if errors and not htmx else 200)


@login_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    _require_reader(request)
    service = selectors.service_get(service_id=service_id)
    labels = dict(plan_catalogue().domain_choices)
    return render(
        request,
        "socialmap/service_detail.html",
        {
            "service": service,
            "domains": [labels.get(code, code) for code in service.domains],
            "wijken": list(service.wijken.all()),
            "locations": _locations(service.hsds_extra),
            "may_maintain": services.may_maintain_socialmap(request.user),
        },
    )


def _locations(extra: dict[str, Any]) -> list[dict[str, str]]:
    """Name and address of the locations an HSDS file gave (kept in hsds_extra), for reading."""
    found = []
    for item in extra.get("service_at_locations", []) if isinstance(extra, dict) else []:
        location = item.get("location") if isinstance(item, dict) else None
        if not isinstance(location, dict):
            continue
        addresses = [address for address in location.get("addresses", []) if isinstance(address, dict)]
        address = addresses[0] if addresses else {}
        lines = [address.get(key, "") for key in ("address_1", "postal_code", "city")]
        found.append(
            {
                "name": str(location.get("name", "")),
                "address": ", ".join(str(line) for line in lines if line),
                "description": str(item.get("description", "")),
            }
        )
    return found


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Upload an HSDS file; the answer lists what was created, changed, unchanged and skipped, or every
    problem of a refused file (nothing saved)."""
    _require_maintainer(request)
    context: dict[str, Any] = {"max_megabytes": hsds.max_import_bytes() // (1024 * 1024)}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["problems"] = [_("Choose a file to import.")]
            status = 400
        else:
            try:
                context["result"] = services.socialmap_import(
                    actor=request.user,  # type: ignore[arg-type]
                    stream=upload,
                    size=upload.size,
                    file_name=upload.name or "",
                )
                context["file_name"] = upload.name
            except ImportRefused as refusal:
                context["problems"] = [str(problem) for problem in refusal.problems]
                context["file_name"] = upload.name
                status = 400
            except ValidationError as error:
                context["problems"] = error.messages
                status = 400
    return render(request, "socialmap/import.html", context, status=status)


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The whole social map as an HSDS 3.0 JSON download (a POST: every export is logged)."""
    _require_maintainer(request)
    file_name = f"sociale-kaart-{timezone.localdate().isoformat()}.json"
    data = services.socialmap_export(actor=request.user, file_name=file_name)  # type: ignore[arg-type]
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
