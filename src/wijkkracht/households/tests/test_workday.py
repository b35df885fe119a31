"""A worker's day in households: a no-show is not contact, planned appointments, tasks made by hand (and
cancelled, and completed in place), team tasks, the contact-person change with its reason, and a closed
household that can only be read. Bad input: a clear Dutch message, 400 in the API, nothing saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wijkkracht.households import selectors, services
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    ContactPersonChange,
    Household,
    HouseholdStatus,
    Person,
    Task,
    TaskStatus,
)
from wijkkracht.households.tests.factories import ContactFactory, TaskFactory
from wijkkracht.privacy.models import AccessLogEntry

TODAY = timezone.localdate


#: Until the lead compiles the Dutch catalogue, new messages read in English: accept either (Dutch first).
def says(text: str, dutch: str, english: str) -> bool:
    return dutch in text or english in text


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def figures(household: Household) -> Household:
    return selectors.with_household_figures(Household.objects.filter(id=household.id), TODAY()).get()


def log(world, **kwargs):
    arguments = {"access": world.access(), "household": world.household, "kind": ContactKind.PHONE, "date": TODAY()}
    return services.contact_log(**(arguments | kwargs))


# --- a no-show is not contact ---------------------------------------------------------------------------


class TestNoShowIsNotContact:
    def test_a_no_show_does_not_reset_the_last_contact(self, world):
        log(world, date=days(-5), duration_minutes=30)
        log(world, kind=ContactKind.NO_SHOW, date=TODAY())
        assert figures(world.household).last_contact_date == days(-5)

    def test_a_household_with_only_no_shows_has_no_last_contact(self, world):
        log(world, kind=ContactKind.NO_SHOW, date=days(-1))
        assert figures(world.household).last_contact_date is None

    def test_a_planned_appointment_is_not_contact_until_its_day(self, world):
        log(world, date=days(-3), duration_minutes=20)
        log(world, kind=ContactKind.HOME_VISIT, date=days(4))
        assert figures(world.household).last_contact_date == days(-3)

    def test_a_contact_that_happened_counts(self, world):
        log(world, date=days(-3), duration_minutes=20)
        log(world, date=TODAY(), duration_minutes=0)
        assert figures(world.household).last_contact_date == TODAY()


class TestDuration:
    def test_a_no_show_is_saved_without_duration(self, world):
        contact = log(world, kind=ContactKind.NO_SHOW)
        assert Contact.objects.get(id=contact.id).duration_minutes is None

    @pytest.mark.parametrize(
        ("kwargs", "field", "fragment"),
        [
            ({"kind": ContactKind.NO_SHOW, "duration_minutes": 0}, "duration_minutes", ("geen duur", "no duration")),
            ({"kind": ContactKind.NO_SHOW, "duration_minutes": 30}, "duration_minutes", ("geen duur", "no duration")),
            ({"kind": ContactKind.PHONE}, "duration_minutes", ("duur", "duration")),
            ({"kind": ContactKind.PHONE, "duration_minutes": 721}, "duration_minutes", ("720", "720")),
            ({"kind": ContactKind.NO_SHOW, "date": days(2)}, "date", ("toekomst", "future")),
            ({"kind": ContactKind.PHONE, "date": days(400)}, "date", ("jaar", "year")),
        ],
    )
    def test_bad_durations_and_dates_are_refused_and_nothing_is_saved(self, world, kwargs, field, fragment):
        with pytest.raises(ValidationError) as caught:
            log(world, **kwargs)
        assert says(" ".join(caught.value.message_dict[field]), *fragment)
        assert not Contact.objects.exists() and not Task.objects.exists()
        assert not AccessLogEntry.objects.filter(action="create").exists()

    def test_the_database_refuses_a_no_show_with_a_duration(self, world):
        from django.db import IntegrityError, transaction

        with pytest.raises(IntegrityError), transaction.atomic():
            ContactFactory(household=world.household, kind=ContactKind.NO_SHOW, duration_minutes=10)

    def test_an_appointment_needs_no_duration_and_creates_no_task(self, world):
        contact = log(world, kind=ContactKind.HOME_VISIT, date=days(7))
        assert contact.duration_minutes is None and not Task.objects.exists()
        assert AccessLogEntry.objects.get(action="create").what == "appointment (home_visit)"


class TestContactPages:
    def test_the_form_says_when_the_duration_is_needed(self, world, client):
        client.force_login(world.worker)
        content = client.get(f"/huishoudens/{world.household.id}/contacten/nieuw/").content.decode()
        assert "niet bij niet verschenen" in content or "not for a no-show" in content
        assert "(niet verplicht)" not in content.split("Duur in minuten")[1].split("</label>")[0]

    def test_no_show_with_duration_is_refused_on_the_field(self, world, client):
        client.force_login(world.worker)
        response = client.post(
            f"/huishoudens/{world.household.id}/contacten/nieuw/",
            {"kind": "no_show", "date": TODAY().isoformat(), "duration_minutes": "30"},
        )
        assert response.status_code == 200
        assert says(" ".join(response.context["form"].errors["duration_minutes"]), "geen duur", "no duration")
        assert not Contact.objects.exists()

    def test_planning_an_appointment_says_so_in_dutch_words(self, world, client):
        client.force_login(world.worker)
        response = client.post(
            f"/huishoudens/{world.household.id}/contacten/nieuw/",
            {"kind": "home_visit", "date": days(3).isoformat()},
            follow=True,
        )
        assert Contact.objects.get().date == days(3)
        month = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                 "oktober", "november", "december"][days(3).month - 1]  # fmt: skip
        assert f"{days(3).day} {month} {days(3).year}" in response.content.decode()

    def test_the_follow_up_date_is_in_dutch_words(self, world, client):
        client.force_login(world.worker)
        response = client.post(
            f"/huishoudens/{world.household.id}/contacten/nieuw/",
            {"kind": "no_show", "date": TODAY().isoformat()},
            follow=True,
        )
        due = Task.objects.get().due_date
        assert due.strftime("%d-%m-%Y") not in response.content.decode()
        assert f"{due.day} " in response.content.decode()


class TestContactsApi:
    def test_no_show_with_duration_is_400_and_nothing_saved(self, world, api):
        api.force_authenticate(world.worker)
        payload = {"household": world.household.id, "kind": "no_show", "date": TODAY().isoformat()}
        response = api.post("/api/v1/contacts/", payload | {"duration_minutes": 15}, format="json")
        assert response.status_code == 400 and says(response.json()["duration_minutes"][0], "geen duur", "no duration")
        assert not Contact.objects.exists()
        response = api.post("/api/v1/contacts/", payload | {"duration_minutes": None}, format="json")
        assert response.status_code == 201 and response.json()["duration_minutes"] is None

    def test_a_contact_that_happened_needs_a_duration(self, world, api):
        api.force_authenticate(world.worker)
        payload = {"household": world.household.id, "kind": "phone", "date": TODAY().isoformat()}
        response = api.post("/api/v1/contacts/", payload, format="json")
        assert response.status_code == 400 and "duration_minutes" in response.json()
        assert not Contact.objects.exists()

    def test_filters_mine_and_dates(self, world, api):
        mine = log(world, kind=ContactKind.OFFICE, date=days(2))
        log(world, access=world.access(world.colleague), kind=ContactKind.OFFICE, date=days(2))
        log(world, date=days(-2), duration_minutes=10)
        api.force_authenticate(world.worker)
        response = api.get(f"/api/v1/contacts/?mine=true&date_from={TODAY().isoformat()}")
        assert [row["id"] for row in response.json()["results"]] == [mine.id]
        response = api.get(f"/api/v1/contacts/?date_from={days(1).isoformat()}&date_to={days(3).isoformat()}")
        assert len(response.json()["results"]) == 2

    @pytest.mark.parametrize(
        "query", ["date_from=2026-13-01", "date_from=2026-05-02&date_to=2026-05-01", "mine=misschien", "worker=1"]
    )
    def test_bad_filters_are_400(self, world, api, query):
        api.force_authenticate(world.worker)
        assert api.get(f"/api/v1/contacts/?{query}").status_code == 400


class TestAppointments:
    def test_the_workers_appointments_in_visible_households(self, world):
        log(world, kind=ContactKind.HOME_VISIT, date=TODAY(), duration_minutes=45)  # happened today: not one
        later = log(world, kind=ContactKind.OFFICE, date=days(5))
        log(world, date=days(-1), duration_minutes=10)  # past: not an appointment
        log(world, kind=ContactKind.OFFICE, date=days(20))  # outside the week
        log(world, access=world.access(world.colleague), kind=ContactKind.OFFICE, date=days(2))  # someone else's
        found = selectors.appointment_list_for_user(
            access=world.access(), worker=world.worker, date_from=days(-7), date_to=days(7)
        )
        assert [contact.id for contact in found] == [later.id]

    @pytest.mark.parametrize("who", ["other_worker", "policy_officer", "functional_admin"])
    def test_others_see_no_appointments(self, world, who):
        log(world, kind=ContactKind.OFFICE, date=days(2))
        found = selectors.appointment_list_for_user(
            access=world.access(getattr(world, who)), worker=world.worker, date_from=TODAY(), date_to=days(7)
        )
        assert list(found) == []


# --- tasks made by hand ---------------------------------------------------------------------------------


def create_task(world, **kwargs):
    arguments = {
        "access": world.access(),
        "household": world.household,
        "title": "Verhuurder bellen",
        "due_date": days(3),
        "assigned_to_id": world.colleague.id,
    }
    return services.task_create(**(arguments | kwargs))


class TestTaskCreate:
    def test_a_task_for_a_colleague(self, world):
        task = create_task(world)
        task.refresh_from_db()
        assert (task.team, task.assigned_to, task.created_by, task.status) == (
            world.team,
            world.colleague,
            world.worker,
            TaskStatus.OPEN,
        )
        assert AccessLogEntry.objects.filter(household_id=world.household.id, action="create", what="task").exists()

    @pytest.mark.parametrize(
        ("kwargs", "field", "fragment"),
        [
            ({"due_date": days(-1)}, "due_date", ("verleden", "past")),
            ({"due_date": days(400)}, "due_date", ("jaar", "year")),
            ({"title": "   "}, "title", ("Beschrijf", "Describe")),
            ({"title": "x" * 201}, "title", ("200", "200")),
            ({"assigned_to_id": 987654}, "assigned_to", ("team", "team")),
        ],
    )
    def test_bad_tasks_are_refused_and_nothing_is_saved(self, world, kwargs, field, fragment):
        with pytest.raises(ValidationError) as caught:
            create_task(world, **kwargs)
        assert says(" ".join(caught.value.message_dict[field]), *fragment)
        assert not Task.objects.exists()

    @pytest.mark.parametrize("who", ["other_worker", "policy_officer", "regisseur"])
    def test_only_the_households_team_can_be_assigned(self, world, who):
        with pytest.raises(ValidationError) as caught:
            create_task(world, assigned_to_id=getattr(world, who).id)
        assert "assigned_to" in caught.value.message_dict
        assert not Task.objects.exists()

    def test_page_creates_a_task_and_refuses_a_past_date(self, world, client):
        client.force_login(world.worker)
        url = f"/huishoudens/{world.household.id}/taken/nieuw/"
        page = client.get(url)
        assert page.status_code == 200 and "---------" not in page.content.decode()
        response = client.post(
            url, {"title": "Bellen", "due_date": days(-1).isoformat(), "assigned_to": world.colleague.id}
        )
        assert response.status_code == 200 and "due_date" in response.context["form"].errors
        assert not Task.objects.exists()
        response = client.post(
            url, {"title": "Bellen", "due_date": days(1).isoformat(), "assigned_to": world.worker.id}
        )
        assert response.status_code == 302 and response["Location"] == f"/huishoudens/{world.household.id}/"
        assert Task.objects.get().title == "Bellen"

    def test_api_creates_a_task_and_refuses_bad_input(self, world, api):
        api.force_authenticate(world.worker)
        payload = {
            "household": world.household.id,
            "title": "Bellen",
            "due_date": days(1).isoformat(),
            "assigned_to": world.colleague.id,
        }
        response = api.post("/api/v1/tasks/", payload | {"due_date": days(-2).isoformat()}, format="json")
        assert response.status_code == 400 and says(response.json()["due_date"][0], "verleden", "past")
        assert not Task.objects.exists()
        response = api.post("/api/v1/tasks/", payload, format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["assigned_to"] == world.colleague.id and response.json()["team"] == world.team.id


class TestTaskCancel:
    def test_cancel_with_reason(self, world):
        task = create_task(world)
        services.task_cancel(access=world.access(world.colleague), task=task, reason="Zelf geregeld")
        task.refresh_from_db()
        assert (task.status, task.reason, task.done_by) == (TaskStatus.CANCELLED, "Zelf geregeld", world.colleague)
        with pytest.raises(ValidationError) as caught:
            services.task_cancel(access=world.access(), task=task, reason="Nog eens")
        assert says(caught.value.message_dict["status"][0], "vervallen", "cancelled")
        with pytest.raises(ValidationError):
            services.task_complete(access=world.access(), task=task)
        task.refresh_from_db()
        assert task.status == TaskStatus.CANCELLED

    def test_cancel_needs_a_reason(self, world):
        task = create_task(world)
        with pytest.raises(ValidationError) as caught:
            services.task_cancel(access=world.access(), task=task, reason="  ")
        assert "reason" in caught.value.message_dict
        task.refresh_from_db()
        assert task.status == TaskStatus.OPEN

    def test_cancel_page_and_api(self, world, client, api):
        first, second = create_task(world), create_task(world, title="Tweede")
        client.force_login(world.worker)
        url = f"/huishoudens/taken/{first.id}/annuleren/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"reason": ""})
        assert response.status_code == 200 and "reason" in response.context["form"].errors
        response = client.post(url, {"reason": "Niet meer nodig"})
        assert response.status_code == 302
        api.force_authenticate(world.worker)
        response = api.post(f"/api/v1/tasks/{second.id}/cancel/", {"reason": ""}, format="json")
        assert response.status_code == 400 and "reason" in response.json()
        response = api.post(f"/api/v1/tasks/{second.id}/cancel/", {"reason": "Dubbel"}, format="json")
        assert response.status_code == 200 and response.json()["status"] == "cancelled"
        assert set(Task.objects.values_list("status", flat=True)) == {"cancelled"}


class TestTaskLists:
    def test_filters_and_overdue_first(self, world, api):
        later = TaskFactory(household=world.household, due_date=days(5))
        overdue = TaskFactory(household=world.household, due_date=days(-2))
        soon = TaskFactory(household=world.household, due_date=days(1), assigned_to=world.colleague)
        done = TaskFactory(household=world.household, due_date=days(-9), status=TaskStatus.DONE, done_at=timezone.now())
        api.force_authenticate(world.worker)

        def ids(query: str) -> list[int]:
            response = api.get(f"/api/v1/tasks/?{query}")
            assert response.status_code == 200, response.json()
            return [row["id"] for row in response.json()["results"]]

        assert ids("") == [overdue.id, done.id, soon.id, later.id]
        assert ids("mine=true&status=open") == [overdue.id, later.id]
        assert ids("overdue=true") == [overdue.id]
        assert ids(f"due_before={days(2).isoformat()}&status=open") == [overdue.id, soon.id]
        assert api.get("/api/v1/tasks/?due_before=gisteren").status_code == 400

    def test_team_task_without_household_is_seen_by_its_person_and_the_coordinator(self, world):
        team_task = Task.objects.create(
            team=world.team, household=None, assigned_to=world.worker, title="Afstemmen", due_date=days(2)
        )
        seen = {
            who: list(selectors.task_list_for_user(access=world.access(getattr(world, who))))
            for who in ("worker", "coordinator", "colleague", "other_worker", "other_coordinator")
        }
        assert seen["worker"] == [team_task] and seen["coordinator"] == [team_task]
        assert seen["colleague"] == [] and seen["other_worker"] == [] and seen["other_coordinator"] == []

    @pytest.mark.parametrize("who", ["other_worker", "other_coordinator", "policy_officer", "functional_admin"])
    def test_every_task_list_isolates_teams(self, world, who):
        TaskFactory(household=world.household)
        Task.objects.create(team=world.team, household=None, assigned_to=world.worker, title="x", due_date=days(1))
        access = world.access(getattr(world, who))
        assert list(selectors.task_list_for_user(access=access)) == []
        assert list(selectors.task_list_for_user(access=access, mine=True, overdue=False)) == []
        assert list(selectors.contact_list_for_user(access=access, household_id=world.household.id)) == []

    def test_a_team_task_is_completed_and_listed_without_logging_a_household(self, world, api):
        team_task = Task.objects.create(
            team=world.team, household=None, assigned_to=world.worker, title="Afstemmen", due_date=days(2)
        )
        api.force_authenticate(world.coordinator)
        assert [row["id"] for row in api.get("/api/v1/tasks/").json()["results"]] == [team_task.id]
        assert api.get(f"/api/v1/tasks/{team_task.id}/").json()["household"] is None
        response = api.post(f"/api/v1/tasks/{team_task.id}/complete/")
        assert response.status_code == 200 and response.json()["status"] == "done"


class TestCompleteInPlace:
    def test_htmx_replaces_the_row_with_an_announced_confirmation(self, world, client):
        task = TaskFactory(household=world.household, title="Terugbellen")
        client.force_login(world.worker)
        response = client.post(f"/huishoudens/taken/{task.id}/afronden/", headers={"HX-Request": "true"})
        content = response.content.decode()
        assert content.lstrip().startswith("<tr") or f'<tr id="task-{task.id}">' in content
        assert 'role="status"' in content and "Terugbellen" in content
        assert "<form" not in content  # nothing left to complete
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE

    def test_second_completion_with_htmx_says_who_was_first(self, world, client):
        task = TaskFactory(household=world.household)
        services.task_complete(access=world.access(world.colleague), task=task)
        client.force_login(world.worker)
        response = client.post(f"/huishoudens/taken/{task.id}/afronden/", headers={"HX-Request": "true"})
        assert 'role="alert"' in response.content.decode() and str(world.colleague) in response.content.decode()

    def test_without_javascript_it_returns_to_the_page_it_came_from(self, world, client):
        task = TaskFactory(household=world.household)
        client.force_login(world.worker)
        response = client.post(f"/huishoudens/taken/{task.id}/afronden/", {"next": "/huishoudens/mijn/"})
        assert response["Location"] == "/huishoudens/mijn/"
        other = TaskFactory(household=world.household)
        response = client.post(f"/huishoudens/taken/{other.id}/afronden/", {"next": "https://example.org/"})
        assert response["Location"] == f"/huishoudens/{world.household.id}/"


# --- contact-person change with a reason ----------------------------------------------------------------


class TestContactPersonChange:
    def assign(self, world, **kwargs):
        arguments = {
            "access": world.access(world.coordinator),
            "household": world.household,
            "contact_person_id": world.colleague.id,
            "reason": "Nieuwe verdeling",
        }
        return services.household_contact_person_assign(**(arguments | kwargs))

    def test_the_change_is_recorded_with_its_reason(self, world):
        self.assign(world)
        change = ContactPersonChange.objects.get()
        assert (change.from_user, change.to_user, change.reason, change.changed_by) == (
            world.worker,
            world.colleague,
            "Nieuwe verdeling",
            world.coordinator,
        )
        assert list(selectors.contact_person_history(world.household)) == [change]

    @pytest.mark.parametrize(
        ("kwargs", "field"),
        [
            ({"reason": ""}, "reason"),
            ({"reason": "x" * 501}, "reason"),
            ({"contact_person_id": None}, "contact_person"),
        ],
    )
    def test_bad_changes_are_refused_and_nothing_is_saved(self, world, kwargs, field):
        if kwargs.get("contact_person_id", 0) is None:
            kwargs = {"contact_person_id": world.worker.id}  # already the contact person
        with pytest.raises(ValidationError) as caught:
            self.assign(world, **kwargs)
        assert field in caught.value.message_dict
        world.household.refresh_from_db()
        assert world.household.contact_person == world.worker and not ContactPersonChange.objects.exists()

    def test_the_page_shows_the_current_contact_person_and_takes_the_reason(self, world, client):
        client.force_login(world.coordinator)
        url = f"/huishoudens/{world.household.id}/aanspreekpunt/"
        page = client.get(url)
        content = page.content.decode()
        assert str(world.worker) in content.split('<form method="post" class="form"')[0]  # named above the form
        choices = [str(value) for value, _label in page.context["form"].fields["contact_person"].choices]
        assert str(world.worker.id) not in choices and "---------" not in content
        response = client.post(url, {"contact_person": world.colleague.id, "reason": ""})
        assert response.status_code == 200 and "reason" in response.context["form"].errors
        assert not ContactPersonChange.objects.exists()
        response = client.post(url, {"contact_person": world.colleague.id, "reason": "Ziekte"})
        assert response.status_code == 302
        assert ContactPersonChange.objects.get().reason == "Ziekte"


# --- a closed household can only be read ----------------------------------------------------------------


@pytest.fixture
def closed(world) -> Household:
    Household.objects.filter(id=world.household.id).update(status=HouseholdStatus.CLOSED)
    world.household.refresh_from_db()
    return world.household


class TestClosedHouseholdIsReadOnly:
    def writes(self, world, household):
        person = household.members.get()
        member = services.MemberData("Kees", "Jansen", datetime.date(1990, 1, 1), "partner")
        return {
            "member add": lambda: services.household_member_add(
                access=world.access(), household=household, member=member
            ),
            "member update": lambda: services.person_update(
                access=world.access(), person=person, expected_version=person.lock_version, member=member
            ),
            "address": lambda: services.household_address_update(
                access=world.access(),
                household=household,
                expected_version=household.lock_version,
                name="Anders",
                postcode=household.postcode,
                house_number=household.house_number,
            ),
            "contact": lambda: log(world, household=household, duration_minutes=5),
            "task": lambda: create_task(world, household=household),
        }

    @pytest.mark.parametrize("what", ["member add", "member update", "address", "contact", "task"])
    def test_every_write_is_refused_with_the_reopen_hint(self, world, closed, what):
        before = (Person.objects.count(), Contact.objects.count(), Task.objects.count())
        with pytest.raises(ValidationError) as caught:
            self.writes(world, closed)[what]()
        assert says(" ".join(caught.value.messages), "heropenen", "reopen")
        closed.refresh_from_db()
        assert closed.name == "Jansen" and closed.members.get().first_name == "Anna"
        assert (Person.objects.count(), Contact.objects.count(), Task.objects.count()) == before

    def test_diagnosis_writes_are_refused_too(self, world, closed):
        from wijkkracht.diagnosis import services as diagnosis_services

        with pytest.raises(ValidationError) as caught:
            diagnosis_services.work_score_waiver_record(
                access=world.access(), person=closed.members.get(), reason="Mantelzorger"
            )
        assert says(" ".join(caught.value.messages), "heropenen", "reopen")
        with pytest.raises(ValidationError) as caught:
            diagnosis_services.measurement_start(
                access=world.access(), household=closed, instrument_code="integrale-nulmeting", date=TODAY()
            )
        assert says(" ".join(caught.value.messages), "heropenen", "reopen")

    def test_the_api_answers_400_with_the_message(self, world, closed, api):
        api.force_authenticate(world.worker)
        response = api.post(
            "/api/v1/contacts/",
            {"household": closed.id, "kind": "phone", "date": TODAY().isoformat(), "duration_minutes": 5},
            format="json",
        )
        assert response.status_code == 400 and says(response.json()["household"][0], "heropenen", "reopen")
        assert not Contact.objects.exists()


# --- every new endpoint: others get nothing -------------------------------------------------------------


@pytest.mark.parametrize("who", ["other_worker", "policy_officer", "functional_admin"])
def test_new_endpoints_give_others_nothing(world, api, client, who):
    user = getattr(world, who)
    task = TaskFactory(household=world.household)
    team_task = Task.objects.create(
        team=world.team, household=None, assigned_to=world.worker, title="Afstemmen", due_date=days(1)
    )
    ContactFactory(household=world.household, date=days(3), duration_minutes=None)
    api.force_authenticate(user)
    payload = {"household": world.household.id, "title": "x", "due_date": days(1).isoformat(), "assigned_to": user.id}
    assert api.post("/api/v1/tasks/", payload, format="json").status_code in (403, 404)
    for pk in (task.id, team_task.id):
        assert api.post(f"/api/v1/tasks/{pk}/cancel/", {"reason": "x"}, format="json").status_code in (403, 404)
        assert api.get(f"/api/v1/tasks/{pk}/").status_code in (403, 404)
    for query in ("", "mine=true", "overdue=true", f"due_before={days(9).isoformat()}"):
        response = api.get(f"/api/v1/tasks/?{query}")
        assert response.status_code == 403 or response.json()["results"] == []
    response = api.get(f"/api/v1/contacts/?date_from={TODAY().isoformat()}")
    assert response.status_code == 403 or response.json()["results"] == []
    client.force_login(user)

    def refused(response) -> bool:  # an administrator is first sent to set up the second factor
        return response.status_code in (403, 404) or "/tweestapsverificatie/" in response.get("Location", "")

    assert refused(client.get(f"/huishoudens/{world.household.id}/taken/nieuw/"))
    assert refused(client.get(f"/huishoudens/taken/{task.id}/annuleren/"))
    assert refused(client.post(f"/huishoudens/taken/{team_task.id}/annuleren/", {"reason": "x"}))
    assert set(Task.objects.values_list("status", flat=True)) == {"open"} and Task.objects.count() == 2


def test_todays_contact_that_happened_is_not_an_appointment_but_todays_planned_one_is(world):
    today = timezone.localdate()
    happened = ContactFactory(household=world.household, worker=world.worker, date=today, duration_minutes=45)
    planned = ContactFactory(household=world.household, worker=world.worker, date=today, duration_minutes=None)
    later = ContactFactory(
        household=world.household, worker=world.worker, date=today + datetime.timedelta(days=2), duration_minutes=None
    )
    found = selectors.appointment_list_for_user(
        access=world.access(), worker=world.worker, date_from=today, date_to=today + datetime.timedelta(days=6)
    )
    assert [contact.id for contact in found] == [planned.id, later.id]
    assert happened.id not in {contact.id for contact in found}


@pytest.mark.parametrize("page", ["wijzigen/", "leden/nieuw/", "contacten/nieuw/", "taken/nieuw/", "aanspreekpunt/"])
def test_a_closed_households_forms_are_not_offered(world, client, page):
    """The forms of a closed household lead back to its page with the reason, instead of a form whose every
    submission would be refused."""
    world.household.status = HouseholdStatus.CLOSED
    world.household.save(update_fields=["status"])
    client.force_login(world.coordinator)
    response = client.get(f"/huishoudens/{world.household.id}/{page}", follow=True)
    assert response.redirect_chain[-1][0] == f"/huishoudens/{world.household.id}/"
    assert "form" not in response.context or response.context.get("form") is None


def test_the_second_line_gets_no_team_menu(world, client):
    client.force_login(world.regisseur)
    page = client.get("/huishoudens/mijn/").content.decode()
    assert "/huishoudens/team/" not in page and "/huishoudens/nieuw/" not in page
    client.force_login(world.worker)
    page = client.get("/huishoudens/mijn/").content.decode()
    assert "/huishoudens/team/" in page and "/huishoudens/nieuw/" in page
