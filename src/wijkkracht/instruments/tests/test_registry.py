import pytest

from wijkkracht.instruments.models import InstrumentFile, InstrumentVersion
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.security.testing import login_verified

EXTRA = """
id: buurtscan
name: Buurtscan
version: {version}
subject: household
domains:
  - {{code: buren, label: {label}}}
scale:
  good: high
  values:
    - {{value: 1, label: Weinig, colour: "#c62828"}}
    - {{value: 2, label: Veel, colour: "#1a7f37"}}
"""


@pytest.fixture
def folder(tmp_path, settings):
    settings.INSTRUMENTS_DIR = str(tmp_path)
    return tmp_path


@pytest.mark.django_db
def test_shipped_instruments_are_registered_once():
    first = instrument_catalogue()
    assert {v.code for v in first.enabled()} == {
        "integrale-nulmeting",
        "leefgebiedenmatrix",
        "participatieladder",
        "zelfredzaamheidsmatrix",
    }
    assert first.problems == []
    instrument_catalogue()
    assert InstrumentVersion.objects.count() == 4


@pytest.mark.django_db
def test_a_file_in_the_folder_adds_an_instrument_and_a_new_version_replaces_it(folder):
    (folder / "buurtscan.yaml").write_text(EXTRA.format(version=1, label="Buren"))
    assert instrument_catalogue().get("buurtscan").version == 1
    (folder / "buurtscan.yaml").write_text(EXTRA.format(version=2, label="Buren en straat"))
    catalogue = instrument_catalogue()
    assert catalogue.get("buurtscan").version == 2
    assert InstrumentVersion.objects.filter(code="buurtscan").count() == 2  # the old version stays for old measurements


@pytest.mark.django_db
def test_changing_a_used_version_without_raising_it_is_reported_and_ignored(folder):
    (folder / "buurtscan.yaml").write_text(EXTRA.format(version=1, label="Buren"))
    instrument_catalogue()
    (folder / "buurtscan.yaml").write_text(EXTRA.format(version=1, label="Anders"))
    catalogue = instrument_catalogue()
    assert catalogue.get("buurtscan").parsed.domains[0].label == "Buren"
    assert any("verhoog het versienummer" in m for p in catalogue.problems for m in p.messages)


@pytest.mark.django_db
def test_a_broken_file_disables_only_its_instrument_and_says_why(folder, client, world):
    (folder / "kapot.yaml").write_text(EXTRA.format(version=1, label="Buren").replace("good: high", "good: sideways"))
    catalogue = instrument_catalogue()
    assert catalogue.get("buurtscan") is None
    assert len(catalogue.enabled()) == 4
    assert [(p.source, p.instrument) for p in catalogue.problems] == [("kapot.yaml", "buurtscan")]
    client.force_login(world.worker)
    assert client.get(f"/huishoudens/{world.household.id}/").status_code == 200  # the app keeps working
    login_verified(client, world.functional_admin)
    page = client.get("/beheer/instruments/instrumentversion/").content.decode()
    assert "kapot.yaml" in page and "scale.good" in page


@pytest.mark.django_db
def test_a_licensed_criteria_file_fills_in_the_zelfredzaamheid_matrix(folder):
    (folder / "zrm-criteria.yaml").write_text(
        "criteria_for: zelfredzaamheidsmatrix\ncriteria:\n  financien:\n    1: Groeiende complexe schulden\n"
    )
    version = instrument_catalogue().get("zelfredzaamheidsmatrix")
    assert version.parsed.domain("financien").criteria == {1: "Groeiende complexe schulden"}


@pytest.mark.django_db
def test_a_wrong_criteria_file_is_reported(folder):
    (folder / "zrm-criteria.yaml").write_text("criteria_for: zelfredzaamheidsmatrix\ncriteria:\n  vliegen:\n    1: x\n")
    catalogue = instrument_catalogue()
    assert any("onbekend domein" in m for p in catalogue.problems for m in p.messages)


@pytest.mark.django_db
def test_upload_in_admin_is_validated_like_a_file(world, client):
    login_verified(client, world.functional_admin)
    bad = client.post(
        "/beheer/instruments/instrumentfile/add/",
        {
            "name": "fout.yaml",
            "content": EXTRA.format(version=1, label="Buren").replace("values:", "vals:"),
            "is_active": "on",
        },
    )
    assert bad.status_code == 200 and "scale.values" in bad.content.decode()
    assert not InstrumentFile.objects.exists()
    good = client.post(
        "/beheer/instruments/instrumentfile/add/",
        {"name": "buurtscan.yaml", "content": EXTRA.format(version=1, label="Buren"), "is_active": "on"},
    )
    assert good.status_code == 302
    assert instrument_catalogue().get("buurtscan").source == "upload: buurtscan.yaml"


@pytest.mark.django_db
def test_instruments_api_lists_enabled_instruments(world, api):
    api.force_authenticate(world.policy_officer)
    body = api.get("/api/v1/instruments/").json()
    assert {item["code"] for item in body["results"]} >= {"leefgebiedenmatrix", "participatieladder"}
    assert body["count"] == len(instrument_catalogue().enabled()) and body["next"] is None
    first = api.get("/api/v1/instruments/?page_size=1").json()
    assert len(first["results"]) == 1 and first["count"] == body["count"] and "page=2" in first["next"]
    one = api.get("/api/v1/instruments/participatieladder/").json()
    assert one["definition"]["good"] == "high" and len(one["definition"]["scale"]) == 6
    assert api.get("/api/v1/instruments/bestaat-niet/").status_code == 404
