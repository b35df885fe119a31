"""/api/v1/organizations/ and /api/v1/services/: HSDS 3.0 shape, the page's filters, and who may read them."""

import pytest
from jsonschema import Draft202012Validator

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.socialmap.models import PyramidLevel
from wijkkracht.socialmap.tests.helpers import hsds_reference, organization, service
from wijkkracht.teams.tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(world):
    wijk = WijkFactory()
    brug = organization(name="Stichting De Brug")
    schuld = service(organization=brug, name="Schuldhulp", domains=["financien"], minimum_age=18, wijken=[wijk])
    service(
        organization=organization(name="CJG"),
        name="Consultatiebureau",
        level=PyramidLevel.COLLECTIVE,
        domains=["opvoeden"],
        maximum_age=4,
    )
    return schuld, wijk


def test_services_in_hsds_shape_with_their_organisation(api, world, sample):
    schuld, wijk = sample
    api.force_authenticate(world.worker)
    body = api.get("/api/v1/services/").json()
    assert body["count"] == 2
    first = body["results"][1]
    assert first["record_id"] == schuld.pk
    assert first["id"] == schuld.hsds_id and first["status"] == "active"
    assert first["organization"]["name"] == "Stichting De Brug"
    assert {a["taxonomy_term"]["code"] for a in first["attributes"]} == {"first_line", "financien"}
    assert first["service_areas"][0]["uri"] == f"urn:wijkkracht:wijk:{wijk.code}"
    detail = api.get(f"/api/v1/services/{schuld.pk}/").json()
    assert detail == first


def test_a_service_validates_against_the_hsds_schema(api, world, sample):
    schema = hsds_reference("service.json")
    api.force_authenticate(world.worker)
    detail = api.get(f"/api/v1/services/{sample[0].pk}/").json()
    detail.pop("record_id"), detail["organization"].pop("record_id")
    assert list(Draft202012Validator(schema).iter_errors(detail)) == []


def test_service_filters_are_those_of_the_page(api, world, sample):
    _schuld, wijk = sample
    api.force_authenticate(world.worker)

    def found(**params):
        return [item["name"] for item in api.get("/api/v1/services/", params).json()["results"]]

    assert found(domain="financien") == ["Schuldhulp"]
    assert found(level="collective") == ["Consultatiebureau"]
    assert found(age=3) == ["Consultatiebureau"]
    assert found(text="BRUG") == ["Schuldhulp"]
    assert found(district=wijk.pk) == ["Consultatiebureau", "Schuldhulp"]  # no districts: the whole municipality
    assert found(district=WijkFactory().pk) == ["Consultatiebureau"]


@pytest.mark.parametrize(
    "params",
    [{"domain": "astrologie"}, {"level": "derde"}, {"age": "-1"}, {"age": "oud"}, {"district": "0"}, {"wijk": "1"}],
)
def test_bad_filters_are_a_400(api, world, sample, params):
    api.force_authenticate(world.worker)
    answer = api.get("/api/v1/services/", params)
    assert answer.status_code == 400
    assert set(answer.json()) == set(params)


def test_organisations_with_their_services(api, world, sample):
    api.force_authenticate(world.worker)
    body = api.get("/api/v1/organizations/").json()
    assert [item["name"] for item in body["results"]] == ["CJG", "Stichting De Brug"]
    brug = body["results"][1]
    assert [s["name"] for s in brug["services"]] == ["Schuldhulp"]
    assert api.get(f"/api/v1/organizations/{brug['record_id']}/").json() == brug
    assert api.get("/api/v1/organizations/987654/").status_code == 404


@pytest.mark.parametrize("who", ["coordinator", "regisseur", "policy_officer", "functional_admin"])
def test_readers(api, world, sample, who):
    api.force_authenticate(getattr(world, who))
    assert api.get("/api/v1/services/").status_code == 200
    assert api.get("/api/v1/organizations/").status_code == 200


def test_a_partner_and_the_privacy_officer_get_nothing(api, world, sample):
    for user in (UserFactory(role=Role.PARTNER), UserFactory(privacy_officer=True)):
        api.force_authenticate(user)
        for path in ("/api/v1/services/", f"/api/v1/services/{sample[0].pk}/", "/api/v1/organizations/"):
            answer = api.get(path)
            assert answer.status_code == 403
            assert "Schuldhulp" not in answer.text


def test_anonymous_gets_401(api, sample):
    assert api.get("/api/v1/services/").status_code == 401
    assert api.get(f"/api/v1/services/{sample[0].pk}/").status_code == 401
