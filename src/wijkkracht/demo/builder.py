"""A fictional municipality with varied multi-problem households, built through the real services so
the demo obeys every rule the product enforces. Deterministic for a seed; running it again adds only
what is missing."""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from wijkkracht.accounts.models import OVERSIGHT_ROLES, Expertise, Role, User
from wijkkracht.casefile import handover_services
from wijkkracht.casefile import services as casefile_services
from wijkkracht.demo import bulk, partners
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.rules import is_adult
from wijkkracht.households import services
from wijkkracht.households.models import (
    ContactKind,
    Household,
    HouseholdStatus,
    IntakeChannel,
    PersonRole,
    TaskStatus,
)
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.plans import services as plan_services
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import GoalOutcome, OwnerType, Plan
from wijkkracht.privacy.access import AccessContext
from wijkkracht.referrals import services as referral_services
from wijkkracht.socialmap.services import socialmap_import_file
from wijkkracht.teams.models import Municipality, Team, TeamMembership, Wijk, WijkPostcode

DEMO_PASSWORD = "wijkkracht-demo"
DEMO_ENDPOINT = "demo"
DEMO_PURPOSE = "demo-gegevens"


@dataclass(frozen=True)
class DemoWijk:
    name: str
    code: str
    residents: int
    postcodes: tuple[str, ...]
    streets: tuple[str, ...]


WIJKEN = (
    DemoWijk(
        "Oude Haven", "WK099901", 11850, ("9901", "9902"), ("Kadestraat", "Visserslaan", "Havenplein", "Touwbaan")
    ),
    DemoWijk("Bloemhof", "WK099902", 14320, ("9903", "9904"), ("Tulpstraat", "Narcissenlaan", "Irisplein", "Rozenhof")),
    DemoWijk("Dijkveld", "WK099903", 9475, ("9905", "9906"), ("Dijkweg", "Polderlaan", "Molenstraat", "Slootkant")),
)

#: The demo social map: an HSDS 3.0 file of organisations and services in the districts above.
SOCIALMAP_FILE = Path(__file__).resolve().parent / "data" / "socialmap.json"

#: (username, first name, last name, role, team index or None, expertise codes)
STAFF = (
    ("ilse", "Ilse", "de Boer", Role.TEAM_COORDINATOR, 0, ("werken",)),
    ("sanne", "Sanne", "Visser", Role.SOCIAL_WORKER, 0, ("geld",)),
    ("mohamed", "Mohamed", "El Amrani", Role.SOCIAL_WORKER, 0, ("werken",)),
    ("joost", "Joost", "Hendriks", Role.SOCIAL_WORKER, 0, ("opvoeden",)),
    ("petra", "Petra", "Smit", Role.TEAM_COORDINATOR, 1, ("wonen",)),
    ("fatima", "Fatima", "Yilmaz", Role.SOCIAL_WORKER, 1, ("sociale-contacten",)),
    ("kees", "Kees", "Mulder", Role.SOCIAL_WORKER, 1, ("geld",)),
    ("lotte", "Lotte", "Bakker", Role.SOCIAL_WORKER, 1, ("vrije-tijd",)),
    ("ahmed", "Ahmed", "Bouzid", Role.TEAM_COORDINATOR, 2, ("opvoeden",)),
    ("emma", "Emma", "Jansen", Role.SOCIAL_WORKER, 2, ("wonen",)),
    ("daan", "Daan", "Vos", Role.SOCIAL_WORKER, 2, ("werken",)),
    ("noor", "Noor", "Peters", Role.SOCIAL_WORKER, 2, ("geld",)),
    ("rita", "Rita", "Kramer", Role.SECOND_LINE_REGISSEUR, None, ()),
    ("bram", "Bram", "de Wit", Role.POLICY_OFFICER, None, ()),
    ("beheer", "Anouk", "Dekker", Role.FUNCTIONAL_ADMIN, None, ()),
    ("privacy", "Pim", "Privacy", Role.PRIVACY_OFFICER, None, ()),
)

SURNAMES = (
    "Aydın",
    "Bakker",
    "Brouwer",
    "Claes",
    "Dijkstra",
    "Doğan",
    "de Graaf",
    "van den Heuvel",
    "Hoekstra",
    "Jacobs",
    "Kaya",
    "Koster",
    "Kuipers",
    "van Leeuwen",
    "Meijer",
    "Mohan",
    "Nijland",
    "Oosterhuis",
    "Pinas",
    "Postma",
    "Rahimi",
    "Schouten",
    "Sedney",
    "Timmer",
    "Tromp",
    "Veenstra",
    "Verbeek",
    "Wouters",
)
ADULT_NAMES = (
    "Anna",
    "Bas",
    "Chantal",
    "Dewi",
    "Eric",
    "Fleur",
    "Gert",
    "Hanan",
    "Iris",
    "Jeroen",
    "Karim",
    "Linda",
    "Marco",
    "Nadia",
    "Orlando",
    "Patricia",
    "Ronald",
    "Samira",
    "Tom",
    "Yvonne",
)
CHILD_NAMES = ("Amir", "Bo", "Daan", "Elif", "Finn", "Jayden", "Lina", "Milan", "Noah", "Sara", "Tess", "Zoë")

#: Contact notes that fit the kind of contact: a phone call is not at home, a no-show is no conversation.
NOTES: dict[str, tuple[str, ...]] = {
    ContactKind.HOME_VISIT: (
        "Kennismaking thuis; moeder vertelt over achterstand huur en stress over post.",
        "Thuis samen de post geordend; afspraak gemaakt voor aanmelding schuldhulpverlening.",
        "Huisbezoek: vader wil graag werken; gesproken over vrijwilligerswerk als eerste stap.",
    ),
    ContactKind.PHONE: (
        "Telefonisch contact: uitkering is weer op gang, huur wordt automatisch betaald.",
        "Moeder gebeld: de woningcorporatie bevestigt de betalingsregeling; huisuitzetting van de baan.",
        "Vader belde: hij wil eerst zelf contact opnemen met de huisarts over de doorverwijzing.",
    ),
    ContactKind.OFFICE: (
        "Gesprek op kantoor over verzuim van de oudste; afspraak met jeugdverpleegkundige.",
        "Op kantoor samen de aanvraag bijzondere bijstand ingevuld.",
    ),
    ContactKind.OUTREACH: (
        "Koffie-ochtend in het buurthuis bezocht; contact gelegd met vrijwilligers.",
        "Moeder in de wijk gesproken; buurvrouw helpt met boodschappen, netwerk in kaart gebracht.",
    ),
    ContactKind.DIGITAL: (
        "Beeldbellen: samen de brieven van de gemeente doorgenomen.",
        "E-mail van vader: aanmelding vrijwilligerswerk verstuurd; reactie teruggemaild.",
    ),
    ContactKind.NO_SHOW: (
        "Afspraak niet nagekomen; geen reactie op telefoon.",
        "Niet verschenen op de afspraak; voicemail ingesproken met een nieuw voorstel.",
    ),
}
#: Notes of appointments still to come: what is planned, not what happened.
PLANNED_NOTES: dict[str, tuple[str, ...]] = {
    ContactKind.HOME_VISIT: (
        "Gepland, thuis: samen de post doornemen.",
        "Gepland, thuis: kennismaking met de hele familie.",
    ),
    ContactKind.OFFICE: (
        "Gepland, op kantoor: aanvraag bijzondere bijstand invullen.",
        "Gepland, op kantoor: voortgang van het plan bespreken.",
    ),
    ContactKind.PHONE: (
        "Gepland, telefonisch: horen hoe het gesprek met school ging.",
        "Gepland, telefonisch: stand van de betalingsregeling.",
    ),
}


#: Numbers reserved per household for its members' BSNs (some fail the eleven test and are skipped).
BSN_SLOTS = 12


def demo_bsn(index: int, position: int) -> str:
    """A test BSN (the 999-range, passing the eleven test) for member `position` of household `index`. Every
    household has its own block of numbers, so no person is in two open households (the one-household rule)."""
    valid = []
    for slot in range(BSN_SLOTS):
        number = (index * BSN_SLOTS + slot) % 100_000
        digits = [9, 9, 9] + [int(char) for char in f"{number:05d}"]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10:
            valid.append("".join(map(str, [*digits, last])))
    return valid[position] if position < len(valid) else ""


#: Households built through the services (the part the demo users click through); the rest of a larger
#: city is copied from these in bulk (`bulk.py`).
SHOWCASE = 300


@dataclass(frozen=True)
class DemoResult:
    created_households: int
    total_households: int
    bulk_statements: int = 0
    bulk_batches: int = 0


def build_demo(
    *,
    households: int = 300,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
    showcase: int = SHOWCASE,
    households_per_team: int = bulk.HOUSEHOLDS_PER_TEAM,
) -> DemoResult:
    """The demo municipality with `households` households: the first `showcase` through the services, the
    rest (a large city: ~2,500 households a team) copied from those in bulk, one transaction per batch."""
    password_hash = bulk.password_hasher(DEMO_PASSWORD)
    if connection.vendor == "postgresql":
        # Demo data: a commit need not wait for the disk (a crash loses at most the last households, which
        # the next run adds again; the database stays consistent). For this connection only.
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
    teams = _build_organisation(password_hash)
    # The social map (HSDS 3.0, demo/data/socialmap.json) after the districts its services serve.
    socialmap_import_file(path=SOCIALMAP_FILE, operator="demo")
    partners.build_partner_accounts(password_hash)
    city_teams = teams
    if households > showcase:
        names = (ADULT_NAMES, SURNAMES)
        city_teams = bulk.build_city_organisation(
            households=households, teams=teams, password_hash=password_hash, names=names, per_team=households_per_team
        )
    before = Household.objects.filter(team__in=city_teams).count()
    existing = Household.objects.filter(team__in=teams).count() if before <= showcase else before
    today = timezone.localdate()
    for index in range(existing, min(households, showcase)):
        # All of a household or nothing: an interrupted run (Ctrl+C, kill -9) leaves no half-built household,
        # and the next run carries on at the same index, so the same seed still gives the same municipality.
        with transaction.atomic():
            _build_household(index, seed, teams, today)
        if progress:
            progress(index + 1, households)
    if existing < showcase:
        # Referrals the partner has not answered in time give the contact person a task (as `referrals
        # remind` does).
        referral_services.referral_reminders_create(today=today)
    stats = bulk.build_bulk(
        start=max(existing, showcase),
        households=households,
        seed=seed,
        showcase_teams=teams,
        teams=city_teams,
        names=bulk.Names(SURNAMES, ADULT_NAMES, CHILD_NAMES, NOTES),
        showcase=showcase,
        progress=progress,
    )
    total = Household.objects.filter(team__in=city_teams).count()
    return DemoResult(
        created_households=total - before,
        total_households=total,
        bulk_statements=stats.statements,
        bulk_batches=stats.batches,
    )


@transaction.atomic
def _build_organisation(password_hash: Callable[[], str]) -> list[Team]:
    municipality, _created = Municipality.objects.get_or_create(
        id=1, defaults={"name": "Gemeente Wijkdorp", "code": "GM9999"}
    )
    if municipality.code == "GM0000":
        municipality.name, municipality.code = "Gemeente Wijkdorp", "GM9999"
        municipality.save(update_fields=["name", "code"])
    teams = []
    for demo_wijk in WIJKEN:
        wijk, _created = Wijk.objects.get_or_create(
            code=demo_wijk.code, defaults={"name": demo_wijk.name, "residents": demo_wijk.residents}
        )
        for digits in demo_wijk.postcodes:
            WijkPostcode.objects.get_or_create(digits=digits, defaults={"wijk": wijk})
        team, _created = Team.objects.get_or_create(name=f"Wijkteam {demo_wijk.name}")
        team.wijken.add(wijk)
        teams.append(team)
    expertises = {expertise.code: expertise for expertise in Expertise.objects.all()}
    for username, first_name, last_name, role, team_index, expertise_codes in STAFF:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create(
                username=username,
                password=password_hash(),  # hashed once for every demo account
                first_name=first_name,
                last_name=last_name,
                role=role,
                is_staff=role in OVERSIGHT_ROLES,
            )
            user.expertises.set([expertises[code] for code in expertise_codes if code in expertises])
        if team_index is not None:
            TeamMembership.objects.get_or_create(team=teams[team_index], user=user)
    return teams


def _build_household(index: int, seed: int, teams: list[Team], today: datetime.date) -> None:
    rng = random.Random(f"{seed}:{index}")
    team_index = rng.randrange(len(teams))
    team, demo_wijk = teams[team_index], WIJKEN[team_index]
    # The showcase's workers (a large city adds more to the team; the showcase stays the same).
    workers = list(
        User.objects.filter(
            memberships__team=team,
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR],
            username__in=[staff[0] for staff in STAFF],
        ).order_by("id")
    )
    worker = rng.choice(workers)
    access = AccessContext(user=worker, endpoint=DEMO_ENDPOINT, purpose=DEMO_PURPOSE)
    surname = rng.choice(SURNAMES)
    members = _members(rng, index, surname, today)
    registered_on = today - datetime.timedelta(days=rng.randrange(5, 330))
    household = services.household_register(
        access=access,
        team_id=team.id,
        name=surname,
        postcode=f"{rng.choice(demo_wijk.postcodes)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABDEGHKLMNPRST')}",
        house_number=rng.randrange(1, 240),
        street=rng.choice(demo_wijk.streets),
        city="Wijkdorp",
        intake_channel=rng.choice(IntakeChannel.values),
        members=members,
        registered_on=registered_on,
    )
    age = (today - registered_on).days
    contact_days = {rng.randrange(0, age + 1) for _ in range(rng.randrange(1, 9))}
    if rng.random() < 0.8:  # most teams keep in touch: one recent contact
        contact_days.add(max(0, age - rng.randrange(0, 21)))
    person_ids = list(household.members.values_list("id", flat=True))
    for offset in sorted(contact_days):
        kind = rng.choices(ContactKind.values, weights=[30, 25, 15, 10, 10, 10])[0]
        services.contact_log(
            access=access,
            household=household,
            kind=kind,
            date=registered_on + datetime.timedelta(days=offset),
            duration_minutes=None if kind == ContactKind.NO_SHOW else rng.choice([15, 30, 45, 60, 90]),
            member_ids=rng.sample(person_ids, k=min(len(person_ids), rng.randrange(1, 3))),
            note=rng.choice(NOTES[kind]),
        )
    _complete_old_follow_ups(rng, access, household, today)
    _advance_status(rng, access, household, registered_on, today)
    household.refresh_from_db()
    if household.is_open:
        _plan_ahead(rng, access, household, today)
        partners.refer_some(access=access, household=household, seed=seed, index=index, today=today)


def _plan_ahead(rng: random.Random, access: AccessContext, household: Household, today: datetime.date) -> None:
    """Some appointments and tasks made by hand in the coming two weeks, so "Mijn taken" has a week to show."""
    if rng.random() < 0.4:
        kind = rng.choice([ContactKind.HOME_VISIT, ContactKind.OFFICE, ContactKind.PHONE])
        services.contact_log(
            access=access,
            household=household,
            kind=kind,
            date=today + datetime.timedelta(days=rng.randrange(1, 14)),
            note=rng.choice(PLANNED_NOTES[kind]),
        )
    if rng.random() < 0.25:
        services.task_create(
            access=access,
            household=household,
            title=rng.choice(MANUAL_TASKS),
            due_date=today + datetime.timedelta(days=rng.randrange(0, 14)),
            assigned_to_id=household.contact_person_id or access.user.id,
        )


#: Titles of tasks made by hand (demo data, in Dutch like all of it).
MANUAL_TASKS = [
    "Woningcorporatie bellen over de huurachterstand",
    "Aanvraag bijzondere bijstand nakijken",
    "School bellen over het verzuim",
    "Schuldhulpverlening: intake inplannen",
]


def _decide_open_tasks(household: Household) -> list[casefile_services.TaskOutcome]:
    """A household that closes or is handed over leaves no open task: the follow-ups still open were done."""
    return [
        casefile_services.TaskOutcome(task.id, TaskStatus.DONE) for task in casefile_services.open_tasks_of(household)
    ]


def _complete_old_follow_ups(
    rng: random.Random, access: AccessContext, household: Household, today: datetime.date
) -> None:
    """Most follow-ups were done on time; a few are still open, so the caseload shows real signals."""
    for task in household.tasks.filter(status=TaskStatus.OPEN, due_date__lt=today - datetime.timedelta(days=3)):
        if rng.random() < 0.85:
            services.task_complete(access=access, task=task)


#: Multi-problem households: most domains need some support at the start.
BASELINE_WEIGHTS = {
    "integrale-nulmeting": [15, 20, 30, 35],
    "leefgebiedenmatrix": [25, 20, 25, 20, 10],
    "participatieladder": [20, 30, 25, 15, 7, 3],
}
Baseline = dict[tuple[str, int | None], dict[str, int]]


def _measure(
    access: AccessContext,
    household: Household,
    code: str,
    day: datetime.date,
    values: dict[str, int],
    person_id: int | None = None,
) -> None:
    measurement = diagnosis_services.measurement_start(
        access=access,
        household=household,
        instrument_code=code,
        person_id=person_id,
        date=day,
        scores={domain: diagnosis_services.ScoreInput(value) for domain, value in values.items()},
    )
    diagnosis_services.measurement_complete(access=access, measurement=measurement)


def _take_baseline(rng: random.Random, access: AccessContext, household: Household, day: datetime.date) -> Baseline:
    """The 0-metingen of the intake: the household's nulmeting and, per adult, matrix and ladder."""
    catalogue = instrument_catalogue()
    taken: Baseline = {}

    def draw(code: str) -> dict[str, int]:
        definition = catalogue.versions[code].parsed
        return {
            domain: rng.choices(definition.values, weights=BASELINE_WEIGHTS[code])[0]
            for domain in definition.domain_codes
        }

    taken[("integrale-nulmeting", None)] = draw("integrale-nulmeting")
    _measure(access, household, "integrale-nulmeting", day, taken[("integrale-nulmeting", None)])
    for person in household.members.all():
        if not is_adult(person, day):
            continue
        if (day - person.date_of_birth).days > 67 * 365 or rng.random() < 0.1:
            diagnosis_services.work_score_waiver_record(
                access=access, person=person, reason="AOW-leeftijd of langdurig ziek: werk nu niet aan de orde"
            )
            continue
        for code in ("leefgebiedenmatrix", "participatieladder"):
            taken[(code, person.id)] = draw(code)
            _measure(access, household, code, day, taken[(code, person.id)], person.id)
    return taken


def _take_follow_up(
    rng: random.Random, access: AccessContext, household: Household, baseline: Baseline, day: datetime.date
) -> None:
    """The 1-metingen: most domains move one or two steps toward the good end, a few slip back."""
    catalogue = instrument_catalogue()
    for (code, person_id), before in baseline.items():
        definition = catalogue.versions[code].parsed
        low, high = min(definition.values), max(definition.values)
        toward_good = 1 if definition.good == "high" else -1
        after = {}
        for domain, value in before.items():
            step = rng.choices([-1, 0, 1, 2], weights=[10, 35, 40, 15])[0]
            after[domain] = min(high, max(low, value + toward_good * step))
        _measure(access, household, code, day, after, person_id)


def _make_plan(rng: random.Random, access: AccessContext, household: Household, day: datetime.date) -> Plan:
    """The household's first plan, from its 0-meting: a working element accepted, goals on several
    domains with actions, and (mostly) the household's agreement."""
    baseline = Measurement.objects.filter(household=household, instrument_code="integrale-nulmeting", moment=0).first()
    plan = plan_services.plan_start(
        access=access,
        household=household,
        plan_date=day,
        evaluation_date=day + datetime.timedelta(days=rng.choice([60, 90, 120])),
        baseline_id=baseline.id if baseline else None,
    )
    deadline = plan.evaluation_date
    first_member = household.members.order_by("id")[0]
    for suggestion in list(plan.suggestions.all()):
        plan.refresh_from_db(fields=["lock_version"])
        if rng.random() < 0.8:
            rule = plan_catalogue().rule(suggestion.rule_code)
            assert rule is not None
            plan_services.goal_add(
                access=access,
                plan=plan,
                data=plan_services.GoalData(
                    domain_code=rule.domain,
                    client_words=rng.choice(CLIENT_WORDS.get(rule.domain, CLIENT_WORDS["algemeen"])),
                    what=rule.goal,
                    indicator=rule.indicator,
                    owner="Huishouden met sociaal werker",
                    deadline=deadline,
                ),
                suggestion=suggestion,
            )
        else:
            plan_services.suggestion_dismiss(
                access=access,
                suggestion=suggestion,
                reason="Is al geregeld via een andere organisatie",
            )
    adults = [p for p in household.members.all() if is_adult(p, day) and not hasattr(p, "work_score_waiver")]
    for person in adults[:2]:
        plan.refresh_from_db(fields=["lock_version"])
        plan_services.goal_add(
            access=access,
            plan=plan,
            data=plan_services.GoalData(
                domain_code="werk",
                person_id=person.id,
                client_words=rng.choice(CLIENT_WORDS["werk"]),
                what="Een stap zetten richting werk of vrijwilligerswerk",
                indicator="Een trede hoger op de participatieladder",
                instrument_code="participatieladder",
                instrument_domain="participatie",
                target_score=4,
                owner=person.full_name,
                deadline=deadline,
            ),
        )
    for goal in list(plan.goals.all()):
        for index in range(rng.choice([1, 2])):
            plan.refresh_from_db(fields=["lock_version"])
            owner = rng.choice([OwnerType.CLIENT, OwnerType.WORKER, OwnerType.PARTNER, OwnerType.NETWORK])
            plan_services.action_add(
                access=access,
                goal=goal,
                description=rng.choice(ACTIONS.get(goal.domain_code, ACTIONS["algemeen"])),
                owner_type=owner,
                owner_person_id=first_member.id if owner == OwnerType.CLIENT else None,
                owner_user_id=access.user.id if owner == OwnerType.WORKER else None,
                owner_name=rng.choice(["Woningcorporatie", "Schuldhulpverlening", "Buurvrouw", "Broer"])
                if owner in (OwnerType.PARTNER, OwnerType.NETWORK)
                else "",
                due_date=day + datetime.timedelta(days=14 * (index + 1)),
                method_code="sociale-activering" if goal.domain_code == "werk" and index == 0 else "",
            )
    if rng.random() < 0.85:
        plan.refresh_from_db(fields=["lock_version"])
        plan_services.plan_agreement_record(
            access=access,
            plan=plan,
            expected_version=plan.lock_version,
            discussed_on=day,
            agreed=True,
            present_member_ids=[p.id for p in household.members.all() if is_adult(p, day)][:2] or [first_member.id],
            client_comment=rng.choice(["Fijn dat we alles op een rij hebben.", "Eerst de huur, dan de rest.", ""]),
        )
    return plan


def _evaluate_plan(rng: random.Random, access: AccessContext, plan: Plan, day: datetime.date) -> None:
    measurement = Measurement.objects.filter(
        household=plan.household, instrument_code="integrale-nulmeting", moment=1
    ).first()
    if measurement is None:
        return
    plan.refresh_from_db()
    outcomes = {
        goal.id: rng.choices(
            [
                (GoalOutcome.ACHIEVED, "Gelukt"),
                (GoalOutcome.PARTLY, "Op de goede weg"),
                (GoalOutcome.NOT_ACHIEVED, "Nog niet gelukt"),
            ],
            weights=[45, 35, 20],
        )[0]
        for goal in plan.goals.all()
    }
    plan_services.plan_evaluate(
        access=access,
        plan=plan,
        expected_version=plan.lock_version,
        measurement_id=measurement.id,
        outcomes=outcomes,
        next_evaluation_date=day + datetime.timedelta(days=90),
        evaluated_on=day,
    )


CLIENT_WORDS = {
    "wonen": ["We willen niet uit huis gezet worden.", "Een huis waar de kinderen rustig kunnen slapen."],
    "financien": ["Ik wil weer rustig de brievenbus open kunnen doen.", "Geen schulden meer die groeien."],
    "werk": ["Ik wil weer iets doen, ergens bij horen.", "Ik wil mijn eigen geld verdienen."],
    "sociaal-netwerk": ["Dat iemand even langskomt als het niet goed gaat."],
    "algemeen": ["Dat het weer rustig wordt thuis.", "Zelf weer de baas zijn over ons leven."],
}
ACTIONS = {
    "wonen": ["Gesprek met de woningcorporatie over een betalingsregeling", "Urgentieaanvraag indienen"],
    "financien": ["Aanmelding schuldhulpverlening invullen", "Samen de post doornemen"],
    "werk": ["Kennismaken bij het activeringscentrum", "Vrijwilligerswerk zoeken in de wijk"],
    "algemeen": ["Huisbezoek en nieuwe afspraak maken", "Buurvrouw vragen om mee te gaan"],
}


def _members(rng: random.Random, index: int, surname: str, today: datetime.date) -> list[services.MemberData]:
    def born(min_age: int, max_age: int) -> datetime.date:
        return today - datetime.timedelta(days=rng.randrange(min_age * 365, max_age * 365))

    positions = iter(range(BSN_SLOTS))

    def bsn() -> str:
        position = next(positions)
        return demo_bsn(index, position) if rng.random() < 0.6 else ""

    members = [services.MemberData(rng.choice(ADULT_NAMES), surname, born(20, 70), PersonRole.PARENT, bsn())]
    if rng.random() < 0.5:
        members.append(
            services.MemberData(rng.choice(ADULT_NAMES), rng.choice(SURNAMES), born(20, 65), PersonRole.PARTNER, bsn())
        )
    for _child in range(rng.choice([0, 0, 1, 2, 3, 4])):
        members.append(services.MemberData(rng.choice(CHILD_NAMES), surname, born(0, 18), PersonRole.CHILD, bsn()))
    if rng.random() < 0.1:
        members.append(services.MemberData(rng.choice(ADULT_NAMES), surname, born(60, 90), PersonRole.OTHER, bsn()))
    return members


def _advance_status(
    rng: random.Random, access: AccessContext, household: Household, registered_on: datetime.date, today: datetime.date
) -> None:
    """Walk the lifecycle as far as the household's age makes plausible."""
    age = (today - registered_on).days
    path: list[HouseholdStatus] = [HouseholdStatus.INTAKE, HouseholdStatus.PLAN, HouseholdStatus.IN_PROGRESS]
    steps = min(len(path), rng.randrange(0, 4), age // 14)
    day = registered_on
    reasons = {
        HouseholdStatus.INTAKE: "Eerste gesprek gepland",
        HouseholdStatus.PLAN: "Integrale diagnose afgerond",
        HouseholdStatus.IN_PROGRESS: "Plan met het gezin besproken en afgesproken",
    }
    baseline: Baseline = {}
    plan: Plan | None = None
    for status in path[:steps]:
        day = min(today, day + datetime.timedelta(days=rng.randrange(3, 14)))
        if status == HouseholdStatus.PLAN:
            baseline = _take_baseline(rng, access, household, day)
        casefile_services.household_status_change(
            access=access, household=household, to_status=status, reason=reasons[status], date=day
        )
        if status == HouseholdStatus.PLAN:
            plan = _make_plan(rng, access, household, day)
    if baseline and steps == len(path) and (today - day).days > 30:
        follow_up_day = min(today, day + datetime.timedelta(days=rng.randrange(30, 60)))
        _take_follow_up(rng, access, household, baseline, follow_up_day)
        if plan is not None:
            _evaluate_plan(rng, access, plan, follow_up_day)
        day = follow_up_day
    if age > 120 and rng.random() < 0.25:
        day = min(today, day + datetime.timedelta(days=rng.randrange(30, 90)))
        if rng.random() < 0.8:
            casefile_services.household_status_change(
                access=access,
                household=household,
                to_status=HouseholdStatus.CLOSED,
                reason="Doelen behaald; gezin redt zich weer zelf",
                date=day,
                task_outcomes=_decide_open_tasks(household),
            )
        else:
            regisseur = User.objects.filter(role=Role.SECOND_LINE_REGISSEUR).order_by("id").first()
            # A warm handover (issue 9), within the case director's caseload norm; dated today, because the
            # handover conversation follows the sending.
            if (
                regisseur is not None
                and handover_services.regisseur_caseload(regisseur) < Municipality.current().regisseur_caseload_norm
            ):
                handover = handover_services.handover_start(
                    access=access,
                    household=household,
                    regisseur_id=regisseur.id,
                    question_text="Langdurige specialistische ondersteuning nodig",
                )
                handover = handover_services.handover_send(
                    access=access, handover=handover, expected_version=handover.lock_version
                )
                handover = handover_services.handover_conversation_record(
                    access=access,
                    handover=handover,
                    expected_version=handover.lock_version,
                    date=today,
                    attendees="Contactpersoon, regisseur en de ouders",
                    family_present=True,
                )
                handover_services.handover_complete(
                    access=access, handover=handover, expected_version=handover.lock_version, date=today
                )
