"""Issue 7.1, found in testing: accounts without an address stay editable, a failed password e-mail keeps
the form and saves nothing, no look-alike usernames or shared addresses, Dutch plurals, role labels."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.messages import get_messages
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import gettext, ngettext

from wijkkracht.accounts import services
from wijkkracht.accounts.models import Role, StaffAuditAction, StaffAuditEntry, User
from wijkkracht.accounts.tests.factories import PASSWORD, UserFactory
from wijkkracht.accounts.tests.test_staff_admin import USERS, add_account
from wijkkracht.households.tests.factories import ContactFactory
from wijkkracht.security.testing import login_verified

REFUSING = "wijkkracht.accounts.tests.mail_backends.RefusingBackend"


def mail_failed() -> str:
    with translation.override("nl"):
        return gettext(
            "The e-mail with the link could not be sent; nothing was saved. Please try again later or ask "
            "the system administrator to check the e-mail settings."
        )


def change_data(user: User, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "role": user.role,
        "is_active": "on",
    } | extra


# --- 1. accounts made before addresses were asked stay editable --------------------------------------------


def test_an_account_without_an_address_gets_another_role(world, client):
    old = UserFactory(username="oud", email="")  # like every demo user: a password, no address
    assert old.has_usable_password()
    login_verified(client, world.functional_admin)
    page = client.get(f"{USERS}{old.pk}/change/")
    assert page.context["adminform"].form.fields["email"].disabled
    response = client.post(f"{USERS}{old.pk}/change/", change_data(old, role=Role.TEAM_COORDINATOR))
    assert response.status_code == 302, response.context["adminform"].form.errors
    old = User.objects.get(pk=old.pk)
    assert old.role == Role.TEAM_COORDINATOR and old.email == ""
    assert StaffAuditEntry.objects.get(subject_id=old.pk).after == {"role": Role.TEAM_COORDINATOR}


def test_the_address_of_someone_who_chose_a_password_is_shown_not_changed(world, client):
    worker = UserFactory(username="sanne", email="sanne@example.org")
    login_verified(client, world.functional_admin)
    page = client.get(f"{USERS}{worker.pk}/change/").content.decode()
    assert "sanne@example.org" in page
    response = client.post(
        f"{USERS}{worker.pk}/change/", change_data(worker, email="beheer@example.org", role=Role.TEAM_COORDINATOR)
    )
    assert response.status_code == 302
    worker = User.objects.get(pk=worker.pk)
    assert worker.email == "sanne@example.org" and worker.role == Role.TEAM_COORDINATOR
    with pytest.raises(services.ValidationError):
        services.staff_account_update(
            actor=world.functional_admin, account=worker, changes=services.StaffChanges(email="beheer@example.org")
        )
    assert User.objects.get(pk=worker.pk).email == "sanne@example.org"


def test_an_account_without_a_password_gets_its_address_on_the_change_form(world, client):
    new = UserFactory(username="nog-geen-wachtwoord", email="")
    new.set_unusable_password()
    new.save(update_fields=["password"])
    login_verified(client, world.functional_admin)
    response = client.post(f"{USERS}{new.pk}/change/", change_data(new, email="nieuw@example.org"))
    assert response.status_code == 302
    assert User.objects.get(pk=new.pk).email == "nieuw@example.org"


# --- 2. a failed password e-mail ---------------------------------------------------------------------------


def test_a_failed_e_mail_keeps_the_add_form_and_saves_nothing(world, client, settings):
    settings.EMAIL_BACKEND = REFUSING
    login_verified(client, world.functional_admin)
    users, entries = User.objects.count(), StaffAuditEntry.objects.count()
    response = add_account(client)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [mail_failed()]
    page = response.content.decode()
    assert mail_failed() in page and "ConnectionRefused" not in page and "mail.example.org" not in page
    assert 'value="nieuw"' in page and 'value="nina@example.org"' in page  # what was filled in stays
    assert User.objects.count() == users and not User.objects.filter(username="nieuw").exists()
    assert StaffAuditEntry.objects.count() == entries and not mail.outbox


def test_a_failed_e_mail_records_no_link_as_sent(world, client, settings):
    worker = UserFactory(username="sanne", email="sanne@example.org")
    settings.EMAIL_BACKEND = REFUSING
    login_verified(client, world.functional_admin)
    button = client.post(f"{USERS}{worker.pk}/password-link/", follow=True)
    action = client.post(USERS, {"action": "send_password_link", "_selected_action": [worker.pk]}, follow=True)
    for response in (button, action):
        assert response.status_code == 200
        texts = [str(m) for m in get_messages(response.wsgi_request)] or [str(m) for m in response.context["messages"]]
        assert texts == [f"{worker}: {mail_failed()}"], texts
        assert "ConnectionRefused" not in response.content.decode()
    assert not StaffAuditEntry.objects.filter(action=StaffAuditAction.PASSWORD_LINK_SENT).exists()


# --- 3. no look-alike usernames, no shared addresses ----------------------------------------------------


@pytest.mark.parametrize("username", ["Sanne", "SANNE", "sanne"])
def test_no_username_that_differs_only_in_case(world, client, username):
    UserFactory(username="sanne", email="sanne@example.org")
    login_verified(client, world.functional_admin)
    users = User.objects.count()
    response = add_account(client, username=username)
    assert response.status_code == 200
    with translation.override("nl"):
        expected = gettext("A staff member with this username already exists (upper and lower case do not count).")
    assert response.context["adminform"].form.errors["username"] == [expected]
    assert User.objects.count() == users and not StaffAuditEntry.objects.exists() and not mail.outbox


def test_the_database_refuses_a_username_that_differs_only_in_case(db):
    UserFactory(username="sanne")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="Sanne")
    assert list(User.objects.values_list("username", flat=True)) == ["sanne"]


def test_signing_in_takes_the_exact_username(db):
    sanne = UserFactory(username="sanne")
    assert authenticate(RequestFactory().post("/"), username="sanne", password=PASSWORD) == sanne


@pytest.mark.parametrize("email", ["sanne@example.org", "Sanne@Example.ORG"])
def test_no_two_accounts_with_the_same_address(world, client, email):
    UserFactory(username="sanne", email="sanne@example.org")
    login_verified(client, world.functional_admin)
    users = User.objects.count()
    response = add_account(client, email=email)
    assert response.status_code == 200
    assert "email" in response.context["adminform"].form.errors
    assert User.objects.count() == users and not StaffAuditEntry.objects.exists() and not mail.outbox


def test_no_address_is_moved_onto_a_second_account(world):
    UserFactory(username="sanne", email="sanne@example.org")
    new = UserFactory(username="nog-geen-wachtwoord", email="")
    new.set_unusable_password()
    new.save(update_fields=["password"])
    with pytest.raises(services.ValidationError):
        services.staff_account_update(
            actor=world.functional_admin, account=new, changes=services.StaffChanges(email="SANNE@example.org")
        )
    assert User.objects.get(pk=new.pk).email == ""


# --- 4. Dutch plurals -------------------------------------------------------------------------------------


def test_deactivating_one_staff_member_says_so_in_the_singular(world, client):
    login_verified(client, world.functional_admin)
    response = client.post(USERS, {"action": "deactivate", "_selected_action": [world.worker.pk]}, follow=True)
    with translation.override("nl"):
        expected = ngettext("%(count)d staff member deactivated.", "%(count)d staff members deactivated.", 1) % {
            "count": 1
        }
    assert [str(m) for m in response.context["messages"]] == [expected]


def test_refusing_to_delete_two_staff_members_uses_the_plural(world, client):
    for worker in (world.worker, world.colleague):
        ContactFactory(household=world.household, worker=worker)
    login_verified(client, world.functional_admin)
    response = client.post(
        USERS, {"action": "delete_selected", "_selected_action": [world.worker.pk, world.colleague.pk]}
    )
    page = response.content.decode()
    with translation.override("nl"):
        plural = ngettext(
            "%(objects)s cannot be deleted: case data is linked to it (%(kinds)s).",
            "%(objects)s cannot be deleted: case data is linked to them (%(kinds)s).",
            2,
        )
        singular = ngettext(
            "%(objects)s cannot be deleted: case data is linked to it (%(kinds)s).",
            "%(objects)s cannot be deleted: case data is linked to them (%(kinds)s).",
            1,
        )
    assert plural != singular
    assert plural.split("%(objects)s", 1)[1].split("(%(kinds)s)")[0] in page
    assert User.objects.filter(pk__in=[world.worker.pk, world.colleague.pk]).count() == 2
