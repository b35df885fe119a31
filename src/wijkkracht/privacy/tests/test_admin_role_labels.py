"""The logs in management show a role by its label (in Dutch), in the column and in the filter."""

import re

import pytest
from django.utils import timezone, translation

from wijkkracht.accounts import services
from wijkkracht.accounts.models import Role, StaffAuditEntry
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.privacy.models import AccessAction, AccessLogEntry, AccessLogSubject
from wijkkracht.security.testing import login_verified


def label(role: Role) -> str:
    with translation.override("nl"):
        return str(role.label)


def cells(page: str, column: str) -> list[str]:
    return [c.strip() for c in re.findall(rf'<td class="field-{column}[^"]*">([^<]*)</td>', page)]


def filter_links(page: str, parameter: str) -> dict[str, str]:
    """Filter choices as {value in the query string: text shown}."""
    return dict(re.findall(rf'<a href="\?{parameter}=([a-z_]+)"[^>]*>([^<]+)</a>', page))


@pytest.fixture
def privacy_officer(db):
    return UserFactory(username="privacy", privacy_officer=True)


def test_the_access_log_shows_role_labels(world, client, privacy_officer):
    entry = AccessLogEntry.objects.create(
        at=timezone.now(),
        user=world.worker,
        username=world.worker.username,
        role=Role.SOCIAL_WORKER,
        household_id=world.household.pk,
        action=AccessAction.VIEW,
        what="household",
        endpoint="/huishoudens/1/",
        purpose="test",
    )
    AccessLogSubject.objects.create(entry=entry, household_id=entry.household_id, at=entry.at)
    login_verified(client, privacy_officer)
    page = client.get("/beheer/privacy/accesslogentry/").content.decode()
    assert label(Role.SOCIAL_WORKER) in cells(page, "role_display")
    assert Role.SOCIAL_WORKER.value not in cells(page, "role_display")
    links = filter_links(page, "role")
    assert links[Role.SOCIAL_WORKER.value] == label(Role.SOCIAL_WORKER)
    assert set(links) == set(Role.values)
    filtered = client.get("/beheer/privacy/accesslogentry/", {"role": Role.TEAM_COORDINATOR.value})
    assert filtered.status_code == 200 and list(filtered.context["cl"].result_list) == []


def test_the_staff_audit_log_shows_the_role_of_the_changer_as_a_label(world, client, privacy_officer):
    services.staff_account_update(
        actor=world.functional_admin, account=world.worker, changes=services.StaffChanges(first_name="Willem")
    )
    assert StaffAuditEntry.objects.get().actor_role == Role.FUNCTIONAL_ADMIN
    login_verified(client, privacy_officer)
    page = client.get("/beheer/accounts/staffauditentry/").content.decode()
    assert cells(page, "actor_role_display") == [label(Role.FUNCTIONAL_ADMIN)]
    links = filter_links(page, "actor_role")
    assert links[Role.FUNCTIONAL_ADMIN.value] == label(Role.FUNCTIONAL_ADMIN)
