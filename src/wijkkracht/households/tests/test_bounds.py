"""Bounds on what a person types, the same on the pages and in the API: a clear message on the field and
nothing saved (every test reads the data back)."""

import datetime
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wijkkracht.common.validation import latest_ahead, validate_name
from wijkkracht.households.models import Contact, Household, Person
from wijkkracht.households.tests.test_api import household_payload
from wijkkracht.households.tests.test_views import register_data

TODAY = timezone.localdate
ZERO_WIDTH_SPACE, RTL_OVERRIDE = "\u200b", "\u202e"


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), Contact.objects.count()


def api_errors(response) -> str:
    return str(response.json())


# --- names without invisible characters ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [f"Jan{ZERO_WIDTH_SPACE}sen", f"{RTL_OVERRIDE}nesnaJ", "Jan\x00sen", "Jan\nsen"])
def test_a_household_name_with_invisible_characters_is_refused_on_the_page_and_in_the_api(world, client, api, bad):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()

    page = client.post("/huishoudens/nieuw/", register_data(world, name=bad))
    response = api.post("/api/v1/households/", household_payload(world, name=bad), format="json")

    assert page.status_code == 200 and page.context["form"].errors["name"]
    assert response.status_code == 400 and response.json()["name"]
    assert counts() == before


def test_invisible_characters_are_named_in_the_message(world, api):
    api.force_authenticate(world.worker)
    payload = household_payload(world)
    payload["members"][1]["first_name"] = f"B{ZERO_WIDTH_SPACE}o"
    response = api.post("/api/v1/households/", payload, format="json")
    assert response.status_code == 400 and "U+200B" in response.json()["members.1.first_name"][0]
    assert not Household.objects.filter(name="De Vries").exists()


def test_a_member_name_of_only_format_characters_is_refused_when_corrected(world, client, api):
    anna = world.household.members.get()
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    data = {"first_name": "\u2060\u200b", "last_name": "Jansen", "date_of_birth": "1985-03-14", "role": "parent"}

    page = client.post(f"/huishoudens/{world.household.id}/leden/{anna.id}/", data | {"expected_version": "1"})
    response = api.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "\u200b", "lock_version": 1}, format="json")

    assert page.status_code == 200 and page.context["form"].errors["first_name"]
    assert response.status_code == 400 and response.json()["first_name"]
    anna.refresh_from_db()
    assert anna.first_name == "Anna" and anna.lock_version == 1


INVISIBLE = st.characters(categories=["Cc", "Cf"])


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=st.text(max_size=10), invisible=INVISIBLE, after=st.text(max_size=10))
def test_a_name_with_any_control_or_format_character_is_always_refused(before, invisible, after):
    with pytest.raises(ValidationError):
        validate_name(before + invisible + after)


@given(st.text(alphabet=st.characters(categories=["L", "M", "Zs", "Pd", "Po"]), min_size=1, max_size=40))
def test_a_visible_name_is_accepted_unless_blank(name):
    if name.strip():
        validate_name(name)
    else:
        with pytest.raises(ValidationError):
            validate_name(name)
    assert not any(unicodedata.category(char) in ("Cc", "Cf") for char in name)


# --- date of birth -------------------------------------------------------------------------------------


def test_a_birth_date_before_1900_is_refused_on_the_page_and_in_the_api(world, client, api):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()
    member = {"first_name": "Oud", "last_name": "Jansen", "date_of_birth": "1899-12-31", "role": "other"}

    page = client.post(f"/huishoudens/{world.household.id}/leden/nieuw/", member)
    response = api.post("/api/v1/persons/", member | {"household": world.household.id}, format="json")

    assert page.status_code == 200 and "1900" in str(page.context["form"].errors["date_of_birth"])
    assert response.status_code == 400 and "1900" in api_errors(response)
    assert counts() == before
    # 1 January 1900 itself is allowed.
    assert (
        api.post(
            "/api/v1/persons/", member | {"household": world.household.id, "date_of_birth": "1900-01-01"}, format="json"
        ).status_code
        == 201
    )


# --- contact dates -------------------------------------------------------------------------------------


def test_a_contact_before_the_registration_is_refused_on_the_page_and_in_the_api(world, client, api):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()
    too_early = (world.household.registered_on - datetime.timedelta(days=1)).isoformat()
    contact = {"kind": "phone", "date": too_early, "duration_minutes": "10"}

    page = client.post(f"/huishoudens/{world.household.id}/contacten/nieuw/", contact)
    response = api.post("/api/v1/contacts/", contact | {"household": world.household.id}, format="json")

    with translation.override("nl"):
        registered = date_format(world.household.registered_on, "j F Y")
    assert page.status_code == 200 and registered in str(page.context["form"].errors["date"])
    assert response.status_code == 400 and registered in response.json()["date"][0]
    assert counts() == before
    on_the_day = contact | {"household": world.household.id, "date": world.household.registered_on.isoformat()}
    assert api.post("/api/v1/contacts/", on_the_day, format="json").status_code == 201


# --- members per registration ----------------------------------------------------------------------------


def test_at_most_twelve_members_through_the_api_as_through_the_form(world, client, api):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()
    member = {"first_name": "Kind", "last_name": "de Vries", "date_of_birth": "2010-01-01", "role": "child"}

    response = api.post("/api/v1/households/", household_payload(world, members=[member] * 13), format="json")
    data = register_data(world) | {"members-TOTAL_FORMS": "13"}
    for index in range(13):
        data |= {f"members-{index}-{field}": value for field, value in member.items()}
    page = client.post("/huishoudens/nieuw/", data)

    assert response.status_code == 400 and "12" in api_errors(response)
    assert page.status_code == 200 and page.context["formset"].non_form_errors()
    assert counts() == before
    assert (
        api.post("/api/v1/households/", household_payload(world, members=[member] * 12), format="json").status_code
        == 201
    )


# --- house number ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [100_000, 2**31, 2**63])
def test_a_house_number_above_99999_is_refused_on_the_page_and_in_the_api(world, client, api, number):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()

    page = client.post("/huishoudens/nieuw/", register_data(world, house_number=str(number)))
    response = api.post("/api/v1/households/", household_payload(world, house_number=number), format="json")
    edit = api.patch(
        f"/api/v1/households/{world.household.id}/", {"house_number": number, "lock_version": 1}, format="json"
    )

    assert page.status_code == 200 and page.context["form"].errors["house_number"]
    assert response.status_code == 400 and response.json()["house_number"]
    assert edit.status_code == 400 and edit.json()["house_number"]
    assert counts() == before
    assert Household.objects.get(id=world.household.id).house_number != number


def test_every_error_of_a_registration_shows_on_the_first_submit(world, client):
    """A too-high house number must not hide the invisible characters in the names until the next try."""
    client.force_login(world.worker)
    before = counts()
    data = register_data(
        world,
        name=f"Jan{ZERO_WIDTH_SPACE}sen",
        house_number="100000",
        **{"members-0-first_name": f"An{ZERO_WIDTH_SPACE}na"},
    )

    page = client.post("/huishoudens/nieuw/", data)

    assert page.status_code == 200
    form_errors = page.context["form"].errors
    assert form_errors["house_number"] and "U+200B" in str(form_errors["name"])
    assert "U+200B" in str(page.context["formset"].forms[0].errors["first_name"])
    assert counts() == before


def test_the_database_refuses_a_house_number_above_99999(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(id=world.household.id).update(house_number=100_000)
    Household.objects.filter(id=world.household.id).update(house_number=99_999)


# --- the same BSN twice in one registration --------------------------------------------------------------


def test_the_same_bsn_twice_in_one_registration_is_a_field_error_on_the_second_member(world, client, api):
    client.force_login(world.worker)
    api.force_authenticate(world.worker)
    before = counts()

    page = client.post(
        "/huishoudens/nieuw/", register_data(world, **{"members-0-bsn": "111222333", "members-1-bsn": "111222333"})
    )
    payload = household_payload(world)
    payload["members"][1]["bsn"] = payload["members"][0]["bsn"]
    response = api.post("/api/v1/households/", payload, format="json")

    assert page.status_code == 200
    formset = page.context["formset"]
    assert formset.forms[1].errors["bsn"] and not formset.forms[0].errors
    assert response.status_code == 400 and list(response.json()) == ["members.1.bsn"]
    assert counts() == before


# --- deadlines -------------------------------------------------------------------------------------------


def test_five_years_ahead_is_the_last_day_a_deadline_may_lie_on():
    assert latest_ahead(datetime.date(2024, 2, 29)) == datetime.date(2029, 2, 28)
    assert latest_ahead(datetime.date(2026, 11, 29)) == datetime.date(2031, 11, 29)
    assert latest_ahead() > TODAY()
