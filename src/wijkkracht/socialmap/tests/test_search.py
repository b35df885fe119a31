"""The search of the social map: every filter, together, and the demo social map it is shown with."""

import pytest

from wijkkracht.demo.builder import SOCIALMAP_FILE, WIJKEN
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.socialmap.models import Organization, PyramidLevel, Service, ServiceStatus
from wijkkracht.socialmap.selectors import service_search
from wijkkracht.socialmap.services import socialmap_import_file
from wijkkracht.socialmap.tests.helpers import organization, service
from wijkkracht.teams.models import Wijk
from wijkkracht.teams.tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


def names(queryset) -> list[str]:
    return sorted(queryset.values_list("name", flat=True))


def test_text_searches_name_description_and_organisation_case_insensitively():
    tactus = organization(name="Verslavingszorg Noord", description="Hulp bij alcohol")
    service(name="Schuldhulp", description="Hulp bij SCHULDEN en aanmaningen")
    service(organization=tactus, name="Ambulante behandeling", description="Gesprekken")
    service(name="Taalcafé Élan", description="Nederlands oefenen")
    assert names(service_search(text="schulden")) == ["Schuldhulp"]
    assert names(service_search(text="NOORD")) == ["Ambulante behandeling"]
    assert names(service_search(text="élan")) == ["Taalcafé Élan"]
    assert names(service_search(text="hulp aanmaningen")) == ["Schuldhulp"]  # every word
    assert names(service_search(text="gokken")) == []


def test_domain_level_district_and_age_filters():
    wijk, other = WijkFactory(), WijkFactory()
    service(name="Buurthuis", level=PyramidLevel.COLLECTIVE, domains=["sociaal-netwerk"], wijken=[wijk])
    service(name="Overal", level=PyramidLevel.FIRST_LINE, domains=["werk", "sociaal-netwerk"])
    service(
        name="Jeugd",
        level=PyramidLevel.SECOND_LINE,
        domains=["opvoeden"],
        minimum_age=0,
        maximum_age=17,
        wijken=[other],
    )
    service(name="Ouderen", level=PyramidLevel.FIRST_LINE, domains=["gezondheid"], minimum_age=55)
    assert names(service_search(domain="sociaal-netwerk")) == ["Buurthuis", "Overal"]
    assert names(service_search(domain="sociaal")) == []  # a code, not a part of one
    assert names(service_search(level=PyramidLevel.FIRST_LINE)) == ["Ouderen", "Overal"]
    # a service without districts serves the whole municipality
    assert names(service_search(wijk_id=wijk.pk)) == ["Buurthuis", "Ouderen", "Overal"]
    assert names(service_search(wijk_id=other.pk)) == ["Jeugd", "Ouderen", "Overal"]
    assert names(service_search(age=17)) == ["Buurthuis", "Jeugd", "Overal"]
    assert names(service_search(age=55)) == ["Buurthuis", "Ouderen", "Overal"]
    assert names(service_search(age=18, wijk_id=other.pk, domain="gezondheid")) == []
    assert names(service_search(age=60, wijk_id=other.pk, domain="gezondheid")) == ["Ouderen"]


def test_inactive_and_defunct_services_only_when_asked():
    service(name="Actief")
    service(name="Dicht", status=ServiceStatus.TEMPORARILY_CLOSED)
    service(name="Gestopt", status=ServiceStatus.DEFUNCT)
    service(name="Inactief", status=ServiceStatus.INACTIVE)
    assert names(service_search()) == ["Actief", "Dicht"]
    assert names(service_search(include_inactive=True)) == ["Actief", "Dicht", "Gestopt", "Inactief"]


def test_search_columns_follow_changes():
    found = service(name="Oud", domains=["werk"])
    found.name, found.domains = "Nieuw", ["wonen"]
    found.save(update_fields=["name", "domains"])
    assert names(service_search(text="nieuw", domain="wonen")) == ["Nieuw"]
    assert names(service_search(text="oud")) == []


def test_the_demo_social_map_imports_with_every_domain_level_and_district():
    for demo_wijk in WIJKEN:
        Wijk.objects.create(code=demo_wijk.code, name=demo_wijk.name)
    result = socialmap_import_file(path=SOCIALMAP_FILE, operator="test")
    assert result.services.created >= 40
    assert Organization.objects.count() >= 15
    assert {code for codes in Service.objects.values_list("domains", flat=True) for code in codes} == {
        domain.code for domain in plan_catalogue().domains
    }
    assert set(Service.objects.values_list("level", flat=True)) == set(PyramidLevel.values)
    assert set(Service.wijken.through.objects.values_list("wijk__code", flat=True)) == {w.code for w in WIJKEN}
    assert names(service_search(text="schuldhulp"))
    again = socialmap_import_file(path=SOCIALMAP_FILE, operator="test")
    assert again.services.unchanged == result.services.created and again.services.updated == 0
