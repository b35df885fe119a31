"""The access log at scale keeps every fact: "who saw household X" finds every kind of event about X, by
anyone, and nothing about other households; "what did user U do" finds U's events; both tables are
append-only on both databases; entries from before the subject table get their subject rows (migration 0006)."""

import datetime
import importlib
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.households.tests.factories import HouseholdFactory
from wijkkracht.privacy.models import AccessAction, AccessLogEntry, AccessLogSubject
from wijkkracht.privacy.selectors import access_log_of_household, access_log_of_user, households_of
from wijkkracht.privacy.services import access_log_record, access_log_record_many
from wijkkracht.referrals import selectors as referral_selectors
from wijkkracht.referrals.tests.helpers import consent, partner, plan_action, send, service
from wijkkracht.security.testing import login_verified

SUBJECTS = AccessLogSubject._meta.db_table
ENTRIES = AccessLogEntry._meta.db_table
copy_subjects = importlib.import_module(
    "wijkkracht.privacy.migrations.0006_access_log_subjects_of_existing_entries"
).copy_subjects


def who_saw(household_id):
    return [
        (s.entry.action, s.entry.username, s.entry.endpoint, s.person_id)
        for s in access_log_of_household(household_id=household_id)
    ]


def disclose_to_partner(world):
    """A partner reads the referral of a member of world.household: a `disclose` entry."""
    anna = world.household.members.first()
    action = plan_action(world, "verslaving", person=anna)
    svc = service()
    grant = consent(world, svc.organization, anna, domains=("verslaving", "gezondheid"))
    referral = send(world, action=action, svc=svc, grant=grant, person=anna, domains=("verslaving", "gezondheid"))
    agent = partner(referral.organization)
    access = world.access(agent)
    found = referral_selectors.referral_get_for_user(access=access, referral_id=referral.id)
    assert referral_selectors.referral_disclosure(access=access, referral=found) is not None
    return agent, anna


def test_who_saw_a_household_finds_every_kind_of_event_by_everyone_and_nothing_else(world, client, api):
    household, other = world.household, world.other_household
    anna = household.members.get()
    neighbour = HouseholdFactory(team=world.team, contact_person=world.worker)  # on the same list pages
    today = timezone.localdate().isoformat()

    client.force_login(world.worker)
    assert client.get(f"/huishoudens/{household.id}/").status_code == 200  # read
    assert client.get(f"/huishoudens/{household.id}/leden/{anna.id}/").status_code == 200  # read of a member
    assert client.get("/huishoudens/mijn/").status_code == 200  # list
    created = client.post(
        f"/huishoudens/{household.id}/contacten/nieuw/", {"kind": "phone", "date": today, "duration_minutes": 5}
    )
    assert created.status_code == 302  # change
    client.force_login(world.coordinator)
    assert client.get("/huishoudens/team/").status_code == 200  # list, by someone else
    api.force_authenticate(world.colleague)
    assert api.get("/api/v1/households/").status_code == 200  # list in the API
    api.force_authenticate(world.other_worker)
    assert api.get(f"/api/v1/households/{household.id}/").status_code == 404  # refusal
    assert api.get(f"/api/v1/households/{other.id}/").status_code == 200  # their own: not about X
    agent, _anna = disclose_to_partner(world)  # disclosure (its `send` writes changes too)

    seen = who_saw(household.id)
    kinds = {(action, username) for action, username, _endpoint, _person in seen}
    assert {
        ("view", "worker"),
        ("list", "worker"),
        ("create", "worker"),
        ("list", "coordinator"),
        ("list", world.colleague.username),
        ("refused", world.other_worker.username),
        ("disclose", agent.username),
    } <= kinds
    assert ("view", "worker", f"GET /huishoudens/{household.id}/leden/{anna.id}/", anna.id) in seen
    # Every entry about X, however written, is found; nothing about another household is.
    about_x = {
        entry.id
        for entry in AccessLogEntry.objects.all()
        if entry.household_id == household.id or household.id in households_of(entry)
    }
    found = list(access_log_of_household(household_id=household.id))
    assert {s.entry_id for s in found} == about_x and len(found) == len(about_x)
    assert {s.household_id for s in found} == {household.id}
    assert all(s.at == s.entry.at for s in found)
    assert [s.at for s in found] == sorted((s.at for s in found), reverse=True)  # newest first
    assert not {s.entry_id for s in access_log_of_household(household_id=neighbour.id)} & {
        e.id for e in AccessLogEntry.objects.filter(household_id=household.id)
    }
    assert ("view", world.other_worker.username) in {(a, u) for a, u, _e, _p in who_saw(other.id)}
    assert ("view", world.other_worker.username) not in kinds


def test_the_first_page_of_who_saw_a_household_is_one_query(world, django_assert_num_queries):
    households = [world.household.id] + [HouseholdFactory(team=world.team).id for _ in range(3)]
    for _page in range(3):
        access_log_record_many(access=world.access(), household_ids=households, action=AccessAction.LIST, what="x")
    access_log_record(access=world.access(), household_id=world.household.id, action=AccessAction.VIEW, what="y")
    with django_assert_num_queries(1):
        page = [
            (s.entry.username, s.entry.action) for s in access_log_of_household(household_id=world.household.id)[:50]
        ]
    assert page == [("worker", "view")] + [("worker", "list")] * 3


def test_a_list_writes_one_entry_and_one_narrow_row_per_household_once_each(world):
    second = HouseholdFactory(team=world.team)
    access_log_record_many(
        access=world.access(),
        household_ids=[world.household.id, second.id, world.household.id],
        action=AccessAction.LIST,
        what="caseload",
    )
    [entry] = AccessLogEntry.objects.all()
    assert (entry.action, entry.household_id, entry.what) == ("list", None, "caseload")
    assert households_of(entry) == sorted([world.household.id, second.id])
    access_log_record_many(access=world.access(), household_ids=[], action=AccessAction.LIST, what="caseload")
    assert AccessLogEntry.objects.count() == 1


def test_what_a_user_did_in_a_month(world):
    access_log_record(access=world.access(), household_id=world.household.id, action=AccessAction.VIEW, what="a")
    access_log_record(
        access=world.access(world.colleague), household_id=world.household.id, action=AccessAction.VIEW, what="b"
    )
    access_log_record_many(
        access=world.access(), household_ids=[world.household.id], action=AccessAction.LIST, what="c"
    )
    start = timezone.now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    entries = access_log_of_user(user_id=world.worker.id, since=start, until=start + datetime.timedelta(days=32))
    assert [e.what for e in entries] == ["c", "a"]
    assert not access_log_of_user(user_id=world.worker.id, until=start).exists()


# Append-only: the subject rows, like the entries.


def raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def refused(attempt):
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        attempt()


SUBJECT_ATTEMPTS = {
    "orm update": lambda s: AccessLogSubject.objects.filter(entry_id=s.entry_id).update(household_id=1),
    "orm delete": lambda s: AccessLogSubject.objects.filter(entry_id=s.entry_id).delete(),
    "raw update": lambda s: raw(f"UPDATE {SUBJECTS} SET household_id = %s WHERE entry_id = %s", 1, s.entry_id),
    "raw update of every row": lambda s: raw(f"UPDATE {SUBJECTS} SET person_id = NULL"),
    "raw delete": lambda s: raw(f"DELETE FROM {SUBJECTS} WHERE entry_id = %s", s.entry_id),
    "raw delete of every row": lambda s: raw(f"DELETE FROM {SUBJECTS}"),
}


@pytest.fixture
def subject(world):
    anna = world.household.members.get()
    entry = access_log_record(
        access=world.access(), household_id=world.household.id, action=AccessAction.VIEW, what="m", person_id=anna.id
    )
    return entry.subjects.get()


def subject_rows():
    return list(
        AccessLogSubject.objects.order_by("entry_id").values_list("entry_id", "household_id", "person_id", "at")
    )


@pytest.mark.parametrize("attempt", SUBJECT_ATTEMPTS)
def test_changing_or_deleting_a_subject_row_is_refused(subject, attempt):
    before = subject_rows()
    refused(lambda: SUBJECT_ATTEMPTS[attempt](subject))
    assert subject_rows() == before and len(before) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's; SQLite has none")
def test_truncating_the_subjects_is_refused_on_postgresql(subject):
    before = subject_rows()
    raw("SET CONSTRAINTS ALL IMMEDIATE")  # check the entry's subjects now, as a commit would: none pending
    refused(lambda: raw(f"TRUNCATE {SUBJECTS}"))
    raw("SET CONSTRAINTS ALL DEFERRED")
    assert subject_rows() == before


def test_an_entry_about_one_household_still_names_it_in_the_database(world):
    """The check constraint of before, in its new form: a list (and a bulk export, since privacy 0007) names its
    households in subject rows."""
    fields = {
        "at": timezone.now(),
        "username": "x",
        "role": "social_worker",
        "what": "-",
        "endpoint": "-",
        "purpose": "-",
    }
    for action in ["view", "create", "update", "disclose"]:
        with pytest.raises(IntegrityError), transaction.atomic():
            AccessLogEntry.objects.create(action=action, household_id=None, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessLogEntry.objects.create(action="login", household_id=world.household.id, **fields)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a deferred constraint trigger: PostgreSQL only")
@pytest.mark.parametrize("household", [True, False], ids=["one household", "a list"])
def test_postgresql_refuses_at_commit_a_case_entry_without_its_subject_rows(world, household):
    fields = {
        "at": timezone.now(),
        "username": "x",
        "role": "social_worker",
        "what": "-",
        "endpoint": "-",
        "purpose": "-",
    }
    action, household_id = ("view", world.household.id) if household else ("list", None)
    with pytest.raises(IntegrityError, match="names no household"), transaction.atomic():
        AccessLogEntry.objects.create(action=action, household_id=household_id, **fields)
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # what COMMIT does; the test's transaction never commits
    with transaction.atomic():  # with its subject row: accepted
        entry = AccessLogEntry.objects.create(action=action, household_id=household_id, **fields)
        AccessLogSubject.objects.create(entry=entry, household_id=world.household.id, at=entry.at)
        raw("SET CONSTRAINTS ALL IMMEDIATE")
    raw("SET CONSTRAINTS ALL DEFERRED")


# The data migration: entries from before the subject table.


def old_entry(world, action, household_id=None, person_id=None, user=None, minutes=0):
    """An entry as written before migration 0005: no subject row; a list row named its one household."""
    user = user or world.worker
    return AccessLogEntry.objects.create(
        at=timezone.now() - datetime.timedelta(minutes=minutes),
        user=user,
        username=user.username,
        role=user.role,
        teams="Team Noord (1)",
        household_id=household_id,
        person_id=person_id,
        action=action,
        what=f"old {action}",
        endpoint="GET /oud/",
        purpose="casework",
        ip="192.0.2.1",
        user_agent="Oude browser",
    )


def test_the_data_migration_gives_every_old_entry_its_subject_row_and_keeps_every_fact(world):
    household, other = world.household, world.other_household
    anna = household.members.get()
    old = [
        old_entry(world, "view", household.id, anna.id, minutes=9),
        old_entry(world, "list", household.id, minutes=8),
        old_entry(world, "list", other.id, minutes=8),  # the same old list page, its second row
        old_entry(world, "update", household.id, user=world.colleague, minutes=7),
        old_entry(world, "refused", household.id, user=world.other_worker, minutes=6),
        old_entry(world, "refused", None, user=world.other_worker, minutes=5),
        old_entry(world, "disclose", household.id, anna.id, minutes=4),
        old_entry(world, "login", None, minutes=3),
    ]
    entries_before = list(AccessLogEntry.objects.order_by("id").values())
    added = copy_subjects(None, SimpleNamespace(connection=connection), batch=2)
    assert added == 6
    assert list(AccessLogEntry.objects.order_by("id").values()) == entries_before  # nothing rewritten
    assert subject_rows() == [(e.id, e.household_id, e.person_id, e.at) for e in old if e.household_id is not None]
    assert [(a, u) for a, u, _e, _p in who_saw(household.id)] == [
        ("disclose", "worker"),
        ("refused", world.other_worker.username),
        ("update", world.colleague.username),
        ("list", "worker"),
        ("view", "worker"),
    ]
    assert [(a, u) for a, u, _e, _p in who_saw(other.id)] == [("list", "worker")]
    # New entries written since are left alone, and a second run adds nothing.
    access_log_record(access=world.access(), household_id=household.id, action=AccessAction.VIEW, what="new")
    assert copy_subjects(None, SimpleNamespace(connection=connection), batch=3) == 0
    assert AccessLogSubject.objects.count() == 7


def test_the_privacy_officer_finds_a_household_by_its_number(world, client):
    second = HouseholdFactory(team=world.team)
    access_log_record_many(
        access=world.access(), household_ids=[world.household.id, second.id], action=AccessAction.LIST, what="caseload"
    )
    access_log_record(access=world.access(), household_id=world.household.id, action=AccessAction.VIEW, what="hh")
    access_log_record(access=world.access(), household_id=second.id, action=AccessAction.VIEW, what="second")
    login_verified(client, UserFactory(username="privacy", privacy_officer=True))
    for term in [f"HH-{world.household.id:06d}", str(world.household.id)]:
        response = client.get("/beheer/privacy/accesslogentry/", {"q": term})
        assert response.status_code == 200
        assert [e.what for e in response.context["cl"].result_list] == ["hh", "caseload"]
    page = client.get("/beheer/privacy/accesslogentry/").content.decode()
    assert f"HH-{world.household.id:06d}" in page and ("2 households" in page or "2 huishoudens" in page)
    listed = AccessLogEntry.objects.get(action="list")
    detail = client.get(f"/beheer/privacy/accesslogentry/{listed.id}/change/").content.decode()
    assert f"HH-{world.household.id:06d}, HH-{second.id:06d}" in detail
