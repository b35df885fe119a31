"""HSDS 3.0 import and export: the specification's examples import, the export validates against the shipped
schemas, import → export → import changes nothing, and a bad file is refused whole with its problems."""

import copy
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from jsonschema import Draft202012Validator, FormatChecker

from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.socialmap.hsds import LEVEL_TAXONOMY, ImportRefused
from wijkkracht.socialmap.models import LogAction, Organization, PyramidLevel, Service, SocialMapLogEntry
from wijkkracht.socialmap.services import socialmap_as_hsds, socialmap_export, socialmap_import
from wijkkracht.socialmap.tests.helpers import (
    EXAMPLES,
    as_file,
    database_snapshot,
    hsds_reference,
    new_id,
    organization,
    service,
)
from wijkkracht.teams.tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(functional_admin=True)


def run_import(admin, data):
    stream, size = as_file(data)
    return socialmap_import(actor=admin, stream=stream, size=size, file_name="test.json")


def refused(admin, data) -> list[str]:
    before = database_snapshot()
    with pytest.raises(ImportRefused) as caught:
        run_import(admin, data)
    assert database_snapshot() == before, "a refused import saved something"
    return [str(problem) for problem in caught.value.problems]


def sample_map():
    wijk, other = WijkFactory(), WijkFactory()
    brug = organization(name="Stichting De Brug", phone="010 123 45 67", website="https://debrug.example")
    service(
        organization=brug,
        name="Schuldhulp",
        level=PyramidLevel.FIRST_LINE,
        domains=["financien", "wonen"],
        wijken=[wijk, other],
        minimum_age=18,
        phone="010 765 43 21",
        email="schuld@debrug.example",
    )
    service(organization=brug, name="Buurthuis", level=PyramidLevel.COLLECTIVE, domains=["sociaal-netwerk"])
    service(
        organization=organization(name="Tactus"),
        name="Verslavingszorg",
        level=PyramidLevel.SECOND_LINE,
        domains=["verslaving", "gezondheid"],
        maximum_age=99,
    )
    return wijk


@pytest.mark.parametrize("name", EXAMPLES)
def test_each_example_of_the_specification_imports(admin, name):
    data = hsds_reference(name)
    result = run_import(admin, data)
    assert result.services.created == 1
    assert result.organizations.created == 1
    imported = Service.objects.get()
    assert imported.name == "Community Counselling"
    assert imported.minimum_age == 12 and imported.maximum_age == 100
    assert imported.organization.name == "Example Organization Inc."
    assert imported.level == PyramidLevel.FIRST_LINE  # no level tag: first line, as documented


def test_the_three_examples_one_after_another_update_the_same_service(admin):
    counts = [run_import(admin, hsds_reference(name)).as_dict() for name in EXAMPLES]
    assert counts[0]["services"]["created"] == 1
    assert Service.objects.count() == 1
    assert Organization.objects.count() == 1
    # Each later file says the same service with other details: updated, never a second one.
    assert counts[1]["services"]["created"] == counts[2]["services"]["created"] == 0


def test_export_validates_against_the_shipped_schemas(admin):
    organization_schema = hsds_reference("organization.json")
    service_schema = hsds_reference("service.json")
    sample_map()
    run_import(admin, hsds_reference("example_organization_full.json"))
    exported = socialmap_as_hsds()
    assert len(exported) == 3
    organization_validator = Draft202012Validator(organization_schema, format_checker=FormatChecker())
    service_validator = Draft202012Validator(service_schema, format_checker=FormatChecker())
    checked = 0
    for item in exported:
        assert [(list(e.absolute_path), e.message) for e in organization_validator.iter_errors(item)] == []
        for nested in item["services"]:
            assert [(list(e.absolute_path), e.message) for e in service_validator.iter_errors(nested)] == []
            checked += 1
    assert checked == 4
    # The checker is not blind: a service without its status is not valid.
    broken = copy.deepcopy(exported[0]["services"][0])
    del broken["status"]
    assert list(service_validator.iter_errors(broken))


def test_export_carries_our_tags_as_attributes_and_districts_as_service_areas(admin):
    wijk = sample_map()
    exported = {item["name"]: item for item in socialmap_as_hsds()}
    schuldhulp = next(s for s in exported["Stichting De Brug"]["services"] if s["name"] == "Schuldhulp")
    terms = {(a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in schuldhulp["attributes"]}
    assert terms == {
        (LEVEL_TAXONOMY, "first_line"),
        ("wijkkracht-leefgebieden", "financien"),
        ("wijkkracht-leefgebieden", "wonen"),
    }
    assert f"urn:wijkkracht:wijk:{wijk.code}" in {area["uri"] for area in schuldhulp["service_areas"]}
    assert schuldhulp["phones"][0]["number"] == "010 765 43 21"
    assert schuldhulp["minimum_age"] == 18 and "maximum_age" not in schuldhulp


def test_import_export_import_changes_nothing(admin):
    sample_map()
    run_import(admin, hsds_reference("example_service_full.json"))
    exported = socialmap_as_hsds()
    Service.objects.all().delete()
    Organization.objects.all().delete()

    first = run_import(admin, exported)
    assert first.services.created == 4 and first.organizations.created == 3
    after_first = database_snapshot()
    again = socialmap_as_hsds()
    for before, after in zip(exported, again, strict=True):
        assert {**before, "services": []} == {**after, "services": []}
        for service_before, service_after in zip(before["services"], after["services"], strict=True):
            # last_modified is when our copy last changed: the first import made the copy
            assert {**service_before, "last_modified": ""} == {**service_after, "last_modified": ""}

    second = run_import(admin, again)
    assert second.as_dict() == {
        "organizations": {"created": 0, "updated": 0, "unchanged": 3, "skipped": 0},
        "services": {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0},
    }
    assert database_snapshot() == after_first


def test_a_changed_field_is_updated_and_counted(admin):
    sample_map()
    exported = socialmap_as_hsds()
    brug = next(item for item in exported if item["name"] == "Stichting De Brug")
    brug["services"][0]["description"] = "Nieuw: ook op zaterdag."
    result = run_import(admin, exported)
    assert result.services.updated == 1 and result.services.unchanged == 2
    assert Service.objects.get(hsds_id=brug["services"][0]["id"]).description == "Nieuw: ook op zaterdag."


def test_a_defunct_service_that_is_new_is_skipped(admin):
    data = hsds_reference("example_service_full.json")
    data["status"] = "defunct"
    result = run_import(admin, data)
    assert result.services.skipped == 1
    assert not Service.objects.exists()


def test_import_and_refusal_and_export_are_logged(admin):
    run_import(admin, hsds_reference("example_service_full.json"))
    with pytest.raises(ImportRefused):
        run_import(admin, [{"id": "nope"}])
    socialmap_export(actor=admin)
    rows = list(SocialMapLogEntry.objects.order_by("id").values_list("action", "username"))
    assert rows == [
        (LogAction.IMPORT, admin.username),
        (LogAction.IMPORT_REFUSED, admin.username),
        (LogAction.EXPORT, admin.username),
    ]
    refusal = SocialMapLogEntry.objects.get(action=LogAction.IMPORT_REFUSED)
    assert any(problem.startswith("[0].id:") for problem in refusal.problems)


def test_only_a_functional_administrator_imports_or_exports(admin):
    worker = UserFactory()
    stream, size = as_file(hsds_reference("example_service_full.json"))
    with pytest.raises(ValidationError, match=r"functioneel beheerder|functional administrator"):
        socialmap_import(actor=worker, stream=stream, size=size)
    with pytest.raises(ValidationError, match=r"functioneel beheerder|functional administrator"):
        socialmap_export(actor=worker)
    assert not Service.objects.exists()
    assert not SocialMapLogEntry.objects.exists()


# --- bad input: a list of problems with their place, and nothing saved -------------------------------------


def valid_file():
    organisation_id = new_id()
    return [
        {
            "id": organisation_id,
            "name": "Voedselbank Zuid",
            "description": "Voedselpakketten",
            "services": [
                {"id": new_id(), "name": "Voedselpakket", "status": "active"},
                {"id": new_id(), "name": "Kledingbank", "status": "active"},
            ],
        },
        {"id": new_id(), "name": "Taalhuis", "description": "Taal", "services": []},
    ]


def test_a_valid_file_imports_so_the_bad_cases_below_are_bad_for_their_own_reason(admin):
    assert run_import(admin, valid_file()).services.created == 2


def test_missing_required_fields_are_listed_with_their_place(admin):
    existing = service(name="Blijft staan")
    data = valid_file()
    del data[0]["services"][1]["name"]
    del data[1]["description"]
    problems = refused(admin, data)
    assert any(problem.startswith("[0].services[1].name:") for problem in problems)
    assert any(problem.startswith("[1].description:") for problem in problems)
    # the first organisation and its valid service were not saved either
    assert list(Service.objects.values_list("name", flat=True)) == [existing.name]


def test_wrong_types_are_listed_in_dutch_with_their_place(admin):
    data = valid_file()
    data[0]["services"][0]["minimum_age"] = "twaalf"
    data[0]["services"][1]["status"] = "open"
    data[1]["name"] = 12
    with_dutch = refused(admin, data)
    assert any(p.startswith("[0].services[0].minimum_age:") for p in with_dutch)
    assert any(p.startswith("[0].services[1].status:") and "open" in p for p in with_dutch)
    assert any(p.startswith("[1].name:") for p in with_dutch)


def test_duplicate_ids_are_refused(admin):
    data = valid_file()
    data[0]["services"][1]["id"] = data[0]["services"][0]["id"]
    problems = refused(admin, data)
    assert any(p.startswith("[0].services[1].id:") and "[0].services[0]" in p for p in problems)

    data = valid_file()
    data[1]["id"] = data[0]["id"]
    problems = refused(admin, data)
    assert any(p.startswith("[1].id:") for p in problems)


def test_an_age_range_upside_down_an_unknown_domain_and_an_unknown_district_are_refused(admin):
    data = valid_file()
    data[0]["services"][0].update(minimum_age=65, maximum_age=18)
    data[0]["services"][1]["attributes"] = [
        {
            "id": new_id(),
            "taxonomy_term": {"id": new_id(), "name": "x", "code": "astrologie", "taxonomy": "wijkkracht-leefgebieden"},
        }
    ]
    data[0]["services"][1]["service_areas"] = [{"id": new_id(), "uri": "urn:wijkkracht:wijk:WK123456"}]
    problems = refused(admin, data)
    assert any(p.startswith("[0].services[0].maximum_age:") for p in problems)
    assert any(
        p.startswith("[0].services[1].attributes[0].taxonomy_term.code:") and "astrologie" in p for p in problems
    )
    assert any(p.startswith("[0].services[1].service_areas[0].uri:") for p in problems)


def test_a_service_of_an_unknown_organisation_is_refused(admin):
    problems = refused(admin, [{"id": new_id(), "organization_id": new_id(), "name": "Los", "status": "active"}])
    assert len(problems) == 1 and problems[0].startswith("[0]:")


@pytest.mark.parametrize(
    "raw",
    [b"", b"\xff\xfe junk", b"{not json", b"[1, 2", b"[NaN]", b"[" * 100_000, b'"just a string"', b"[[[[]]]]"],
)
def test_junk_is_refused_with_one_clear_message(admin, raw):
    before = database_snapshot()
    with pytest.raises(ImportRefused) as caught:
        socialmap_import(actor=admin, stream=io.BytesIO(raw), size=len(raw))
    assert caught.value.problems and all(str(problem) for problem in caught.value.problems)
    assert database_snapshot() == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(admin, settings):
    settings.SOCIALMAP_IMPORT_MAX_BYTES = 1000

    class Unreadable(io.RawIOBase):
        def read(self, size=-1):  # pragma: no cover - must not be called
            raise AssertionError("the file was read")

    with pytest.raises(ImportRefused) as caught:
        socialmap_import(actor=admin, stream=Unreadable(), size=50 * 1024 * 1024)
    assert "50,0 MB" in str(caught.value.problems[0])


def test_a_file_of_unknown_size_over_the_limit_is_refused_after_reading_only_the_limit(admin, settings):
    settings.SOCIALMAP_IMPORT_MAX_BYTES = 1000
    stream = io.BytesIO(b" " * 5000)
    with pytest.raises(ImportRefused):
        socialmap_import(actor=admin, stream=stream, size=None)
    assert stream.tell() == 1001
    assert not Service.objects.exists()


def test_command_imports_and_exports(admin, tmp_path: Path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(hsds_reference("example_organization_full.json")), encoding="utf-8")
    out = StringIO()
    call_command("socialmap", "import", str(source), stdout=out)
    assert "1" in out.getvalue() and Service.objects.count() == 1
    target = tmp_path / "out.json"
    call_command("socialmap", "export", str(target), stdout=StringIO())
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert [item["name"] for item in exported] == ["Example Organization Inc."]
    assert SocialMapLogEntry.objects.filter(action=LogAction.EXPORT, username__startswith="(command line").exists()


def test_command_refuses_a_bad_file_with_exit_code_2_and_the_problems(tmp_path: Path):
    source = tmp_path / "bad.json"
    source.write_text(json.dumps([{"id": new_id(), "name": "Zonder beschrijving"}]), encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("socialmap", "import", str(source), stderr=err, stdout=StringIO())
    assert exited.value.code == 2
    assert "[0].description" in err.getvalue()
    assert not Organization.objects.exists()


def test_command_says_in_dutch_when_the_file_is_missing_or_a_folder(tmp_path: Path):
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("socialmap", "import", str(tmp_path / "weg.json"), stdout=StringIO())
    with pytest.raises(CommandError, match="is een map"):
        call_command("socialmap", "import", str(tmp_path), stdout=StringIO())
    assert not Organization.objects.exists()
