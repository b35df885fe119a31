"""Issue 7.1: no way for an administrator to become someone else.

Nobody sets another person's password (one-time links by e-mail); an administrator changes neither their
own rights nor another administrator's account; every change is in the append-only staff-audit log; delete
pages never list case data; the privacy officer reads the logs and nothing else.
"""

import datetime
import re
from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import URLPattern, URLResolver, reverse
from freezegun import freeze_time

from wijkkracht.accounts import services
from wijkkracht.accounts.models import Expertise, Role, StaffAuditAction, StaffAuditEntry, User
from wijkkracht.accounts.tests.factories import PASSWORD, UserFactory
from wijkkracht.households.tests.factories import ContactFactory, TaskFactory
from wijkkracht.security.testing import login_verified
from wijkkracht.teams.models import Team, TeamMembership
from wijkkracht.teams.tests.factories import TeamFactory

USERS = "/beheer/accounts/user/"


@pytest.fixture
def privacy_officer(db):
    return UserFactory(username="privacy", privacy_officer=True)


@pytest.fixture
def other_admin(db):
    return UserFactory(username="beheer2", functional_admin=True, email="beheer2@example.org")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", PASSWORD)


@pytest.fixture(autouse=True)
def addresses(db, request):
    """Everybody of the shared world has an e-mail address (where password links go)."""
    if "world" in request.fixturenames:
        world = request.getfixturevalue("world")
        for user in User.objects.filter(email=""):
            user.email = f"{user.username}@example.org"
            user.save(update_fields=["email"])
            for name in vars(world):
                if getattr(world, name) == user:
                    getattr(world, name).email = user.email


def snapshot(user: User) -> dict:
    user = User.objects.get(pk=user.pk)
    return services.staff_snapshot(user) | {"password": user.password}


def link_from(message) -> str:
    match = re.search(r"http://testserver(/wachtwoord-kiezen/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def add_account(client, **data):
    payload = {
        "username": "nieuw",
        "first_name": "Nina",
        "last_name": "Nieuw",
        "email": "nina@example.org",
        "role": Role.SOCIAL_WORKER,
    } | data
    return client.post(f"{USERS}add/", payload)


# --- nobody sets another person's password ---------------------------------------------------------------


def test_the_add_form_asks_no_password_and_the_new_colleague_gets_a_link(world, client):
    login_verified(client, world.functional_admin)
    page = client.get(f"{USERS}add/").content.decode()
    assert 'type="password"' not in page and "password1" not in page

    response = add_account(client, password1="Geheim-123!", password2="Geheim-123!", is_superuser="on")
    assert response.status_code == 302, response.content.decode()[:2000]
    account = User.objects.get(username="nieuw")
    assert not account.has_usable_password() and not account.is_superuser and not account.is_staff
    assert account.role == Role.SOCIAL_WORKER
    assert [m.to for m in mail.outbox] == [["nina@example.org"]]
    assert "nieuw" in mail.outbox[0].body and link_from(mail.outbox[0])
    assert link_from(mail.outbox[0]) not in client.get(f"{USERS}{account.pk}/change/").content.decode()
    actions = list(
        StaffAuditEntry.objects.filter(subject_id=account.pk).order_by("id").values_list("action", "actor_username")
    )
    assert actions == [(StaffAuditAction.CREATED, "beheer"), (StaffAuditAction.PASSWORD_LINK_SENT, "beheer")]
    created = StaffAuditEntry.objects.get(subject_id=account.pk, action=StaffAuditAction.CREATED)
    assert (
        created.before == {} and created.after["role"] == Role.SOCIAL_WORKER and created.after["is_superuser"] is False
    )


@pytest.mark.parametrize(
    "data, field",
    [
        ({"role": ""}, "role"),
        ({"role": Role.FUNCTIONAL_ADMIN}, "role"),
        ({"role": Role.PRIVACY_OFFICER}, "role"),
        ({"email": ""}, "email"),
        ({"username": "worker"}, "username"),
    ],
)
def test_a_new_account_needs_a_role_an_address_and_gets_no_oversight_role(world, client, data, field):
    login_verified(client, world.functional_admin)
    users_before = User.objects.count()
    response = add_account(client, **data)
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert User.objects.count() == users_before and not mail.outbox
    assert not StaffAuditEntry.objects.exists()


def test_the_link_works_once(world, client):
    login_verified(client, world.functional_admin)
    add_account(client)
    link = link_from(mail.outbox[0])
    client.logout()

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and not User.objects.get(username="nieuw").has_usable_password()
    done = client.post(set_url, {"new_password1": "Lange-zin-van-nina-7", "new_password2": "Lange-zin-van-nina-7"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    account = User.objects.get(username="nieuw")
    assert account.check_password("Lange-zin-van-nina-7")
    assert StaffAuditEntry.objects.filter(subject_id=account.pk, action=StaffAuditAction.PASSWORD_CHOSEN).count() == 1

    client.logout()
    again = client.get(link, follow=True)
    assert again.status_code == 200 and not again.context["validlink"]
    assert "Deze link werkt niet meer" in again.content.decode()
    assert (
        client.post(link, {"new_password1": "Nog-een-keer-99", "new_password2": "Nog-een-keer-99"}).status_code == 200
    )
    assert User.objects.get(username="nieuw").check_password("Lange-zin-van-nina-7")


def test_the_link_expires_after_24_hours(world, client):
    login_verified(client, world.functional_admin)
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with freeze_time(start):
        services.staff_password_link_send(
            actor=world.functional_admin, account=world.worker, link_base="http://testserver/"
        )
    link = link_from(mail.outbox[0])
    client.logout()
    with freeze_time(start + datetime.timedelta(hours=23, minutes=59)):
        assert client.get(link, follow=True).context["validlink"]
    client.logout()
    with freeze_time(start + datetime.timedelta(hours=24, seconds=1)):
        expired = client.get(link, follow=True)
        assert not expired.context["validlink"]
    assert User.objects.get(pk=world.worker.pk).check_password(PASSWORD)


def test_send_password_link_button_mails_the_holder_only(world, client):
    login_verified(client, world.functional_admin)
    change_page = client.get(f"{USERS}{world.worker.pk}/change/").content.decode()
    assert f'action="{USERS}{world.worker.pk}/password-link/"' in change_page
    assert client.get(f"{USERS}{world.worker.pk}/password-link/").status_code == 403
    response = client.post(f"{USERS}{world.worker.pk}/password-link/", follow=True)
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    link = link_from(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in response.content.decode()
    assert User.objects.get(pk=world.worker.pk).check_password(PASSWORD)  # the old one works until replaced
    entry = StaffAuditEntry.objects.get(action=StaffAuditAction.PASSWORD_LINK_SENT)
    assert entry.subject_id == world.worker.pk and entry.after["email"] == "worker@example.org"


def test_forgot_password_never_reveals_whether_an_account_exists(world, client):
    known = client.post("/wachtwoord-vergeten/", {"email": "worker@example.org"})
    unknown = client.post("/wachtwoord-vergeten/", {"email": "niemand@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    link = link_from(mail.outbox[0])
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    assert "Wachtwoord vergeten?" in client.get("/inloggen/").content.decode()


def _admin_routes(patterns, prefix="/beheer/"):
    for pattern in patterns:
        route = str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _admin_routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern) and "object_id" in route:
            yield prefix + route


@pytest.mark.parametrize("who", ["functional_admin", "superuser", "other_admin"])
def test_no_admin_url_shows_or_takes_a_password_for_another_user(world, client, who, superuser, other_admin):
    actor = {"functional_admin": world.functional_admin, "superuser": superuser, "other_admin": other_admin}[who]
    login_verified(client, actor)
    victims = [world.worker, world.functional_admin, superuser, other_admin]
    before = {victim.pk: snapshot(victim) for victim in victims}
    routes = sorted(set(_admin_routes(admin.site.get_urls())))
    assert any("accounts/user" in route for route in routes)
    for victim in victims:
        if victim.pk == actor.pk:
            continue
        for route in routes:
            url = route.replace("<path:object_id>", str(victim.pk)).replace("<int:object_id>", str(victim.pk))
            response = client.get(url)
            assert 'type="password"' not in response.content.decode(), url
        for url in [f"{USERS}{victim.pk}/password/", f"{USERS}{victim.pk}/change/password/"]:
            assert client.get(url).status_code in (403, 404), url
            response = client.post(url, {"password1": "Overgenomen-123", "password2": "Overgenomen-123"})
            assert response.status_code in (403, 404), url
    assert {victim.pk: snapshot(victim) for victim in victims} == before


# --- an administrator cannot elevate themselves, nor change another administrator -------------------------


def own_change_data(user: User, **extra):
    return {
        "username": user.username,
        "first_name": user.first_name or "Anouk",
        "last_name": user.last_name or "Dekker",
        "email": user.email,
        "role": user.role,
        "is_active": "on",
    } | extra


def test_an_admin_cannot_change_their_own_role_rights_or_active_flag(world, client):
    admin_user = world.functional_admin
    login_verified(client, admin_user)
    before = snapshot(admin_user)
    group = Group.objects.create(name="alles")
    for attempt in [
        {"role": Role.SOCIAL_WORKER},
        {"role": Role.TEAM_COORDINATOR, "is_superuser": "on", "is_staff": "on", "groups": [group.pk]},
        {"is_active": ""},
        {"user_permissions": ["1", "2"]},
    ]:
        client.post(f"{USERS}{admin_user.pk}/change/", own_change_data(admin_user, **attempt))
        assert snapshot(admin_user) == before, attempt
    assert not StaffAuditEntry.objects.exclude(action=StaffAuditAction.CHANGED).exists()

    # The service refuses it too, whatever form or script calls it.
    for changes in [
        services.StaffChanges(role=Role.SOCIAL_WORKER),
        services.StaffChanges(is_active=False),
        services.StaffChanges(is_superuser=True),
        services.StaffChanges(is_staff=False),
        services.StaffChanges(groups=[group]),
    ]:
        with pytest.raises(ValidationError):
            services.staff_account_update(actor=admin_user, account=admin_user, changes=changes)
    assert snapshot(admin_user) == before


def test_an_admin_can_correct_their_own_name(world, client):
    login_verified(client, world.functional_admin)
    response = client.post(
        f"{USERS}{world.functional_admin.pk}/change/", own_change_data(world.functional_admin, first_name="Anouk-Marie")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.functional_admin.pk).first_name == "Anouk-Marie"
    entry = StaffAuditEntry.objects.get()
    assert entry.before == {"first_name": "Medewerker"} and entry.after == {"first_name": "Anouk-Marie"}


def membership_post(team: Team, add: list[User] = (), delete: list[User] = ()):
    memberships = list(team.memberships.order_by("id"))
    data = {
        "name": team.name,
        "wijken": [w.id for w in team.wijken.all()],
        "memberships-TOTAL_FORMS": str(len(memberships) + len(add)),
        "memberships-INITIAL_FORMS": str(len(memberships)),
    }
    for index, item in enumerate(memberships):
        data |= {
            f"memberships-{index}-id": str(item.id),
            f"memberships-{index}-team": str(team.id),
            f"memberships-{index}-user": str(item.user_id),
        }
        if item.user in delete:
            data[f"memberships-{index}-DELETE"] = "on"
    for offset, user in enumerate(add):
        index = len(memberships) + offset
        data |= {f"memberships-{index}-team": str(team.id), f"memberships-{index}-user": str(user.pk)}
    return data


def test_an_admin_cannot_put_themselves_or_another_admin_in_a_team(world, client, other_admin, privacy_officer):
    login_verified(client, world.functional_admin)
    for user in [world.functional_admin, other_admin, privacy_officer]:
        response = client.post(f"/beheer/teams/team/{world.team.pk}/change/", membership_post(world.team, add=[user]))
        assert response.status_code == 200
        assert not TeamMembership.objects.filter(user=user).exists()
        with pytest.raises(ValidationError):
            services.team_memberships_update(actor=world.functional_admin, team=world.team, add=[user])
        assert not TeamMembership.objects.filter(user=user).exists()
    assert not StaffAuditEntry.objects.exists()


def test_team_memberships_of_workers_change_and_are_audited(world, client):
    newcomer = UserFactory(username="nieuwkomer")
    login_verified(client, world.functional_admin)
    response = client.post(
        f"/beheer/teams/team/{world.team.pk}/change/",
        membership_post(world.team, add=[newcomer], delete=[world.colleague]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(world.team.members.values_list("username", flat=True)) == {"worker", "coordinator", "nieuwkomer"}
    added = StaffAuditEntry.objects.get(subject_id=newcomer.pk)
    assert added.action == StaffAuditAction.MEMBERSHIPS and added.before == {"teams": []}
    assert added.after == {"teams": ["Team Noord"]} and added.actor_username == "beheer"
    removed = StaffAuditEntry.objects.get(subject_id=world.colleague.pk)
    assert removed.before == {"teams": ["Team Noord"]} and removed.after == {"teams": []}


@pytest.mark.parametrize("target", ["other_admin", "privacy_officer", "superuser"])
def test_accounts_with_rights_are_read_only_for_an_admin(world, client, target, request):
    account = request.getfixturevalue(target)
    login_verified(client, world.functional_admin)
    before = snapshot(account)
    page = client.get(f"{USERS}{account.pk}/change/")
    assert page.status_code == 200 and 'name="role"' not in page.content.decode()
    response = client.post(
        f"{USERS}{account.pk}/change/",
        own_change_data(account, role=Role.SOCIAL_WORKER, email="aanvaller@example.org", is_active=""),
    )
    assert response.status_code == 403
    assert client.post(f"{USERS}{account.pk}/delete/", {"post": "yes"}).status_code in (302, 403)
    with pytest.raises(PermissionDenied):
        services.staff_account_update(
            actor=world.functional_admin, account=account, changes=services.StaffChanges(email="aanvaller@example.org")
        )
    assert snapshot(account) == before
    assert User.objects.filter(pk=account.pk).exists()


def test_an_admin_changes_a_worker_and_the_audit_log_has_before_and_after(world, client):
    expertise = Expertise.objects.first()
    login_verified(client, world.functional_admin)
    response = client.post(
        f"{USERS}{world.worker.pk}/change/",
        own_change_data(world.worker, role=Role.TEAM_COORDINATOR, expertises=[expertise.pk], is_active=""),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    worker = User.objects.get(pk=world.worker.pk)
    assert worker.role == Role.TEAM_COORDINATOR and not worker.is_active
    entry = StaffAuditEntry.objects.get()
    assert entry.action == StaffAuditAction.DEACTIVATED and entry.actor_username == "beheer"
    assert entry.before == {"role": Role.SOCIAL_WORKER, "is_active": True, "expertises": []}
    assert entry.after == {"role": Role.TEAM_COORDINATOR, "is_active": False, "expertises": [expertise.code]}


def test_no_admin_can_make_someone_a_superuser_or_an_administrator(world, client, superuser):
    for actor in [world.functional_admin, superuser]:
        login_verified(client, actor)
        before = snapshot(world.worker)
        client.post(
            f"{USERS}{world.worker.pk}/change/", own_change_data(world.worker, is_superuser="on", is_staff="on")
        )
        client.post(f"{USERS}{world.worker.pk}/change/", own_change_data(world.worker, role=Role.FUNCTIONAL_ADMIN))
        client.post(f"{USERS}{world.worker.pk}/change/", own_change_data(world.worker, role=Role.PRIVACY_OFFICER))
        assert snapshot(world.worker) == before
        for changes in [
            services.StaffChanges(is_superuser=True),
            services.StaffChanges(role=Role.FUNCTIONAL_ADMIN),
            services.StaffChanges(is_staff=True),
        ]:
            with pytest.raises(ValidationError):
                services.staff_account_update(actor=actor, account=world.worker, changes=changes)
        assert snapshot(world.worker) == before


def test_the_address_of_someone_who_chose_a_password_cannot_be_redirected(world, client):
    """Otherwise an administrator could send the next password link to themselves."""
    login_verified(client, world.functional_admin)
    page = client.get(f"{USERS}{world.worker.pk}/change/")
    assert page.context["adminform"].form.fields["email"].disabled  # shown, not editable
    client.post(f"{USERS}{world.worker.pk}/change/", own_change_data(world.worker, email="beheer@example.org"))
    assert User.objects.get(pk=world.worker.pk).email == "worker@example.org"
    with pytest.raises(ValidationError) as refused:
        services.staff_account_update(
            actor=world.functional_admin,
            account=world.worker,
            changes=services.StaffChanges(email="beheer@example.org"),
        )
    assert "email" in refused.value.error_dict
    assert User.objects.get(pk=world.worker.pk).email == "worker@example.org"


# --- append-only in the database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_update_and_delete_of_the_staff_audit_log(world):
    services.staff_account_update(
        actor=world.functional_admin, account=world.worker, changes=services.StaffChanges(first_name="Willem")
    )
    entry = StaffAuditEntry.objects.get()
    table = StaffAuditEntry._meta.db_table
    attempts = [
        lambda: StaffAuditEntry.objects.filter(pk=entry.pk).update(actor_username="iemand-anders"),
        lambda: StaffAuditEntry.objects.filter(pk=entry.pk).delete(),
        lambda: StaffAuditEntry.objects.all().delete(),
        lambda: connection.cursor().execute(f"UPDATE {table} SET after = '{{}}'"),
        lambda: connection.cursor().execute(f"DELETE FROM {table}"),
    ]
    if connection.vendor == "postgresql":
        attempts.append(lambda: connection.cursor().execute(f"TRUNCATE {table}"))
    for attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    entry.refresh_from_db()
    assert entry.actor_username == "beheer" and entry.after == {"first_name": "Willem"}
    StaffAuditEntry.objects.create(
        at=entry.at, actor_username="x", subject_id=1, subject_username="y", action="changed"
    )
    assert StaffAuditEntry.objects.count() == 2


# --- delete pages never list case data ---------------------------------------------------------------------


def test_staff_with_case_history_are_deactivated_not_deleted(world, client):
    ContactFactory(household=world.household, worker=world.worker, note="Schulden besproken met Anna")
    TaskFactory(household=world.household, assigned_to=world.worker, title="Bewindvoering aanvragen")
    login_verified(client, world.functional_admin)
    change = client.get(f"{USERS}{world.worker.pk}/change/").content.decode()
    assert f"{USERS}{world.worker.pk}/delete/" not in change

    response = client.get(f"{USERS}{world.worker.pk}/delete/", follow=True)
    page = response.content.decode()
    assert "kan niet worden verwijderd" in page and "Deactiveer" in page
    for secret in ["Jansen", "Anna", "Schulden", "Bewindvoering", "Kennismaking"]:
        assert secret not in page, secret
    assert client.post(f"{USERS}{world.worker.pk}/delete/", {"post": "yes"}).status_code in (302, 403)

    bulk = client.post(USERS, {"action": "delete_selected", "_selected_action": [world.worker.pk, world.colleague.pk]})
    page = bulk.content.decode()
    for secret in ["Jansen", "Anna", "Schulden", "Bewindvoering"]:
        assert secret not in page, secret
    client.post(USERS, {"action": "delete_selected", "_selected_action": [world.worker.pk], "post": "yes"})
    assert User.objects.filter(pk=world.worker.pk).exists()

    client.post(USERS, {"action": "deactivate", "_selected_action": [world.worker.pk, world.functional_admin.pk]})
    assert not User.objects.get(pk=world.worker.pk).is_active
    assert User.objects.get(pk=world.functional_admin.pk).is_active
    entry = StaffAuditEntry.objects.get(subject_id=world.worker.pk)
    assert entry.action == StaffAuditAction.DEACTIVATED and entry.before == {"is_active": True}


def test_an_account_without_case_history_can_be_deleted_and_that_is_audited(world, client):
    mistake = UserFactory(username="vergissing")
    TeamMembership.objects.create(team=world.team, user=mistake)
    login_verified(client, world.functional_admin)
    page = client.get(f"{USERS}{mistake.pk}/delete/")
    assert page.status_code == 200
    response = client.post(f"{USERS}{mistake.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=mistake.pk).exists()
    entry = StaffAuditEntry.objects.get(subject_id=mistake.pk)
    assert entry.action == StaffAuditAction.DELETED and entry.before["teams"] == ["Team Noord"]


@pytest.mark.parametrize("what", ["team", "wijk"])
def test_configuration_with_case_data_is_not_deleted_and_its_delete_page_lists_none(world, client, what):
    obj = world.team if what == "team" else world.household.wijk
    login_verified(client, world.functional_admin)
    url = f"/beheer/teams/{what}/{obj.pk}/delete/"
    page = client.get(url, follow=True).content.decode()
    assert "kan niet worden verwijderd" in page
    for secret in ["Jansen", "Anna"]:
        assert secret not in page
    client.post(url, {"post": "yes"})
    bulk = client.post(f"/beheer/teams/{what}/", {"action": "delete_selected", "_selected_action": [obj.pk]})
    assert "Jansen" not in bulk.content.decode() and "kan niet worden verwijderd" in bulk.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_empty_team_is_deleted_and_its_members_memberships_are_audited(world, client):
    team = TeamFactory(name="Opgeheven")
    member = UserFactory(username="lid")
    TeamMembership.objects.create(team=team, user=member)
    login_verified(client, world.functional_admin)
    assert client.post(f"/beheer/teams/team/{team.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    entry = StaffAuditEntry.objects.get(subject_id=member.pk)
    assert entry.before == {"teams": ["Opgeheven"]} and entry.after == {"teams": []}


# --- roles: createsuperuser, the privacy officer, superuser flag ---------------------------------------------


@pytest.mark.django_db
def test_createsuperuser_makes_a_functional_administrator_without_case_role(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Een-lang-wachtwoord-1")
    call_command("createsuperuser", interactive=False, username="root", email="root@example.org", stdout=StringIO())
    root = User.objects.get(username="root")
    assert root.role == Role.FUNCTIONAL_ADMIN and not root.works_with_cases and root.is_staff
    with pytest.raises(ValueError):
        User.objects.create_superuser("root2", "r@example.org", "x", role=Role.SOCIAL_WORKER)


#: Management pages of the sign-in work (wijkkracht.security: API keys; django-axes: lockouts), whose access
#: rules that work decides and tests.
SIGN_IN_RECORDS = {"security", "axes"}


def _changelists():
    return {
        model: reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model in admin.site._registry
    }


def test_the_privacy_officer_reads_the_logs_and_nothing_else(world, client, privacy_officer):
    services.staff_account_update(
        actor=world.functional_admin, account=world.worker, changes=services.StaffChanges(role=Role.TEAM_COORDINATOR)
    )
    login_verified(client, privacy_officer)
    assert client.get("/")["Location"] == "/beheer/privacy/accesslogentry/"
    readable = {"privacy.accesslogentry", "accounts.staffauditentry"}
    for model, url in _changelists().items():
        if model._meta.app_label in SIGN_IN_RECORDS:
            continue  # API keys and lockouts: the sign-in work decides (the privacy officer supervises them)
        expected = 200 if model._meta.label_lower in readable else 403
        assert client.get(url).status_code == expected, url
    audit = client.get("/beheer/accounts/staffauditentry/").content.decode()
    assert "team_coordinator" in audit and "worker" in audit
    entry = StaffAuditEntry.objects.get()
    assert client.get(f"/beheer/accounts/staffauditentry/{entry.pk}/delete/").status_code == 403
    assert client.post(f"/beheer/accounts/staffauditentry/{entry.pk}/change/", {"action": "deleted"}).status_code == 403
    for url in [f"/huishoudens/{world.household.pk}/", "/huishoudens/mijn/", "/huishoudens/team/"]:
        assert client.get(url).status_code in (403, 404), url
    assert client.get(f"/api/v1/households/{world.household.pk}/").status_code in (403, 404)


def test_the_functional_admin_does_not_read_the_logs(world, client):
    login_verified(client, world.functional_admin)
    for url in ["/beheer/accounts/staffauditentry/", "/beheer/privacy/accesslogentry/"]:
        assert client.get(url).status_code == 403


def test_the_superuser_flag_alone_opens_no_management_page(world, client):
    """Every page of /beheer/ goes by role: a superuser with another role (say, from an older installation)
    gets nothing beyond what that role gets — and no Django default admin (groups, tokens) is left."""
    flagged = User.objects.create(username="vlag", is_superuser=True, is_staff=True, role=Role.POLICY_OFFICER)
    login_verified(client, flagged)
    for url in _changelists().values():
        assert client.get(url).status_code == 403, url
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert "auth.group" not in registered and "authtoken.tokenproxy" not in registered


@pytest.mark.django_db
def test_the_oversight_roles_are_given_on_the_command_line_and_audited(world):
    call_command("setrole", "policy", Role.PRIVACY_OFFICER, stdout=StringIO())
    officer = User.objects.get(username="policy")
    assert officer.role == Role.PRIVACY_OFFICER and officer.is_staff
    entry = StaffAuditEntry.objects.get(subject_id=officer.pk)
    assert entry.actor_id is None and entry.actor_username.startswith("(command line: ")
    assert entry.before == {"role": Role.POLICY_OFFICER, "is_staff": False}
    assert entry.after == {"role": Role.PRIVACY_OFFICER, "is_staff": True}
    with pytest.raises(CommandError):
        call_command("setrole", "niemand", Role.SOCIAL_WORKER, stdout=StringIO())
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    with pytest.raises(CommandError):
        call_command("setrole", "root", Role.SOCIAL_WORKER, stdout=StringIO())
    assert User.objects.get(pk=root.pk).role == Role.FUNCTIONAL_ADMIN
