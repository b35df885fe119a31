"""The pseudonymised research export (issue 11): it holds no personal data, its pseudonyms differ per export,
its figures are the case files', it is logged as an export of every household in it, and only a role the
policy file allows may make it; bad input is a Dutch 400 and nothing is logged or sent."""

import csv
import datetime
import io
import re
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from wijkkracht.accounts.models import Role
from wijkkracht.accounts.tests.factories import UserFactory
from wijkkracht.diagnosis.tests.helpers import take
from wijkkracht.households.models import (
    Benefit,
    BenefitEndReason,
    ContactKind,
    Household,
    HouseholdStatus,
    IntakeChannel,
    PersonRole,
    StatusChange,
    WorkSituation,
)
from wijkkracht.households.tests.factories import (
    ContactFactory,
    HouseholdFactory,
    IncomeWorkRecordFactory,
    PersonFactory,
    TaskFactory,
)
from wijkkracht.outcomes import export
from wijkkracht.outcomes.periods import Period
from wijkkracht.outcomes.services import research_export_create
from wijkkracht.plans import services as plan_services
from wijkkracht.plans.tests.helpers import add_goal, complete_intake, start_plan
from wijkkracht.privacy.models import AccessLogEntry, AccessLogSubject
from wijkkracht.security.testing import login_verified

TODAY = timezone.localdate
PAGE = "/uitkomsten/export/"
API = "/api/v1/outcomes/export/"


def years_ago(years: int, today: datetime.date) -> datetime.date:
    """The date of birth of someone who turns `years` today (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def month(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def period_covering(*days: datetime.date) -> dict[str, str]:
    return {"from": month(min(days)), "until": month(max(days))}


# --- a household full of personal data ----------------------------------------------------------------------


def rich_household(world) -> tuple[Household, dict[str, Any]]:  # type: ignore[no-untyped-def]
    """A household whose every kind of personal data is distinctive (names, BSNs, address, dates of birth,
    notes, goal texts, a plan comment, a task, a status reason), with figures worked out by hand: registered
    20 days ago; a no-show after 1 day, contacts after 3 days (45 minutes) and 10 days (15 minutes); a plan
    agreed today; the adult's ladder 4 → 5; the adult's self-reliance 2 → 4 on every domain (+2 steps);
    the adult's latest income and work: WW ended through work, now paid work."""
    today = TODAY()
    registered = today - datetime.timedelta(days=20)
    wijk = world.team.wijken.first()
    postcode = f"{wijk.postcodes.first().digits}XK"
    household = HouseholdFactory(
        team=world.team,
        contact_person=world.worker,
        wijk=wijk,
        name="Zwanenburg-Oosterhout",
        street="Kwakkelstraat",
        city="Vlinderdorp",
        postcode=postcode,
        house_number=4711,
        house_number_addition="bis",
        registered_on=registered,
        status_since=registered,
        intake_channel="outreach",
    )
    adult = PersonFactory(
        household=household, first_name="Quirinus", last_name="Zwanenburg", bsn="111222333",
        date_of_birth=datetime.date(1987, 6, 23),
    )  # fmt: skip
    PersonFactory(  # a child
        household=household, first_name="Xaviera", last_name="Oosterhout", bsn="222333444",
        date_of_birth=datetime.date(2015, 2, 11), role=PersonRole.CHILD,
    )  # fmt: skip
    world.household = household
    for day, kind, minutes in (
        (1, ContactKind.NO_SHOW, None),
        (3, ContactKind.HOME_VISIT, 45),
        (10, ContactKind.PHONE, 15),
    ):
        ContactFactory(
            household=household, worker=world.worker, kind=kind, duration_minutes=minutes,
            date=registered + datetime.timedelta(days=day), note=f"Geheime notitie {day} over buurman Ezechiël",
        )  # fmt: skip
    TaskFactory(household=household, title="Bel tante Truus over de schuld")
    StatusChange.objects.create(
        household=household, from_status="", to_status=HouseholdStatus.REGISTERED, date=registered,
        reason="Melding van juf Wilhelmina", changed_by=world.worker,
    )  # fmt: skip
    complete_intake(world)
    take(world, "participatieladder", 5, person=adult)
    take(world, "zelfredzaamheidsmatrix", 2, person=adult, date=today - datetime.timedelta(days=5))
    take(world, "zelfredzaamheidsmatrix", 4, person=adult)
    IncomeWorkRecordFactory(
        person=adult, benefit=Benefit.WW, benefit_since=datetime.date(2019, 4, 1),
        benefit_ended_on=today - datetime.timedelta(days=2), benefit_end_reason=BenefitEndReason.WORK,
        work=WorkSituation.PAID, recorded_on=today,
    )  # fmt: skip
    plan = start_plan(world)
    add_goal(
        world, plan, client_words="Nooit meer deurwaarder Van Dijk", what="Schuldhulp via tante Truus",
        indicator="Brief van Kredietbank Zuidwest", owner="Quirinus",
    )  # fmt: skip
    plan.refresh_from_db()
    plan_services.plan_agreement_record(
        access=world.access(), plan=plan, expected_version=plan.lock_version, discussed_on=today, agreed=True,
        present_member_ids=[adult.id], client_comment="Mevrouw Hoogendoorn vindt het plan prima",
    )  # fmt: skip
    household.refresh_from_db()
    personal = {
        "texts": [
            "Zwanenburg", "Oosterhout", "Quirinus", "Xaviera", "Kwakkelstraat", "Vlinderdorp", postcode,
            f"{postcode[:4]} XK", "111222333", "222333444", "Ezechiël", "Truus", "Wilhelmina", "Van Dijk",
            "Kredietbank", "Hoogendoorn", "Geheime notitie", "1987-06-23", "23-06-1987", "1987-06", "19870623",
            "2015-02-11", "11-02-2015", "2015-02", f"{registered:%Y-%m-%d}", f"{registered:%d-%m-%Y}",
            world.worker.username, world.worker.get_full_name(), "Medewerker",
        ],
        # Ids are small numbers that counts may equal: that no column holds one is checked on the columns.
        "numbers": ["4711"],
        "registered": registered,
        "adult": adult,
    }  # fmt: skip
    return household, personal


def csv_rows(content: bytes) -> list[dict[str, str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def parquet_rows(content: bytes) -> list[dict[str, Any]]:
    table = pq.read_table(io.BytesIO(content))
    return table.to_pylist()


def make(world, *, file_format: str = "csv", user=None, **period: Any):  # type: ignore[no-untyped-def]
    return research_export_create(
        access=world.access(user or world.policy_officer),
        period_start=period.get("start"),
        period_end=period.get("end"),
        file_format=file_format,
    )


def export_entries() -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action="export", household_id__isnull=True).order_by("id"))


# --- no personal data ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_the_export_holds_no_personal_data(world, file_format):
    household, personal = rich_household(world)
    period = period_covering(personal["registered"], TODAY())
    result = make(world, file_format=file_format, start=period["from"], end=period["until"])
    content = result.content
    rows = csv_rows(content) if file_format == "csv" else parquet_rows(content)
    if file_format == "parquet":
        parquet = pq.ParquetFile(io.BytesIO(content))
        metadata = parquet.schema_arrow.metadata or {}
        cells_and_metadata = [str(key) + str(value) for key, value in metadata.items()]
        cells_and_metadata.append(str(parquet.metadata.created_by))
        assert [field.name for field in parquet.schema_arrow] == list(export.COLUMN_NAMES)
    else:
        cells_and_metadata = []
        assert list(rows[0]) == list(export.COLUMN_NAMES)
    cells = [("" if value is None else str(value)) for row in rows for value in row.values()]
    everything = "\n".join(cells + cells_and_metadata)
    raw = content.decode("utf-8-sig", errors="replace")
    for text in personal["texts"]:
        assert text.lower() not in everything.lower(), f"{text!r} is in the export"
        assert text.lower() not in raw.lower(), f"{text!r} is in the file's bytes"
    for row in rows:
        for name, value in row.items():
            if name != "household":  # the pseudonym is hex: any run of digits may occur in it by chance
                assert str(value) not in personal["numbers"], f"{name}={value}: a house number or an id"
        assert re.fullmatch(r"[0-9a-f]{64}", row["household"])
        assert row["household"] not in {str(household.id), f"HH-{household.id:06d}"}
    # Only the columns the export declares, of the kinds it declares: codes, months, bands, whole numbers.
    allowed_text = {
        "level": {"household", "adult"},
        "intake_channel": set(IntakeChannel.values),
        "status": set(HouseholdStatus.values),
        "pyramid_level": {"", "general", "single", "multiple", "crisis"},
        "age_band": {"", *(band for _low, _high, band in export.AGE_BANDS)},
        "benefit": {"", *Benefit.values},
        "benefit_end_reason": {"", *BenefitEndReason.values},
        "work": {"", *WorkSituation.values},
        "team": {"", world.team.name, world.other_team.name},
        "district": {"", *(w.name for w in world.team.wijken.all()), *(w.name for w in world.other_team.wijken.all())},
    }  # fmt: skip
    for row in rows:
        for column in export.COLUMNS:
            value = row[column.name]
            if column.level and column.level != row["level"]:
                assert value in (None, ""), (row["level"], column.name, value)  # another level's column
            elif column.name in allowed_text:
                assert (value or "") in allowed_text[column.name], (column.name, value)
            elif column.name == "registration_month":
                assert value in (None, "") or re.fullmatch(r"\d{4}-\d{2}", value), value
            elif column.kind == "int":
                assert value in (None, "") or re.fullmatch(r"-?\d+", str(value)), (column.name, value)
    assert {row["level"] for row in rows} == {"household", "adult"}
    assert not [name for name in export.COLUMN_NAMES if name == "id" or name.endswith("_id") or "name" in name]


def test_the_figures_of_a_household_are_its_case_files(world):
    """The rich household's row, worked out by hand (see `rich_household`)."""
    household, personal = rich_household(world)
    period = period_covering(personal["registered"], TODAY())
    rows = csv_rows(make(world, start=period["from"], end=period["until"]).content)
    # Its row is the one with 2 members, registered in its month, through outreach, in Team Noord.
    mine = [
        row for row in rows
        if row["level"] == "household" and row["intake_channel"] == "outreach" and row["members_0_17"] == "1"
    ]  # fmt: skip
    assert len(mine) == 1
    row = mine[0]
    adults = [r for r in rows if r["level"] == "adult" and r["household"] == row["household"]]
    expected = {
        "team": "Team Noord",
        "district": household.wijk.name,
        "registration_month": month(personal["registered"]),
        "status": household.status,
        "pyramid_level": "multiple",  # 2 on every domain of the 0-meting of the Zelfredzaamheid-Matrix
        "members_0_17": "1",
        "members_18_26": "0",
        "members_27_49": "1",
        "members_50_66": "0",
        "members_67_plus": "0",
        "days_to_first_contact": "3",  # the no-show after 1 day does not count
        "days_to_plan": "20",
        "support_days": "",
        "contacts": "2",
        "contact_minutes": "60",
        "self_reliance_change": "2000",  # +2 steps on every domain, in thousandths
        "self_reliance_members": "1",
        "goals_evaluated": "0",
        "goals_achieved": "0",
        "referrals": "0",
        "age_band": "",
        "benefit": "",
    }
    assert {key: row[key] for key in expected} == expected
    assert len(adults) == 1
    adult_columns = ("age_band", "benefit", "benefit_end_reason", "work", "ladder_first", "ladder_latest")
    assert {key: adults[0][key] for key in adult_columns} == {
        "age_band": "27-49" if personal["adult"].date_of_birth > years_ago(50, TODAY()) else "50-66",
        "benefit": "ww",
        "benefit_end_reason": "work",
        "work": "paid",
        "ladder_first": "4",
        "ladder_latest": "5",
    }  # fmt: skip
    assert adults[0]["team"] == adults[0]["contacts"] == ""  # an adult's row carries only the adult's columns


def test_contacts_outside_the_period_are_not_counted_and_households_outside_it_are_not_in_it(world):
    today = TODAY()
    old = HouseholdFactory(
        team=world.team, contact_person=world.worker, registered_on=today - datetime.timedelta(days=800)
    )
    ContactFactory(household=old, worker=world.worker, date=today - datetime.timedelta(days=790), duration_minutes=30)
    ContactFactory(household=old, worker=world.worker, date=today, duration_minutes=20)
    ended = HouseholdFactory(
        team=world.team, contact_person=world.worker, registered_on=today - datetime.timedelta(days=900)
    )
    StatusChange.objects.create(
        household=ended, from_status="registered", to_status=HouseholdStatus.CLOSED,
        date=today - datetime.timedelta(days=850), reason="Klaar", changed_by=world.worker,
    )  # fmt: skip
    Household.objects.filter(id=ended.id).update(status=HouseholdStatus.CLOSED)
    from wijkkracht.households.figures import household_figures_refresh

    household_figures_refresh(household_ids=[ended.id])
    # This month only: the old household is in care, the ended one is not; one contact of 20 minutes.
    period = Period(today.replace(day=1), today.replace(day=1))
    rows, ids = export.export_rows(period=period, today=today, key=b"k" * 32)
    assert set(ids) == {world.household.id, world.other_household.id, old.id}
    assert len([row for row in rows if row["level"] == "household"]) == 3
    old_row = next(row for row in rows if row["household"] == export.pseudonym(b"k" * 32, old.id))
    assert (old_row["contacts"], old_row["contact_minutes"]) == (1, 20)
    # The month the ended household was registered in: it is in, the others are not yet registered.
    start = today - datetime.timedelta(days=900)
    period = Period(start.replace(day=1), start.replace(day=1))
    rows, ids = export.export_rows(period=period, today=today, key=b"k" * 32)
    assert ids == [ended.id]
    assert rows[0]["support_days"] == 50


# --- pseudonyms ------------------------------------------------------------------------------------------------


def test_the_pseudonym_is_stable_within_one_export_and_differs_between_exports(world):
    rich_household(world)
    first = csv_rows(make(world).content)
    second = csv_rows(make(world).content)
    households_first = [row["household"] for row in first if row["level"] == "household"]
    households_second = [row["household"] for row in second if row["level"] == "household"]
    assert len(set(households_first)) == len(households_first) == Household.objects.count() == 3
    # Every adult row names a household of the same export.
    assert {row["household"] for row in first if row["level"] == "adult"} <= set(households_first)
    assert not set(households_first) & set(households_second)
    # Rows follow the pseudonyms, not the households' order of registration.
    assert households_first == sorted(households_first)


def test_the_pseudonym_is_an_hmac_of_the_household_under_a_key_used_once():
    key = b"\x01" * 32
    assert export.pseudonym(key, 7) == export.pseudonym(key, 7)
    assert export.pseudonym(key, 7) != export.pseudonym(key, 8)
    assert export.pseudonym(key, 7) != export.pseudonym(b"\x02" * 32, 7)
    import hashlib
    import hmac

    assert export.pseudonym(key, 7) == hmac.new(key, b"7", hashlib.sha256).hexdigest()
    assert export.new_key() != export.new_key() and len(export.new_key()) == 32


# --- age bands -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "band", "day_before"),
    [(0, "0-17", None), (18, "18-26", "0-17"), (26, "18-26", "18-26"), (27, "27-49", "18-26"),
     (49, "27-49", "27-49"), (50, "50-66", "27-49"), (66, "50-66", "50-66"), (67, "67+", "50-66"),
     (101, "67+", "67+")],
)  # fmt: skip
@pytest.mark.parametrize("today", [datetime.date(2026, 3, 15), datetime.date(2028, 2, 29), datetime.date(2027, 2, 28)])
def test_age_bands_at_their_edges(age, band, day_before, today):
    """`band` for someone whose birthday is today; `day_before` for someone whose birthday is tomorrow."""
    assert export.age_band(years_ago(age, today), today) == band
    if day_before is not None:
        assert export.age_band(years_ago(age, today) + datetime.timedelta(days=1), today) == day_before


def test_members_are_counted_in_their_age_band_on_the_export_day(world):
    """Birthdays today and tomorrow around every edge: 17 (18 tomorrow), 18, 26 (27 tomorrow), 27, 49, 50,
    66, 67."""
    today = TODAY()
    household = HouseholdFactory(team=world.team, contact_person=world.worker, name="Randgeval")
    turning = [18, 27, 50, 67]  # turning these ages tomorrow: one band lower today
    for years in (18, 27, 50, 67):
        PersonFactory(household=household, date_of_birth=years_ago(years, today))
    for years in turning:
        PersonFactory(household=household, date_of_birth=years_ago(years, today) + datetime.timedelta(days=1))
    rows, _ids = export.export_rows(
        period=Period(today.replace(day=1), today.replace(day=1)), today=today, key=b"x" * 32
    )
    name = export.pseudonym(b"x" * 32, household.id)
    row = next(r for r in rows if r["household"] == name and r["level"] == "household")
    bands = ("members_0_17", "members_18_26", "members_27_49", "members_50_66", "members_67_plus")
    assert {k: row[k] for k in bands} == {
        "members_0_17": 1, "members_18_26": 2, "members_27_49": 2, "members_50_66": 2, "members_67_plus": 1,
    }  # fmt: skip
    adult_bands = sorted(r["age_band"] for r in rows if r["household"] == name and r["level"] == "adult")
    assert adult_bands == ["18-26", "18-26", "27-49", "27-49", "50-66", "50-66", "67+"]  # the 17-year-old is no adult


# --- the access log ------------------------------------------------------------------------------------------


def test_an_export_is_one_export_entry_naming_every_household_in_it(world):
    household, personal = rich_household(world)
    period = period_covering(personal["registered"], TODAY())
    before = AccessLogEntry.objects.filter(action="export").count()
    result = make(world, file_format="parquet", start=period["from"], end=period["until"])
    assert AccessLogEntry.objects.filter(action="export").count() == before + 1
    entry = AccessLogEntry.objects.filter(action="export").order_by("-id").first()
    assert entry.household_id is None and entry.user_id == world.policy_officer.id
    assert entry.role == Role.POLICY_OFFICER
    assert "research export" in entry.what and period["from"] in entry.what and period["until"] in entry.what
    assert "parquet" in entry.what
    subjects = set(AccessLogSubject.objects.filter(entry=entry).values_list("household_id", flat=True))
    assert household.id in subjects and world.other_household.id in subjects and len(subjects) == 3
    assert subjects == set(Household.objects.values_list("id", flat=True))
    assert result.households == len(subjects) == 3
    assert len([row for row in parquet_rows(result.content) if row["level"] == "household"]) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a deferred constraint trigger: PostgreSQL only")
def test_postgresql_refuses_an_export_entry_without_subject_rows(world):
    from django.db import connection as conn

    fields = {
        "at": timezone.now(),
        "username": "x",
        "role": "policy_officer",
        "what": "-",
        "endpoint": "-",
        "purpose": "-",
    }
    with pytest.raises(IntegrityError, match="names no household"), transaction.atomic():
        AccessLogEntry.objects.create(action="export", household_id=None, **fields)
        with conn.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with conn.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# --- who may export --------------------------------------------------------------------------------------------

REFUSED_ROLES = ["worker", "coordinator", "regisseur", "partner", "functional_admin", "privacy_officer"]


def user_for(world, who):  # type: ignore[no-untyped-def]
    if who == "partner":
        return UserFactory(username="partner", role=Role.PARTNER)
    if who == "privacy_officer":
        return UserFactory(username="privacy", privacy_officer=True)
    return getattr(world, who)


@pytest.mark.parametrize("who", REFUSED_ROLES)
def test_a_role_that_may_not_export_gets_403_everywhere_and_nothing_is_exported(world, api, who):
    user = user_for(world, who)
    client = Client()
    login_verified(client, user)  # staff accounts past their second factor, so the page itself answers
    page = client.get(PAGE)
    posted = client.post(PAGE, {"from": month(TODAY()), "until": month(TODAY()), "format": "csv"})
    api.force_authenticate(user)
    answered = api.post(API, {"from": month(TODAY()), "until": month(TODAY()), "format": "csv"}, format="json")
    assert (page.status_code, posted.status_code, answered.status_code) == (403, 403, 403)
    assert "Content-Disposition" not in posted and "Content-Disposition" not in answered
    assert answered.json()["detail"] in (
        "De onderzoeksexport is alleen voor de rollen die volgens het uitkomstenbeleid mogen exporteren.",
        "The research export is only for the roles the outcomes policy allows to export.",
    )
    assert export_entries() == []
    assert not AccessLogEntry.objects.filter(action="export").exists()
    with pytest.raises(Exception) as refused:
        make(world, user=user)
    assert type(refused.value).__name__ == "PermissionDenied"
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_only_the_roles_of_the_policy_file_may_export(world, settings, tmp_path):
    """The role comes from the policy file: with `roles.export: [team_coordinator]` a coordinator may and a
    policy officer may not."""
    from wijkkracht.outcomes.policy import SHIPPED_FILE, outcome_policy

    text = SHIPPED_FILE.read_text(encoding="utf-8").replace("export: [policy_officer]", "export: [team_coordinator]")
    assert "export: [team_coordinator]" in text
    (tmp_path / "outcomes.yaml").write_text(text, encoding="utf-8")
    settings.OUTCOMES_POLICY_FILE = str(tmp_path / "outcomes.yaml")
    outcome_policy.cache_clear()
    try:
        assert export.may_export(world.coordinator) and not export.may_export(world.policy_officer)
        assert make(world, user=world.coordinator).households == 2
    finally:
        outcome_policy.cache_clear()


# --- the page and the API --------------------------------------------------------------------------------------


def test_the_page_downloads_the_file_for_a_policy_officer(world):
    client = Client()
    client.force_login(world.policy_officer)
    page = client.get(PAGE)
    assert page.status_code == 200
    assert b'name="from"' in page.content and b'name="until"' in page.content
    for name in export.COLUMN_NAMES:
        assert f"<code>{name}</code>".encode() in page.content
    response = client.post(PAGE, {"from": month(TODAY()), "until": month(TODAY()), "format": "parquet"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.apache.parquet"
    assert response["Content-Disposition"] == (
        f'attachment; filename="onderzoeksexport-{month(TODAY())}-tot-en-met-{month(TODAY())}.parquet"'
    )
    assert len([r for r in parquet_rows(response.content) if r["level"] == "household"]) == 2
    assert len(export_entries()) == 1


def test_the_api_answers_the_file(world, api):
    api.force_authenticate(world.policy_officer)
    today = TODAY()
    response = api.post(
        API, {"from": f"{today:%Y-%m}-01", "until": f"{today:%Y-%m-%d}", "format": "csv"}, format="json"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith(f'-tot-en-met-{month(today)}.csv"')
    rows = csv_rows(response.content)
    assert len([r for r in rows if r["level"] == "household"]) == 2
    # Accept asks for the file: still the file, and errors stay JSON.
    response = api.post(API, {"format": "parquet"}, format="json", HTTP_ACCEPT="application/vnd.apache.parquet")
    assert response.status_code == 200 and pa is not None
    assert len(export_entries()) == 2


BAD_PERIODS = [
    ({"from": "2026-05", "until": "2026-03"}, "until"),  # ends before it starts
    ({"from": "2010-01", "until": "2026-03"}, "until"),  # more than ten years
    ({"from": "2026-13", "until": "2026-03"}, "from"),  # no month
    ({"from": "2026-02-30", "until": "2026-03"}, "from"),  # no date
    ({"from": "1950-01", "until": "1950-02"}, "non_field_errors"),  # nobody registered then
]


@pytest.mark.parametrize(("period", "field"), BAD_PERIODS)
def test_a_bad_period_is_a_dutch_400_and_nothing_is_logged_or_sent(world, api, period, field):
    api.force_authenticate(world.policy_officer)
    response = api.post(API, {**period, "format": "csv"}, format="json")
    assert response.status_code == 400, response.content
    assert "Content-Disposition" not in response
    body = response.json()
    assert field in body, body
    client = Client()
    client.force_login(world.policy_officer)
    page = client.post(PAGE, {**period, "format": "csv"})
    assert page.status_code == 400
    assert "Content-Disposition" not in page
    assert b"error-summary" in page.content
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_a_bad_period_message_is_dutch(world, api):
    api.force_authenticate(world.policy_officer)
    response = api.post(API, {"from": "2026-05", "until": "2026-03", "format": "csv"}, format="json")
    assert response.json() == {"until": ["De periode eindigt voordat hij begint."]} or response.json() == {
        "until": ["The period ends before it starts."]
    }


def test_an_unknown_format_is_a_400(world, api):
    api.force_authenticate(world.policy_officer)
    response = api.post(API, {"format": "xlsx"}, format="json")
    assert response.status_code == 400 and "format" in response.json()
    with pytest.raises(Exception) as refused:
        make(world, file_format="xlsx")
    assert "format" in refused.value.message_dict  # type: ignore[attr-defined]
    assert not AccessLogEntry.objects.filter(action="export").exists()


def test_a_formula_in_a_team_name_is_not_a_formula_in_the_csv(world):
    world.team.name = '=HYPERLINK("http://x")'
    world.team.save()
    rows = csv_rows(make(world).content)
    assert {row["team"] for row in rows if row["level"] == "household"} == {"'" + world.team.name, "Team Zuid"}


def test_building_the_export_takes_the_same_queries_for_more_households(world):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    today = TODAY()
    period = Period(today.replace(day=1), today.replace(day=1))

    def queries() -> int:
        with CaptureQueriesContext(conn) as captured:
            export.export_rows(period=period, today=today, key=export.new_key())
        return len(captured.captured_queries)

    export.export_rows(period=period, today=today, key=export.new_key())  # caches (policy, catalogue) warm
    few = queries()
    for _ in range(3):
        household = HouseholdFactory(team=world.other_team)
        IncomeWorkRecordFactory(person=PersonFactory(household=household))
        ContactFactory(household=household, date=today)
    assert queries() == few
