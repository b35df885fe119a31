"""An adult's income and work situation (issue 11): recorded at intake, kept as history (a change is a new
record, never an update), on the case-file page, its own form and history pages, and in the API."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.casefile import services as lifecycle
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households import selectors, services
from wijkkracht.households.models import (
    Benefit,
    BenefitEndReason,
    HouseholdStatus,
    IncomeWorkRecord,
    PersonRole,
    WorkSituation,
    is_adult,
)
from wijkkracht.households.tests.factories import IncomeWorkRecordFactory, PersonFactory
from wijkkracht.privacy.models import CASE_ACTIONS, AccessLogEntry

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def days_ago(days: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days)


def record(world, person=None, user=None, **overrides):
    """The service with a valid default: WW since 2024, not ended, volunteer work, recorded today."""
    arguments = {
        "benefit": Benefit.WW,
        "benefit_since": datetime.date(2024, 5, 1),
        "benefit_ended_on": None,
        "benefit_end_reason": "",
        "work": WorkSituation.VOLUNTEER,
        "recorded_on": TODAY(),
    } | overrides
    return services.income_work_record(
        access=world.access(user), person=person or world.household.members.get(), **arguments
    )


def records_of(person):
    return list(
        IncomeWorkRecord.objects.filter(person=person)
        .order_by("id")
        .values_list(
            "benefit", "benefit_since", "benefit_ended_on", "benefit_end_reason", "work", "recorded_on", "recorded_by"
        )
    )


def set_status(household, status, regisseur=None):
    household.status = status
    household.second_line_regisseur = regisseur
    household.save(update_fields=["status", "second_line_regisseur"])


# --- the service -----------------------------------------------------------------------------------------


class TestRecord:
    def test_records_the_situation_logs_it_and_keeps_the_earlier_one(self, world):
        anna = world.household.members.get()
        before = records_of(anna)
        assert before == [
            (Benefit.NONE, None, None, "", WorkSituation.NONE, world.household.registered_on, world.worker.id)
        ]

        first = record(world)
        rows = list(AccessLogEntry.objects.filter(action="create").values_list("household_id", "person_id", "what"))
        assert rows == [(world.household.id, anna.id, "income and work situation")]

        # The benefit ended because Anna found part-time work: a new record; the earlier ones stay as they were.
        second = record(
            world,
            user=world.colleague,
            benefit_ended_on=days_ago(1),
            benefit_end_reason=BenefitEndReason.PARTIAL_WORK,
            work=WorkSituation.PAID,
        )
        assert records_of(anna) == [
            *before,
            (Benefit.WW, datetime.date(2024, 5, 1), None, "", WorkSituation.VOLUNTEER, TODAY(), world.worker.id),
            (
                Benefit.WW,
                datetime.date(2024, 5, 1),
                days_ago(1),
                BenefitEndReason.PARTIAL_WORK,
                WorkSituation.PAID,
                TODAY(),
                world.colleague.id,
            ),
        ]
        assert first.id < second.id
        assert selectors.income_work_current(world.household) == {anna.id: second}

    def test_the_current_situation_is_the_latest_by_its_day_not_by_when_it_was_typed(self, world):
        anna = world.household.members.get()
        today = record(world, recorded_on=TODAY())
        record(world, benefit=Benefit.WAJONG, benefit_since=None, recorded_on=days_ago(2))  # typed later, older day
        assert selectors.income_work_current(world.household)[anna.id] == today
        history = selectors.income_work_list_for_user(access=world.access(), person_id=anna.id)
        assert [item.recorded_on for item in history] == [TODAY(), days_ago(2), world.household.registered_on]
        current = selectors.income_work_list_for_user(access=world.access(), current=True)
        assert list(current) == [today]  # Piet's is in the other team's household

    def test_a_person_without_a_benefit_and_an_ended_benefit_with_every_reason(self, world):
        anna = world.household.members.get()
        record(world, benefit=Benefit.NONE, benefit_since=None, work=WorkSituation.WORK_EXPERIENCE)
        for reason in BenefitEndReason.values:
            record(world, benefit_ended_on=days_ago(3), benefit_end_reason=reason)
        assert IncomeWorkRecord.objects.filter(person=anna).count() == 2 + len(BenefitEndReason.values)


BAD_INPUT = [
    ("unknown benefit", {"benefit": "toeslag"}, "benefit"),
    ("unknown work", {"work": "zzp"}, "work"),
    ("unknown reason", {"benefit_ended_on": days_ago(1), "benefit_end_reason": "pensioen"}, "benefit_end_reason"),
    ("recorded in the future", {"recorded_on": TODAY() + DAY}, "recorded_on"),
    ("recorded before the registration", {"recorded_on": days_ago(8)}, "recorded_on"),
    ("benefit since in the future", {"benefit_since": TODAY() + DAY}, "benefit_since"),
    (
        "benefit ended in the future",
        {"benefit_ended_on": TODAY() + DAY, "benefit_end_reason": "work"},
        "benefit_ended_on",
    ),
    (
        "ended before it started",
        {"benefit_since": days_ago(3), "benefit_ended_on": days_ago(4), "benefit_end_reason": "work"},
        "benefit_ended_on",
    ),
    ("an end without a reason", {"benefit_ended_on": days_ago(1)}, "benefit_end_reason"),
    ("a reason without an end", {"benefit_end_reason": "work"}, "benefit_ended_on"),
    ("no benefit with a start", {"benefit": "none", "benefit_since": days_ago(30)}, "benefit_since"),
    (
        "no benefit with an end",
        {"benefit": "none", "benefit_since": None, "benefit_ended_on": days_ago(1)},
        "benefit_ended_on",
    ),
    (
        "no benefit with a reason",
        {"benefit": "none", "benefit_since": None, "benefit_end_reason": "work"},
        "benefit_end_reason",
    ),
    (
        "a date after the day of the record",
        {"recorded_on": days_ago(5), "benefit_since": days_ago(4)},
        "benefit_since",
    ),
]


class TestBadInput:
    @pytest.mark.parametrize(("case", "overrides", "field"), BAD_INPUT, ids=[case for case, _o, _f in BAD_INPUT])
    def test_is_refused_on_its_field_and_nothing_is_saved(self, world, case, overrides, field):
        anna = world.household.members.get()
        before = records_of(anna), AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count()
        with pytest.raises(ValidationError) as caught:
            record(world, **overrides)
        assert list(caught.value.message_dict) == [field], caught.value.message_dict
        assert all(message.strip() for message in caught.value.message_dict[field])
        assert (records_of(anna), AccessLogEntry.objects.filter(action__in=CASE_ACTIONS).count()) == before

    def test_every_problem_is_reported_at_once(self, world):
        with pytest.raises(ValidationError) as caught:
            record(world, benefit="x", work="y", recorded_on=TODAY() + DAY, benefit_since=TODAY() + DAY)
        assert set(caught.value.message_dict) == {"benefit", "work", "recorded_on", "benefit_since"}

    def test_a_child_has_no_income_and_work_situation(self, world):
        child = PersonFactory(household=world.household, role=PersonRole.CHILD, date_of_birth=days_ago(17 * 365))
        with pytest.raises(ValidationError) as caught:
            record(world, person=child)
        assert list(caught.value.message_dict) == ["person"]
        assert "18" in caught.value.message_dict["person"][0]
        assert not IncomeWorkRecord.objects.filter(person=child).exists()

    def test_adulthood_is_judged_on_the_day_of_the_record(self, world):
        """Someone who turned 18 four days ago: a record of a week ago is refused, one of today is not."""
        birthday = TODAY() - datetime.timedelta(days=4)
        born = birthday.replace(year=birthday.year - 18)
        young = PersonFactory(household=world.household, date_of_birth=born)
        assert is_adult(young, TODAY()) and not is_adult(young, days_ago(6))
        with pytest.raises(ValidationError, match="18"):
            record(world, person=young, recorded_on=days_ago(6), benefit_since=None)
        assert record(world, person=young, benefit_since=None).person == young

    @pytest.mark.parametrize("status", [HouseholdStatus.CLOSED, HouseholdStatus.HANDED_OVER])
    def test_a_case_file_the_team_may_only_read_is_refused(self, world, status):
        set_status(
            world.household, status, regisseur=world.regisseur if status == HouseholdStatus.HANDED_OVER else None
        )
        anna = world.household.members.get()
        before = records_of(anna)
        with pytest.raises(ValidationError) as caught:
            record(world)
        assert list(caught.value.message_dict) == ["household"]
        assert records_of(anna) == before
        if status == HouseholdStatus.HANDED_OVER:  # its case director works the case now
            assert record(world, user=world.regisseur).recorded_by == world.regisseur

    @pytest.mark.parametrize("who", ["other_worker", "other_coordinator", "policy_officer", "functional_admin"])
    def test_nobody_outside_the_team_records_anything(self, world, who):
        anna = world.household.members.get()
        before = records_of(anna)
        with pytest.raises(ValidationError):
            record(world, user=getattr(world, who))
        assert records_of(anna) == before


# --- the intake rule -------------------------------------------------------------------------------------


class TestIntakeRule:
    def test_every_adult_needs_a_recorded_situation_before_the_plan(self, world):
        household = world.household
        lifecycle.household_status_change(
            access=world.access(), household=household, to_status=HouseholdStatus.INTAKE, reason="gesprek"
        )
        anna = household.members.get()
        bram = PersonFactory(household=household, first_name="Bram", date_of_birth=datetime.date(1980, 1, 1))
        PersonFactory(household=household, first_name="Kind", date_of_birth=days_ago(3650), role=PersonRole.CHILD)
        for person in (anna, bram):
            take(world, "leefgebiedenmatrix", 2, person=person)
            take(world, "participatieladder", 3, person=person)
        gaps = intake_gaps(household, TODAY())
        assert len(gaps) == 1 and "Bram" in gaps[0] and "Anna" not in gaps[0] and "Kind" not in gaps[0]
        with pytest.raises(ValidationError) as caught:
            lifecycle.household_status_change(
                access=world.access(), household=household, to_status=HouseholdStatus.PLAN, reason="klaar"
            )
        assert "Bram" in caught.value.message_dict["to_status"][0]
        household.refresh_from_db()
        assert household.status == HouseholdStatus.INTAKE

        record(world, person=bram)
        assert intake_gaps(household, TODAY()) == []
        changed = lifecycle.household_status_change(
            access=world.access(), household=household, to_status=HouseholdStatus.PLAN, reason="klaar"
        )
        assert changed.status == HouseholdStatus.PLAN

    def test_a_reason_not_to_score_work_does_not_replace_the_income_situation(self, world):
        bram = PersonFactory(household=world.household, first_name="Bram", date_of_birth=datetime.date(1980, 1, 1))
        diagnosis_services.work_score_waiver_record(access=world.access(), person=bram, reason="Fulltime mantelzorger")
        gaps = [gap for gap in intake_gaps(world.household, TODAY()) if "Bram" in gap]
        assert len(gaps) == 1
        IncomeWorkRecordFactory(person=bram)
        assert not [gap for gap in intake_gaps(world.household, TODAY()) if "Bram" in gap]


# --- pages ------------------------------------------------------------------------------------------------


def form_url(household, person):
    return f"/huishoudens/{household.id}/leden/{person.id}/inkomen-en-werk/nieuw/"


def history_url(household, person):
    return f"/huishoudens/{household.id}/leden/{person.id}/inkomen-en-werk/"


FORM = {
    "benefit": "participatiewet",
    "benefit_since": "2023-02-01",
    "benefit_ended_on": "",
    "benefit_end_reason": "",
    "work": "work_experience",
}


class TestPages:
    def test_the_case_file_shows_each_adult_with_links_and_no_child(self, world, client):
        child = PersonFactory(household=world.household, first_name="Kind", date_of_birth=days_ago(3650))
        bram = PersonFactory(household=world.household, first_name="Bram", date_of_birth=datetime.date(1980, 1, 1))
        anna = world.household.members.get(first_name="Anna")
        record(world, person=anna)
        client.force_login(world.worker)
        page = client.get(f"/huishoudens/{world.household.id}/").content.decode()
        assert 'id="inkomen"' in page
        assert f'id="income-work-person-{anna.id}"' in page and f'id="income-work-person-{bram.id}"' in page
        assert f'id="income-work-person-{child.id}"' not in page
        assert form_url(world.household, anna) in page and history_url(world.household, anna) in page
        assert form_url(world.household, child) not in page
        assert "1 mei 2024" in page  # the benefit's start in Dutch words

    def test_the_form_is_prefilled_with_the_current_situation_and_saves_a_new_one(self, world, client):
        anna = world.household.members.get()
        record(
            world, benefit=Benefit.WAJONG, benefit_since=datetime.date(2020, 3, 1), work=WorkSituation.SUPPORTED_PAID
        )
        client.force_login(world.worker)
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        form = client.get(form_url(world.household, anna))
        assert form.status_code == 200
        html = form.content.decode()
        assert '<option value="wajong" selected>' in html and '<option value="supported_paid" selected>' in html
        assert 'value="2020-03-01"' in html and f'value="{TODAY().isoformat()}"' in html
        assert list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", "person_id")) == [
            ("view", anna.id)
        ]

        response = client.post(form_url(world.household, anna), FORM | {"recorded_on": TODAY().isoformat()})
        assert response.status_code == 302
        assert response.url == f"/huishoudens/{world.household.id}/#inkomen"
        current = selectors.income_work_current(world.household)[anna.id]
        assert (current.benefit, current.benefit_since, current.work, current.recorded_by) == (
            Benefit.PARTICIPATIEWET,
            datetime.date(2023, 2, 1),
            WorkSituation.WORK_EXPERIENCE,
            world.worker,
        )
        assert IncomeWorkRecord.objects.filter(person=anna).count() == 3

    def test_bad_input_comes_back_on_the_form_and_nothing_is_saved(self, world, client):
        anna = world.household.members.get()
        before = records_of(anna)
        client.force_login(world.worker)
        response = client.post(
            form_url(world.household, anna),
            FORM | {"benefit_ended_on": (TODAY() - DAY).isoformat(), "recorded_on": (TODAY() + DAY).isoformat()},
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert set(errors) == {"benefit_end_reason", "recorded_on"}
        assert records_of(anna) == before
        assert 'role="alert"' in response.content.decode() or "error" in response.content.decode()

    def test_the_history_lists_every_situation_newest_first_and_is_logged(self, world, client):
        anna = world.household.members.get()
        record(world, recorded_on=days_ago(3))
        latest = record(world, benefit_ended_on=days_ago(1), benefit_end_reason=BenefitEndReason.WORK, work="paid")
        client.force_login(world.colleague)
        since = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
        response = client.get(history_url(world.household, anna))
        assert response.status_code == 200
        assert [item.id for item in response.context["records"]] == [
            latest.id,
            *IncomeWorkRecord.objects.filter(person=anna)
            .exclude(id=latest.id)
            .order_by("-recorded_on", "-id")
            .values_list("id", flat=True),
        ]
        assert list(AccessLogEntry.objects.filter(id__gt=since).values_list("action", "household_id", "person_id")) == [
            ("view", world.household.id, anna.id)
        ]
        assert form_url(world.household, anna) in response.content.decode()

    def test_a_closed_case_file_shows_the_history_but_not_the_form(self, world, client):
        anna = world.household.members.get()
        set_status(world.household, HouseholdStatus.CLOSED)
        client.force_login(world.worker)
        history = client.get(history_url(world.household, anna))
        assert history.status_code == 200 and form_url(world.household, anna) not in history.content.decode()
        form = client.get(form_url(world.household, anna))
        assert form.status_code == 302 and form.url == f"/huishoudens/{world.household.id}/"
        before = records_of(anna)
        client.post(form_url(world.household, anna), FORM | {"recorded_on": TODAY().isoformat()})
        assert records_of(anna) == before

    @pytest.mark.parametrize("who", ["other_worker", "other_coordinator", "regisseur"])
    def test_another_team_gets_a_404_and_nothing_is_saved(self, world, client, who):
        anna = world.household.members.get()
        before = records_of(anna)
        client.force_login(getattr(world, who))
        assert client.get(form_url(world.household, anna)).status_code == 404
        assert client.get(history_url(world.household, anna)).status_code == 404
        response = client.post(form_url(world.household, anna), FORM | {"recorded_on": TODAY().isoformat()})
        assert response.status_code == 404
        assert records_of(anna) == before
        assert not AccessLogEntry.objects.filter(household_id=world.household.id, action__in=CASE_ACTIONS).exists()

    def test_a_member_of_another_household_is_not_found_through_this_one(self, world, client):
        bram = PersonFactory(first_name="Bram", household__team=world.team, household__contact_person=world.worker)
        client.force_login(world.worker)
        assert client.get(form_url(world.household, bram)).status_code == 404
        assert client.get(history_url(world.household, bram)).status_code == 404


# --- API --------------------------------------------------------------------------------------------------

URL = "/api/v1/income-work-records/"


class TestApi:
    def test_create_list_and_read(self, world, api):
        anna = world.household.members.get()
        api.force_authenticate(world.worker)
        created = api.post(
            URL,
            {
                "person": anna.id,
                "benefit": "wia",
                "benefit_since": "2022-09-01",
                "benefit_ended_on": (TODAY() - DAY).isoformat(),
                "benefit_end_reason": "moved",
                "work": "none",
            },
            format="json",
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert {
            key: body[key]
            for key in ("household", "person", "benefit", "benefit_end_reason", "recorded_on", "recorded_by")
        } == {
            "household": world.household.id,
            "person": anna.id,
            "benefit": "wia",
            "benefit_end_reason": "moved",
            "recorded_on": TODAY().isoformat(),
            "recorded_by": world.worker.id,
        }
        stored = IncomeWorkRecord.objects.get(id=body["id"])
        assert (stored.benefit_since, stored.benefit_ended_on) == (datetime.date(2022, 9, 1), TODAY() - DAY)

        listed = api.get(URL, {"household": world.household.id}).json()
        assert [item["id"] for item in listed["results"]] == [
            body["id"],
            IncomeWorkRecord.objects.get(person=anna, benefit="none").id,
        ]
        assert [item["id"] for item in api.get(URL, {"person": anna.id, "current": "true"}).json()["results"]] == [
            body["id"]
        ]
        assert api.get(URL).json()["count"] == 2  # Piet's record is in the other team's household
        assert api.get(f"{URL}{body['id']}/").json()["benefit"] == "wia"

    BAD = [
        ({"benefit": "toeslag"}, "benefit"),
        ({"work": ""}, "work"),
        ({"benefit_since": "morgen"}, "benefit_since"),
        ({"benefit_end_reason": "pensioen"}, "benefit_end_reason"),
        ({"person": 0}, "person"),
        ({"benefit_end_reason": "work"}, "benefit_ended_on"),
        ({"benefit": "none", "benefit_since": "2024-01-01"}, "benefit_since"),
        ({"recorded_on": "2999-01-01"}, "recorded_on"),
        (
            {"benefit_since": "2024-03-01", "benefit_ended_on": "2024-02-01", "benefit_end_reason": "work"},
            "benefit_ended_on",
        ),
    ]

    @pytest.mark.parametrize(("overrides", "field"), BAD)
    def test_bad_input_is_a_400_on_its_field_and_nothing_is_saved(self, world, api, overrides, field):
        anna = world.household.members.get()
        before = records_of(anna)
        api.force_authenticate(world.worker)
        body = {"person": anna.id, "benefit": "ww", "work": "volunteer"} | overrides
        response = api.post(URL, body, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json(), response.json()
        assert records_of(anna) == before

    def test_a_child_and_a_closed_household_are_refused(self, world, api):
        child = PersonFactory(household=world.household, role=PersonRole.CHILD, date_of_birth=days_ago(2000))
        api.force_authenticate(world.worker)
        refused = api.post(URL, {"person": child.id, "benefit": "none", "work": "none"}, format="json")
        assert refused.status_code == 400 and list(refused.json()) == ["person"]
        set_status(world.household, HouseholdStatus.CLOSED)
        anna = world.household.members.get(first_name="Anna")
        before = records_of(anna)
        closed = api.post(URL, {"person": anna.id, "benefit": "none", "work": "none"}, format="json")
        assert closed.status_code == 400 and list(closed.json()) == ["household"]
        assert records_of(anna) == before and not IncomeWorkRecord.objects.filter(person=child).exists()

    @pytest.mark.parametrize(
        "who", ["other_worker", "other_coordinator", "regisseur", "partner", "policy_officer", "functional_admin"]
    )
    def test_others_get_nothing(self, world, api, who):
        user = UserFactory(username="partner", role=Role.PARTNER) if who == "partner" else getattr(world, who)
        anna = world.household.members.get()
        mine = IncomeWorkRecord.objects.get(person=anna)
        before = IncomeWorkRecord.objects.count()
        api.force_authenticate(user)
        listed = api.get(URL, {"household": world.household.id})
        one = api.get(f"{URL}{mine.id}/")
        created = api.post(URL, {"person": anna.id, "benefit": "none", "work": "none"}, format="json")
        if who in ("other_worker", "other_coordinator", "regisseur"):
            assert listed.status_code == 200 and listed.json()["count"] == 0
            assert one.status_code == 404 and created.status_code == 404
        else:
            assert listed.status_code == one.status_code == created.status_code == 403
        assert IncomeWorkRecord.objects.count() == before
        assert not AccessLogEntry.objects.filter(household_id=world.household.id, action__in=CASE_ACTIONS).exists()
