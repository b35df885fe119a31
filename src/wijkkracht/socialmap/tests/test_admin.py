"""The functional administrator maintains the social map in /beheer/: services with life domains from the
plan policy and an ordered age range, organisations, and partner accounts (only for the partner role)."""

import pytest
from django.urls import reverse

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.security.testing import login_verified
from wijkkracht.socialmap.models import Organization, PartnerAccount, Service
from wijkkracht.socialmap.services import partner_account_link
from wijkkracht.socialmap.tests.helpers import organization, service
from wijkkracht.teams.tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):
    login_verified(client, world.functional_admin)
    return client


def service_form(organisation, **changes):
    data = {
        "organization": organisation.pk,
        "name": "Schuldhulp",
        "alternate_name": "",
        "description": "Hulp bij schulden",
        "status": "active",
        "level": "first_line",
        "domains": ["financien", "wonen"],
        "minimum_age": "18",
        "maximum_age": "",
        "eligibility_description": "",
        "application_process": "",
        "fees_description": "",
        "phone": "",
        "email": "",
        "url": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_service_with_domains_and_districts(admin_client):
    organisation = organization()
    wijk = WijkFactory()
    answer = admin_client.post(reverse("admin:socialmap_service_add"), service_form(organisation, wijken=[wijk.pk]))
    assert answer.status_code == 302, answer.context["adminform"].form.errors if answer.context else answer
    created = Service.objects.get()
    assert created.domains == ["financien", "wonen"]
    assert list(created.wijken.all()) == [wijk]
    assert len(created.hsds_id) == 36  # a UUID, so the export is valid HSDS
    assert created.domain_index == "|financien|wonen|"


def test_an_unknown_domain_is_refused(admin_client):
    organisation = organization()
    answer = admin_client.post(
        reverse("admin:socialmap_service_add"), service_form(organisation, domains=["astrologie"])
    )
    assert answer.status_code == 200
    assert "domains" in answer.context["adminform"].form.errors
    assert not Service.objects.exists()


def test_an_age_range_upside_down_is_refused(admin_client):
    organisation = organization()
    answer = admin_client.post(
        reverse("admin:socialmap_service_add"), service_form(organisation, minimum_age="65", maximum_age="18")
    )
    assert answer.status_code == 200
    assert "maximum_age" in answer.context["adminform"].form.errors
    assert not Service.objects.exists()


def test_changing_a_service_keeps_its_hsds_id(admin_client):
    existing = service(domains=["werk"])
    hsds_id = existing.hsds_id
    answer = admin_client.post(
        reverse("admin:socialmap_service_change", args=[existing.pk]),
        service_form(existing.organization, name="Werkfit", domains=["werk", "opleiding"]),
    )
    assert answer.status_code == 302
    existing.refresh_from_db()
    assert (existing.name, existing.domains, existing.hsds_id) == ("Werkfit", ["werk", "opleiding"], hsds_id)


def test_adding_an_organisation_gives_it_a_uuid(admin_client):
    answer = admin_client.post(
        reverse("admin:socialmap_organization_add"),
        {
            "name": "Voedselbank",
            "alternate_name": "",
            "description": "Pakketten",
            "phone": "",
            "email": "",
            "website": "",
        },
    )
    assert answer.status_code == 302
    assert len(Organization.objects.get().hsds_id) == 36


def test_a_partner_account_links_only_a_partner(admin_client, world):
    organisation = organization()
    partner = UserFactory(role=Role.PARTNER)
    answer = admin_client.post(
        reverse("admin:socialmap_partneraccount_add"), {"user": world.worker.pk, "organization": organisation.pk}
    )
    assert answer.status_code == 200
    assert "user" in answer.context["adminform"].form.errors
    assert not PartnerAccount.objects.exists()
    answer = admin_client.post(
        reverse("admin:socialmap_partneraccount_add"), {"user": partner.pk, "organization": organisation.pk}
    )
    assert answer.status_code == 302
    assert PartnerAccount.objects.get().user == partner


def test_the_link_service_refuses_a_non_partner_too(world):
    from django.core.exceptions import ValidationError

    organisation = organization()
    with pytest.raises(ValidationError):
        partner_account_link(user=world.worker, organization=organisation)
    assert not PartnerAccount.objects.exists()
    partner = UserFactory(role=Role.PARTNER)
    assert partner_account_link(user=partner, organization=organisation).organization == organisation


def test_other_roles_do_not_maintain_the_social_map(client, world):
    existing = service()
    for user in (world.policy_officer, UserFactory(privacy_officer=True)):
        login_verified(client, user)
        assert client.get(reverse("admin:socialmap_service_change", args=[existing.pk])).status_code in (302, 403)
        assert client.get(reverse("admin:socialmap_service_changelist")).status_code in (302, 403)
