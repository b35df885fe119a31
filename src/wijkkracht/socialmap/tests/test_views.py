"""The pages of the social map: who may open them, the filters, the import page and the export download."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.security.testing import login_verified
from wijkkracht.socialmap.models import LogAction, PyramidLevel, Service, SocialMapLogEntry
from wijkkracht.socialmap.tests.helpers import database_snapshot, hsds_reference, organization, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample(world):
    brug = organization(name="Stichting De Brug", phone="010 123 45 67")
    schuld = service(
        organization=brug,
        name="Schuldhulp",
        domains=["financien"],
        minimum_age=18,
        eligibility_description="Voor volwassenen",
    )
    service(
        organization=organization(name="CJG"),
        name="Consultatiebureau",
        level=PyramidLevel.COLLECTIVE,
        domains=["opvoeden"],
        maximum_age=4,
    )
    return schuld


def test_a_worker_searches_and_filters(client, world, sample):
    client.force_login(world.worker)
    page = client.get(reverse("socialmap:search"))
    assert page.status_code == 200
    assert "Schuldhulp" in page.text and "Consultatiebureau" in page.text
    filtered = client.get(reverse("socialmap:search"), {"domain": "financien", "age": "30"})
    assert "Schuldhulp" in filtered.text and "Consultatiebureau" not in filtered.text
    assert "Financiën en schulden" in filtered.text  # the domain's label, from the plan policy
    text = client.get(reverse("socialmap:search"), {"q": "brug"})
    assert "Schuldhulp" in text.text and "Consultatiebureau" not in text.text


def test_the_htmx_answer_is_the_result_list_only(client, world, sample):
    client.force_login(world.worker)
    answer = client.get(reverse("socialmap:search"), {"level": "collective"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "<html" not in answer.text and "Consultatiebureau" in answer.text and "Schuldhulp" not in answer.text


@pytest.mark.parametrize(
    "params",
    [
        {"age": "oud"},
        {"age": "200"},
        {"domain": "astrologie"},
        {"level": "derde"},
        {"wijk": "999999"},
        {"q": "x" * 101},
    ],
)
def test_unusable_filters_are_a_400_with_a_message_and_no_results(client, world, sample, params):
    client.force_login(world.worker)
    answer = client.get(reverse("socialmap:search"), params)
    assert answer.status_code == 400
    assert 'role="alert"' in answer.text and "Schuldhulp" not in answer.text


def test_pages_are_paginated(client, world):
    for number in range(30):
        service(name=f"Dienst {number:02d}")
    client.force_login(world.worker)
    first = client.get(reverse("socialmap:search"))
    assert "Dienst 00" in first.text and "Dienst 29" not in first.text
    second = client.get(reverse("socialmap:search"), {"page": "2"})
    assert "Dienst 29" in second.text and "Dienst 00" not in second.text


def test_the_detail_page_shows_contact_area_eligibility_age_level_and_domains(client, world, sample):
    client.force_login(world.worker)
    page = client.get(reverse("socialmap:service_detail", kwargs={"service_id": sample.pk}))
    assert page.status_code == 200
    for text in ("Schuldhulp", "Stichting De Brug", "010 123 45 67", "Voor volwassenen"):
        assert text in page.text
    assert "Financi" in page.text  # the domain's label, not its code
    missing = client.get(reverse("socialmap:service_detail", kwargs={"service_id": 987654}))
    assert missing.status_code == 404


def test_the_detail_page_shows_an_imported_location(client, world):
    admin = UserFactory(functional_admin=True)
    from wijkkracht.socialmap.services import socialmap_import
    from wijkkracht.socialmap.tests.helpers import as_file

    stream, size = as_file(hsds_reference("example_service_full.json"))
    socialmap_import(actor=admin, stream=stream, size=size)
    client.force_login(world.worker)
    page = client.get(reverse("socialmap:service_detail", kwargs={"service_id": Service.objects.get().pk}))
    assert "MyCity Civic Center" in page.text


@pytest.mark.parametrize("who", ["regisseur", "policy_officer", "coordinator"])
def test_other_readers_may_search(client, world, sample, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("socialmap:search")).status_code == 200
    assert client.get(reverse("socialmap:service_detail", kwargs={"service_id": sample.pk})).status_code == 200


def test_the_functional_administrator_may_search(client, world, sample):
    login_verified(client, world.functional_admin)
    assert client.get(reverse("socialmap:search")).status_code == 200


def test_a_partner_and_the_privacy_officer_may_not(client, world, sample):
    for user in (UserFactory(role=Role.PARTNER), UserFactory(privacy_officer=True)):
        login_verified(client, user)
        assert client.get(reverse("socialmap:search")).status_code == 403
        assert client.get(reverse("socialmap:service_detail", kwargs={"service_id": sample.pk})).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, sample):
    answer = client.get(reverse("socialmap:service_detail", kwargs={"service_id": sample.pk}))
    assert answer.status_code == 302 and "/inloggen/" in answer["Location"]


def test_the_administrator_imports_a_file_and_sees_the_counts(client, world):
    login_verified(client, world.functional_admin)
    upload = SimpleUploadedFile(
        "kaart.json", json.dumps(hsds_reference("example_organization_full.json")).encode(), "application/json"
    )
    answer = client.post(reverse("socialmap:import"), {"file": upload})
    assert answer.status_code == 200
    assert answer.context["result"].services.created == 1
    assert Service.objects.get().name == "Community Counselling"


def test_a_bad_upload_lists_the_problems_and_saves_nothing(client, world, sample):
    login_verified(client, world.functional_admin)
    before = database_snapshot()
    bad = [{"id": "3f1c2b3a-0000-4000-8000-000000000001", "name": "Zonder beschrijving"}]
    upload = SimpleUploadedFile("fout.json", json.dumps(bad).encode(), "application/json")
    answer = client.post(reverse("socialmap:import"), {"file": upload})
    assert answer.status_code == 400
    assert "[0].description" in answer.text
    assert database_snapshot() == before
    assert client.post(reverse("socialmap:import"), {}).status_code == 400


def test_the_administrator_downloads_the_export_and_it_is_logged(client, world, sample):
    login_verified(client, world.functional_admin)
    assert client.get(reverse("socialmap:export")).status_code == 405
    answer = client.post(reverse("socialmap:export"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="sociale-kaart-')
    data = json.loads(answer.content)
    assert sorted(item["name"] for item in data) == ["CJG", "Stichting De Brug"]
    assert SocialMapLogEntry.objects.filter(action=LogAction.EXPORT, user=world.functional_admin).count() == 1


def test_import_and_export_are_for_the_functional_administrator_only(client, world, sample):
    for user in (world.worker, world.coordinator, world.policy_officer, UserFactory(role=Role.PARTNER)):
        login_verified(client, user)
        assert client.get(reverse("socialmap:import")).status_code == 403
        upload = SimpleUploadedFile("k.json", json.dumps(hsds_reference("example_service_full.json")).encode())
        assert client.post(reverse("socialmap:import"), {"file": upload}).status_code == 403
        assert client.post(reverse("socialmap:export")).status_code == 403
    assert Service.objects.count() == 2
    assert not SocialMapLogEntry.objects.exists()
