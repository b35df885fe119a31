"""Optimistic locking of a household's name and address and of a member's details, one request after the
other: the version travels with the page and the API, a stale one is refused with what changed meanwhile
and by whom, and nothing of the refused change is saved."""

import pytest

from wijkkracht.households.models import DetailChange, Household, Person


@pytest.fixture
def anna(world) -> Person:
    return world.household.members.get()


def test_get_returns_the_version_as_etag(world, api, anna):
    api.force_authenticate(world.worker)
    household = api.get(f"/api/v1/households/{world.household.id}/")
    person = api.get(f"/api/v1/persons/{anna.id}/")
    assert household["ETag"] == '"1"' and household.json()["lock_version"] == 1
    assert person["ETag"] == '"1"' and person.json()["lock_version"] == 1
    assert household.json()["members"][0]["lock_version"] == 1


def test_a_stale_body_version_is_refused_with_400_naming_the_change_and_who_made_it(world, api, anna):
    api.force_authenticate(world.colleague)
    assert (
        api.patch(f"/api/v1/persons/{anna.id}/", {"last_name": "Smit", "lock_version": 1}, format="json").status_code
        == 200
    )
    api.force_authenticate(world.worker)

    response = api.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "Annie", "lock_version": 1}, format="json")

    assert response.status_code == 400
    message = response.json()["lock_version"][0]
    assert str(world.colleague) in message and str(Person._meta.get_field("last_name").verbose_name) in message
    anna.refresh_from_db()
    assert (anna.first_name, anna.last_name, anna.lock_version) == ("Anna", "Smit", 2)


def test_a_stale_if_match_is_refused_with_412(world, api):
    api.force_authenticate(world.worker)
    url = f"/api/v1/households/{world.household.id}/"
    first = api.patch(url, {"city": "Utrecht"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200 and first["ETag"] == '"2"'

    stale = api.patch(url, {"city": "Zeist"}, format="json", HTTP_IF_MATCH='"1"')
    fresh = api.patch(url, {"street": "Laan"}, format="json", HTTP_IF_MATCH=first["ETag"])

    assert stale.status_code == 412 and str(world.worker) in stale.json()["lock_version"][0]
    assert fresh.status_code == 200 and fresh["ETag"] == '"3"'
    household = Household.objects.get(id=world.household.id)
    assert (household.city, household.street, household.lock_version) == ("Utrecht", "Laan", 3)


@pytest.mark.parametrize(
    ("headers", "body", "fragment"),
    [
        ({}, {}, "lock_version is required"),
        ({"HTTP_IF_MATCH": "*"}, {}, "If-Match"),
        ({"HTTP_IF_MATCH": '"abc"'}, {}, "If-Match"),
        ({"HTTP_IF_MATCH": '"1"'}, {"lock_version": 2}, "differ"),
        ({}, {"lock_version": 0}, ""),
        ({}, {"lock_version": "x"}, ""),
    ],
)
def test_a_missing_or_malformed_version_is_refused(world, api, anna, headers, body, fragment):
    api.force_authenticate(world.worker)
    headers = {"HTTP_ACCEPT_LANGUAGE": "en", **headers}
    household = api.patch(
        f"/api/v1/households/{world.household.id}/", {"name": "Anders"} | body, format="json", **headers
    )
    person = api.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "Anders"} | body, format="json", **headers)
    for response in (household, person):
        assert response.status_code == 400 and fragment in response.json()["lock_version"][0]
    assert Household.objects.get(id=world.household.id).name == "Jansen"
    assert Person.objects.get(id=anna.id).first_name == "Anna"
    assert not DetailChange.objects.exists()


def test_the_edit_page_carries_the_version_and_refuses_a_stale_one(world, client, anna):
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/wijzigen/"
    form = client.get(url).context["form"]
    assert form.initial["expected_version"] == 1
    data = {"name": "Jansen", "postcode": world.household.postcode, "house_number": "5", "expected_version": "1"}
    assert client.post(url, data).status_code == 302

    stale = client.post(url, data | {"house_number": "6"})

    assert stale.status_code == 200
    errors = " ".join(stale.context["form"].non_field_errors())
    assert str(world.worker) in errors and str(Household._meta.get_field("house_number").verbose_name) in errors
    assert Household.objects.get(id=world.household.id).house_number == 5


def test_a_page_without_its_version_says_so_above_the_form(world, client, anna):
    client.force_login(world.worker)
    url = f"/huishoudens/{world.household.id}/leden/{anna.id}/"
    data = {"first_name": "Annie", "last_name": "Jansen", "date_of_birth": "1985-03-14", "role": "parent"}
    response = client.post(url, data)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert Person.objects.get(id=anna.id).first_name == "Anna"


def test_an_unchanged_save_does_not_move_the_version(world, api, anna):
    api.force_authenticate(world.worker)
    response = api.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "Anna", "lock_version": 1}, format="json")
    assert response.status_code == 200 and response["ETag"] == '"1"'
    assert not DetailChange.objects.exists()


def test_another_team_cannot_learn_or_move_the_version(world, api, anna):
    api.force_authenticate(world.other_worker)
    assert api.get(f"/api/v1/households/{world.household.id}/").status_code == 404
    response = api.patch(f"/api/v1/persons/{anna.id}/", {"first_name": "X"}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 404 and not response.has_header("ETag")
    assert Person.objects.get(id=anna.id).lock_version == 1
