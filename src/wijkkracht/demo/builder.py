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
from wijkkracht.casefile.models import Handover
from wijkkracht.demo import bulk, partners
from wijkkracht.demo.quick_action import build_quick_action
from wijkkracht.diagnosis import services as diagnosis_services
from wijkkracht.diagnosis.models import Measurement
from wijkkracht.diagnosis.rules import is_adult
from wijkkracht.households import services
from wijkkracht.households.figures import after_refresh_deferred
from wijkkracht.households.models import (
    Benefit,
    BenefitEndReason,
    ContactKind,
    Household,
    HouseholdStatus,
    IntakeChannel,
    Person,
    PersonRole,
    TaskStatus,
    WorkSituation,
)
from wijkkracht.instruments.registry import instrument_catalogue
from wijkkracht.outcomes.maintenance import outcomes_rebuild
from wijkkracht.outcomes.models import HouseholdOutcomeState
from wijkkracht.plans import services as plan_services
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import GoalOutcome, OwnerType, Plan, PlanStatus
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
    ("sven", "Sven", "Groen", Role.SECOND_LINE_REGISSEUR, None, ()),
    ("yara", "Yara", "Benali", Role.SECOND_LINE_REGISSEUR, None, ()),
    ("gijs", "Gijs", "Pool", Role.SECOND_LINE_REGISSEUR, None, ()),
    ("bram", "Bram", "de Wit", Role.POLICY_OFFICER, None, ()),
    # The manager with the power to push through: a member of every showcase team (`quick_action`).
    ("marieke", "Marieke", "Visser", Role.MANAGER, 0, ()),
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
    outcomes_progress: Callable[[int, int], None] | None = None,
) -> DemoResult:
    """The demo municipality with `households` households: the first `showcase` through the services, the
    rest (a large city: ~2,500 households a team) copied from those in bulk, one transaction per batch; then
    the outcomes of every household counted again (`outcomes_rebuild`, its progress to `outcomes_progress`)."""
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
    # The outcomes (issue 11) are counted once at the end, for the whole city, instead of after every change
    # the services make (most of the services' time); the stored caseload figures move with every change.
    with after_refresh_deferred() as changed:
        for index in range(existing, min(households, showcase)):
            # All of a household or nothing: an interrupted run (Ctrl+C, kill -9) leaves no half-built
            # household, and the next run carries on at the same index, so the same seed still gives the same
            # municipality (and counts the outcomes again at its end).
            with transaction.atomic():
                _build_household(index, seed, teams, today)
            if progress:
                progress(index + 1, households)
        if existing < showcase:
            # Referrals the partner has not answered in time give the contact person a task (as `referrals
            # remind` does).
            referral_services.referral_reminders_create(today=today)
            # Quick action (issue 12): measures, approvals waiting, escalations and the manager's teams.
            build_quick_action(teams=teams, today=today, endpoint=DEMO_ENDPOINT, purpose=DEMO_PURPOSE)
        stats = bulk.build_bulk(
            start=max(existing, showcase),
            households=households,
            seed=seed,
            showcase_teams=teams,
            teams=city_teams,
            names=bulk.Names(SURNAMES, ADULT_NAMES, CHILD_NAMES, NOTES),
            showcase=showcase,
            progress=progress,
            outliers=bulk.Outliers(
                slow_team_id=teams[SLOW_TEAM].id if len(teams) > SLOW_TEAM else None,
                ladder_worker_id=User.objects.filter(username=LADDER_WORKER).values_list("id", flat=True).first(),
            ),
        )
    counted = HouseholdOutcomeState.objects.count()
    if changed or stats.households or counted != Household.objects.count():
        if outcomes_progress:
            outcomes_progress(0, Household.objects.count())  # the starting point of its pace
        outcomes_rebuild(progress=outcomes_progress)
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
    if index < 2 * len(teams):
        team_index = index % len(teams)  # the first households: see `_age`
    team, demo_wijk = teams[team_index], WIJKEN[team_index]
    # The showcase's workers (a large city adds more to the team; the showcase stays the same).
    workers = list(
        User.objects.filter(
            memberships__team=team,
            role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR],
            username__in=[staff[0] for staff in STAFF],
        ).order_by("id")
    )
    worker = rng.choices(
        workers, weights=[LADDER_WORKER_WEIGHT if w.username == LADDER_WORKER else 1 for w in workers]
    )[0]
    access = AccessContext(user=worker, endpoint=DEMO_ENDPOINT, purpose=DEMO_PURPOSE)
    surname = rng.choice(SURNAMES)
    members = _members(rng, index, surname, today)
    age = _age(rng, index, len(teams))
    registered_on = today - datetime.timedelta(days=age)
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
    practice = practice_of(team_index, worker.username, seed)
    first_contact = registered_on + datetime.timedelta(days=rng.randint(*practice.first_contact_days))
    if first_contact <= today:
        Story(rng, access, household, practice, today).live(first_contact)
    household.refresh_from_db()
    if household.is_open:
        _complete_old_follow_ups(rng, access, household, today)
        _plan_ahead(rng, access, household, today)
        partners.refer_some(access=access, household=household, seed=seed, index=index, today=today)


def _age(rng: random.Random, index: int, team_count: int) -> int:
    """Days since the registration: spread over the last 18 months, a few more of them recent (the current
    intake). The showcase begins with one household a team well under way and then one a team just
    registered, so that even the smallest demo shows every stage (its users and the browser tests find one)."""
    age = rng.randrange(3, 61) if rng.random() < RECENT_SHARE else rng.randrange(3, HISTORY_DAYS)
    if index < team_count:
        return rng.randrange(240, 420)
    if index < 2 * team_count:
        return rng.randrange(1, 6)
    return age


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
    "participatieladder": [20, 30, 25, 15, 7, 3],
}


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


def _make_plan(rng: random.Random, access: AccessContext, household: Household, day: datetime.date) -> Plan:
    """The household's first plan, from its 0-meting: a working element accepted, goals on several
    domains with actions, and (mostly) the household's agreement."""
    baseline = Measurement.objects.filter(household=household, instrument_code="integrale-nulmeting", moment=0).first()
    plan = plan_services.plan_start(
        access=access,
        household=household,
        plan_date=day,
        # evaluated at the next measurement, about every six months
        evaluation_date=day + datetime.timedelta(days=rng.choice([150, 180])),
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


# --- 18 months of history (issue 11) ------------------------------------------------------------------------

#: The case files span this many days back from today: registrations, contacts, 0-, 1- and 2-metingen, plans
#: evaluated, households closed, handed over and handed back, benefits that ended (trends over 18 months).
HISTORY_DAYS = 548
#: Share of households registered in the last two months (the current intake, besides the spread).
RECENT_SHARE = 0.1
#: Share of households whose intake stalls (the household does not take part yet).
STALLED_SHARE = 0.08
#: Share of households that agree to their first plan (the others think it over).
AGREED_SHARE = 0.9
#: Days between two measurements of a household in support (about every six months).
FOLLOW_UP_DAYS = (160, 200)
#: Days from the agreed plan to the end of first-line support.
SUPPORT_DAYS = (90, 420)
#: Days between two contacts while a household is in support.
CONTACT_GAP_DAYS = (10, 40)

#: The instruments of the intake and of every later measurement.
SELF_RELIANCE = "zelfredzaamheidsmatrix"
LADDER = "participatieladder"
HOUSEHOLD_INSTRUMENT = "integrale-nulmeting"


@dataclass(frozen=True)
class Practice:
    """How a team or worker works, in the figures the benchmark compares (issue 11)."""

    #: Days from registration to the first conversation (a range, uniform).
    first_contact_days: tuple[int, int]
    #: Of the households whose first-line support ends, the share handed over to the second line.
    handover_share: float
    #: The chance an adult climbs the participation ladder between two measurements.
    ladder_up_share: float


ORDINARY = Practice(first_contact_days=(1, 9), handover_share=0.08, ladder_up_share=0.2)
#: Wijkteam Bloemhof has a waiting list: households wait weeks for the first conversation, and the team hands
#: far more households over to the second line than the others. The benchmark's team outlier.
SLOW_TEAM = 1
SLOW = Practice(first_contact_days=(14, 45), handover_share=0.5, ladder_up_share=0.2)
#: Mohamed El Amrani (Wijkteam Oude Haven, expertise work) gets adults moving: the adults of his households
#: climb the participation ladder far more often. The benchmark's worker outlier. As the team's specialist in
#: work, the team gives him more of its households.
LADDER_WORKER = "mohamed"
LADDER_UP_OF_LADDER_WORKER = 0.8
LADDER_WORKER_WEIGHT = 2


def practice_of(team_index: int, username: str, seed: int) -> Practice:
    """The practice of a worker of team `team_index`: the team's, with a little noise of the worker's own
    (deterministic for the seed); the two outliers above, and the rest ordinary."""
    base = SLOW if team_index == SLOW_TEAM else ORDINARY
    noise = random.Random(f"{seed}:practice:{username}")
    low, high = base.first_contact_days
    shift = noise.randrange(0, 3)
    ladder = LADDER_UP_OF_LADDER_WORKER if username == LADDER_WORKER else base.ladder_up_share
    return Practice(
        first_contact_days=(low + shift, high + shift),
        handover_share=max(0.0, base.handover_share + noise.uniform(-0.03, 0.03)),
        ladder_up_share=max(0.0, ladder + noise.uniform(-0.05, 0.05)),
    )


#: Benefits at intake (weights) and the work that goes with a rung of the participation ladder.
BENEFIT_WEIGHTS = {
    Benefit.PARTICIPATIEWET: 45,
    Benefit.WW: 8,
    Benefit.WAJONG: 6,
    Benefit.WIA: 8,
    Benefit.NONE: 28,
    Benefit.OTHER: 5,
}
WORK_ON_RUNG = {
    1: WorkSituation.NONE,
    2: WorkSituation.NONE,
    3: WorkSituation.NONE,
    4: WorkSituation.VOLUNTEER,
    5: WorkSituation.SUPPORTED_PAID,
    6: WorkSituation.PAID,
}
#: The chance, between two measurements, that a benefit ends for another reason than work.
BENEFIT_END_MOVED = 0.06
BENEFIT_END_OTHER = 0.02

#: Zelfredzaamheid-Matrix at intake, by the weight of the household's problems (the pyramid of
#: `outcomes.yaml`): how many domains score 1 (acute) and 2 (not self-reliant); the rest 3 to 5.
SEVERITY_WEIGHTS = {"general": 15, "single": 30, "multiple": 40, "crisis": 15}
SEVERE_DOMAINS = {"general": (0, 0), "single": (0, 1), "multiple": (0, 3), "crisis": (1, 3)}

RESULTS = [
    (GoalOutcome.ACHIEVED, "Gelukt"),
    (GoalOutcome.PARTLY, "Op de goede weg"),
    (GoalOutcome.NOT_ACHIEVED, "Nog niet gelukt"),
]


@dataclass
class Adult:
    """An adult's scores and income as the story goes on."""

    person: Person
    waived: bool
    self_reliance: dict[str, int]
    rung: int | None
    benefit: str
    benefit_since: datetime.date | None
    work: str
    benefit_ended: bool = False


class Story:
    """One household's last months, in the order they happened, through the services: the first conversation
    after a wait that depends on the team, contacts with minutes, the 0-meting with the income and work
    situation of every adult, the plan agreed, a measurement and plan evaluation about every six months
    (ladders climbed more often in some workers' households, benefits ending through work or a move), and
    the end of first-line support: closed, or handed over to the second line (some handed back, some closed
    there)."""

    def __init__(
        self,
        rng: random.Random,
        access: AccessContext,
        household: Household,
        practice: Practice,
        today: datetime.date,
    ) -> None:
        self.rng = rng
        self.access = access
        self.household = household
        self.practice = practice
        self.today = today
        self.catalogue = instrument_catalogue()
        self.adults: dict[int, Adult] = {}
        self.household_scores: dict[str, int] = {}
        self.severity = rng.choices(list(SEVERITY_WEIGHTS), weights=list(SEVERITY_WEIGHTS.values()))[0]
        self.last_measured: datetime.date | None = None

    def days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def live(self, first_contact: datetime.date) -> None:
        rng, today = self.rng, self.today
        end = first_contact + self.days(30, 60) + self.days(*SUPPORT_DAYS)
        support_ends = end <= today
        self.contacts(first_contact, min(end, today), first=True)
        self.status(HouseholdStatus.INTAKE, "Eerste gesprek gevoerd", first_contact)
        baseline_day = first_contact + self.days(7, 21)
        if rng.random() < STALLED_SHARE or baseline_day > today:
            return
        self.baseline(baseline_day)
        self.status(HouseholdStatus.PLAN, "Integrale diagnose afgerond", baseline_day)
        plan = _make_plan(rng, self.access, self.household, baseline_day)
        agreed_day = baseline_day + self.days(0, 14)
        if agreed_day > today or rng.random() >= AGREED_SHARE:
            return  # the household thinks it over (and stays in the plan phase)
        self.agree(plan, agreed_day)
        self.status(HouseholdStatus.IN_PROGRESS, "Plan met het gezin besproken en afgesproken", agreed_day)
        day = baseline_day + self.days(*FOLLOW_UP_DAYS)
        until = end if support_ends else today
        while day <= until:
            self.follow_up(day)
            day += self.days(*FOLLOW_UP_DAYS)
        if not support_ends:
            return
        assert self.last_measured is not None
        if (end - self.last_measured).days > 60:
            self.follow_up(end - self.days(0, 7))  # the end-meting before closing
        if rng.random() < self.practice.handover_share and self.hand_over(end):
            return
        self.close(end, "Doelen behaald; gezin redt zich weer zelf")

    # -- the steps --------------------------------------------------------------------------------------------

    def status(self, to_status: str, reason: str, day: datetime.date, access: AccessContext | None = None) -> None:
        self.new_adults(day)
        casefile_services.household_status_change(
            access=access or self.access, household=self.household, to_status=to_status, reason=reason, date=day
        )
        self.household.refresh_from_db()

    def contacts(self, start: datetime.date, until: datetime.date, *, first: bool = False) -> None:
        """Contacts from `start` to `until`: every few weeks, most with minutes, now and then a no-show."""
        rng = self.rng
        person_ids = list(self.household.members.values_list("id", flat=True))
        day = start
        while day <= until:
            kind: str
            if first:
                kind = rng.choice([ContactKind.HOME_VISIT, ContactKind.OFFICE])
                first = False
            else:
                kind = rng.choices(ContactKind.values, weights=[30, 25, 15, 10, 10, 10])[0]
            services.contact_log(
                access=self.access,
                household=self.household,
                kind=kind,
                date=day,
                duration_minutes=None if kind == ContactKind.NO_SHOW else rng.choice([15, 30, 45, 60, 90]),
                member_ids=rng.sample(person_ids, k=min(len(person_ids), rng.randrange(1, 3))),
                note=rng.choice(NOTES[kind]),
            )
            day += self.days(*CONTACT_GAP_DAYS)

    def measure(self, code: str, day: datetime.date, values: dict[str, int], person_id: int | None = None) -> None:
        _measure(self.access, self.household, code, day, values, person_id)

    def baseline(self, day: datetime.date) -> None:
        """The intake's 0-metingen: the household's nulmeting and, per adult, the Zelfredzaamheid-Matrix, the
        participation ladder (or the reason it is not scored) and the income and work situation."""
        definition = self.catalogue.versions[HOUSEHOLD_INSTRUMENT].parsed
        weights = BASELINE_WEIGHTS[HOUSEHOLD_INSTRUMENT]
        self.household_scores = {
            domain: self.rng.choices(definition.values, weights=weights)[0] for domain in definition.domain_codes
        }
        self.measure(HOUSEHOLD_INSTRUMENT, day, self.household_scores)
        self.new_adults(day, first=True)
        self.last_measured = day

    def new_adults(self, day: datetime.date, *, first: bool = False) -> None:
        """The adults of the household not yet known (at the intake all of them; later a child who turned 18):
        their 0-metingen and income and work situation."""
        if not self.household_scores:
            return  # before the intake's measurements
        rng = self.rng
        for person in self.household.members.order_by("id"):
            if person.id in self.adults or not is_adult(person, day):
                continue
            old = (day - person.date_of_birth).days > 67 * 365
            waived = old or rng.random() < 0.1
            if waived:
                diagnosis_services.work_score_waiver_record(
                    access=self.access,
                    person=person,
                    reason="AOW-leeftijd of langdurig ziek: werk nu niet aan de orde",
                )
            severity = self.severity if first and not self.adults else rng.choice(["general", "single", "multiple"])
            scores = self.self_reliance_at_intake(severity)
            self.measure(SELF_RELIANCE, day, scores, person.id)
            rung = None
            if not waived:
                rung = rng.choices(range(1, 7), weights=BASELINE_WEIGHTS[LADDER])[0]
                self.measure(LADDER, day, {"participatie": rung}, person.id)
            if old:
                benefit = Benefit.OTHER  # AOW
            elif rung is not None and rung >= 5:
                benefit = rng.choice([Benefit.NONE, Benefit.NONE, Benefit.PARTICIPATIEWET])
            else:
                benefit = rng.choices(list(BENEFIT_WEIGHTS), weights=list(BENEFIT_WEIGHTS.values()))[0]
            since = None
            if benefit != Benefit.NONE:
                since = min(day, self.household.registered_on) - self.days(30, 2500)
            adult = Adult(
                person=person,
                waived=waived,
                self_reliance=scores,
                rung=rung,
                benefit=benefit,
                benefit_since=since,
                work=WORK_ON_RUNG[rung] if rung else WorkSituation.NONE,
            )
            self.adults[person.id] = adult
            self.record_income(adult, day)

    def self_reliance_at_intake(self, severity: str) -> dict[str, int]:
        domains = list(self.catalogue.versions[SELF_RELIANCE].parsed.domain_codes)
        acute, not_self_reliant = SEVERE_DOMAINS[severity]
        if severity == "multiple":
            not_self_reliant = self.rng.randint(2, 4)
        elif severity == "crisis":
            not_self_reliant = self.rng.randint(1, 4)
        chosen = self.rng.sample(domains, acute + not_self_reliant)
        scores = {domain: self.rng.choices([3, 4, 5], weights=[40, 40, 20])[0] for domain in domains}
        for position, domain in enumerate(chosen):
            scores[domain] = 1 if position < acute else 2
        return scores

    def record_income(
        self, adult: Adult, day: datetime.date, *, ended_on: datetime.date | None = None, reason: str = ""
    ) -> None:
        services.income_work_record(
            access=self.access,
            person=adult.person,
            benefit=adult.benefit,
            benefit_since=adult.benefit_since,
            benefit_ended_on=ended_on,
            benefit_end_reason=reason,
            work=adult.work,
            recorded_on=day,
        )

    def follow_up(self, day: datetime.date) -> None:
        """The next measurement (1-, 2-meting…): the nulmeting, and per adult the matrix and the ladder; the plan
        evaluated with it; a benefit that ended since, recorded."""
        rng = self.rng
        self.new_adults(day)
        # the integrale nulmeting: low is good (1 = the household itself)
        self.household_scores = {
            domain: min(4, max(1, value - rng.choices([-1, 0, 1, 2], weights=[10, 40, 38, 12])[0]))
            for domain, value in self.household_scores.items()
        }
        self.measure(HOUSEHOLD_INSTRUMENT, day, self.household_scores)
        for adult in list(self.adults.values()):
            adult.self_reliance = {
                domain: min(5, max(1, value + rng.choices([-1, 0, 1, 2], weights=[10, 45, 35, 10])[0]))
                for domain, value in adult.self_reliance.items()
            }
            self.measure(SELF_RELIANCE, day, adult.self_reliance, adult.person.id)
            if adult.rung is None:
                continue
            before = adult.rung
            draw = rng.random()
            if draw < self.practice.ladder_up_share:
                adult.rung = min(6, adult.rung + (2 if rng.random() < 0.3 else 1))
            elif draw < self.practice.ladder_up_share + 0.08:
                adult.rung = max(1, adult.rung - 1)
            self.measure(LADDER, day, {"participatie": adult.rung}, adult.person.id)
            self.income_after(adult, before, day)
        self.evaluate(day)
        self.last_measured = day

    def income_after(self, adult: Adult, rung_before: int, day: datetime.date) -> None:
        """A benefit ends through work when the adult reached paid work, or now and then through a move; the
        work situation follows the ladder."""
        rng = self.rng
        assert adult.rung is not None
        work = WORK_ON_RUNG[adult.rung]
        if work == WorkSituation.VOLUNTEER and rng.random() < 0.3:
            work = WorkSituation.WORK_EXPERIENCE
        changed = work != adult.work
        adult.work = work
        ongoing = adult.benefit != Benefit.NONE and not adult.benefit_ended
        if not ongoing:
            if changed:
                self.record_income(adult, day)
            return
        assert adult.benefit_since is not None
        ended_on = max(adult.benefit_since, day - self.days(0, 30))
        reason = ""
        if adult.rung >= 5 > rung_before:
            reason = BenefitEndReason.WORK if adult.rung == 6 else BenefitEndReason.PARTIAL_WORK
        else:
            draw = rng.random()
            if draw < BENEFIT_END_MOVED:
                reason = BenefitEndReason.MOVED
            elif draw < BENEFIT_END_MOVED + BENEFIT_END_OTHER:
                reason = BenefitEndReason.OTHER
        if reason:
            adult.benefit_ended = True
            self.record_income(adult, day, ended_on=ended_on, reason=reason)
        elif changed:
            self.record_income(adult, day)

    def agree(self, plan: Plan, day: datetime.date) -> None:
        """The household agrees to its plan (a new version: at its evaluation) on `day`."""
        household = self.household
        plan.refresh_from_db(fields=["lock_version"])
        adults = [p.id for p in household.members.order_by("id") if is_adult(p, day)]
        plan_services.plan_agreement_record(
            access=self.access,
            plan=plan,
            expected_version=plan.lock_version,
            discussed_on=day,
            agreed=True,
            present_member_ids=adults[:2] or [household.members.order_by("id")[0].id],
            client_comment=self.rng.choice(["Fijn dat we alles op een rij hebben.", "Eerst de huur, dan de rest.", ""]),
        )

    def evaluate(self, day: datetime.date) -> None:
        """Evaluate the active plan with the household's measurement of `day`: an outcome per goal, and the
        next version (the goals not achieved carry on)."""
        plan = Plan.objects.filter(household=self.household, status=PlanStatus.ACTIVE).first()
        measurement = (
            Measurement.objects.filter(household=self.household, instrument_code=HOUSEHOLD_INSTRUMENT, date=day)
            .order_by("-moment")
            .first()
        )
        if plan is None or measurement is None or not plan.goals.exists() or plan.agreed_on is None:
            return
        outcomes = {goal.id: self.rng.choices(RESULTS, weights=[45, 35, 20])[0] for goal in plan.goals.all()}
        plan_services.plan_evaluate(
            access=self.access,
            plan=plan,
            expected_version=plan.lock_version,
            measurement_id=measurement.id,
            outcomes=outcomes,
            next_evaluation_date=day + datetime.timedelta(days=180),
            evaluated_on=day,
        )
        following = Plan.objects.filter(household=self.household, status=PlanStatus.ACTIVE).first()
        if following is not None:
            self.agree(following, day)  # the next version, discussed at the evaluation

    def close(self, day: datetime.date, reason: str, access: AccessContext | None = None) -> None:
        if access is None:
            self.new_adults(day)
        casefile_services.household_status_change(
            access=access or self.access,
            household=self.household,
            to_status=HouseholdStatus.CLOSED,
            reason=reason,
            date=day,
            task_outcomes=_decide_open_tasks(self.household),
        )
        self.household.refresh_from_db()

    def hand_over(self, day: datetime.date) -> bool:
        """A warm handover to the second-line case director with the most room (within the caseload norm),
        completed on `day`; later perhaps handed back to the team, or closed by the second line. False when
        no case director has room."""
        loads = [load for load in handover_services.regisseur_loads() if load.has_room]
        if not loads:
            return False
        regisseur = loads[0].regisseur
        rng, household = self.rng, self.household
        handover = handover_services.handover_start(
            access=self.access,
            household=household,
            regisseur_id=regisseur.id,
            question_text="Langdurige specialistische ondersteuning nodig",
        )
        handover = handover_services.handover_send(
            access=self.access, handover=handover, expected_version=handover.lock_version
        )
        # The services date the sending now; the story happened months ago: the handover was sent a few days
        # before the handover conversation. Only the moment of sending is moved back (no figure or outcome
        # depends on it); the conversation and the completion go through the services with their own dates.
        sent_on = day - self.days(3, 10)
        Handover.objects.filter(id=handover.id).update(
            sent_at=timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10, 0)))
        )
        handover.refresh_from_db()
        handover = handover_services.handover_conversation_record(
            access=self.access,
            handover=handover,
            expected_version=handover.lock_version,
            date=day - self.days(0, 2),
            attendees="Contactpersoon, regisseur en de ouders",
            family_present=True,
        )
        handover_services.handover_complete(
            access=self.access, handover=handover, expected_version=handover.lock_version, date=day
        )
        household.refresh_from_db()
        second_line = AccessContext(user=regisseur, endpoint=DEMO_ENDPOINT, purpose=DEMO_PURPOSE)
        draw = rng.random()
        if draw < 0.35:
            back = day + self.days(60, 240)
            if back <= self.today:
                handover_services.handover_back(
                    access=second_line,
                    household=household,
                    reason="Specialistische hulp afgerond; het team pakt de draad weer op",
                    contact_person_id=self.access.user.id,
                    date=back,
                )
                household.refresh_from_db()
                self.new_adults(back)
                self.contacts(back + self.days(1, 10), self.today)
        elif draw < 0.8:
            closed = day + self.days(90, 300)
            if closed <= self.today:
                self.close(closed, "Tweede lijn afgerond; geen ondersteuning meer nodig", access=second_line)
        return True
