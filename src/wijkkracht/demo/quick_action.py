"""Quick action in the demo municipality (issue 12): a manager, measures and escalations of each showcase team,
made through the services (the mandate, the four eyes, the budget and the access log work as for real), so that
every role finds something on its pages: the coordinators a measure to approve and an overdue escalation, the
manager an escalation with the managers and the budgets, the workers measures and decision letters."""

import datetime

from django.db import transaction

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.escalations import services as escalation_services
from wijkkracht.escalations.models import Escalation
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import OPEN_STATUSES, Household, PersonRole, Task, TaskStatus
from wijkkracht.mandate import services as measure_services
from wijkkracht.privacy.access import AccessContext
from wijkkracht.teams.models import Team, TeamMembership

#: The demo's manager with the power to push through: a member of every showcase team.
MANAGER = "marieke"
ADULT_ROLES = (PersonRole.PARENT, PersonRole.PARTNER, PersonRole.OTHER)


def _access(user: User, endpoint: str, purpose: str) -> AccessContext:
    return AccessContext(user=user, endpoint=endpoint, purpose=purpose)


def _worker(household: Household) -> User:
    assert household.contact_person is not None  # `_open_households` picks households with one
    return household.contact_person


def _open_households(team: Team, count: int) -> list[Household]:
    """Open households of the team with an adult member and a social worker as contact person (whose mandate is
    the smallest, so that € 450 waits for the coordinator), oldest first (stable per seed)."""
    found = []
    for household in (
        Household.objects.filter(team=team, status__in=OPEN_STATUSES, contact_person__role=Role.SOCIAL_WORKER)
        .select_related("contact_person")
        .order_by("id")
    ):
        if household.members.filter(role__in=ADULT_ROLES).exists() and _worker(household).is_active:
            found.append(household)
        if len(found) == count:
            break
    return found


def _adult(household: Household) -> int:
    return household.members.filter(role__in=ADULT_ROLES).order_by("id").values_list("id", flat=True)[0]


def build_quick_action(*, teams: list[Team], today: datetime.date, endpoint: str, purpose: str) -> None:
    """Once per demo (skipped when the first team already has measures)."""
    from wijkkracht.mandate.models import Measure

    if not teams or Measure.objects.filter(team=teams[0]).exists():
        return
    manager = User.objects.filter(username=MANAGER).first()
    if manager is not None:
        for team in teams:
            TeamMembership.objects.get_or_create(team=team, user=manager)
    for index, team in enumerate(teams):
        coordinator = User.objects.filter(memberships__team=team, role=Role.TEAM_COORDINATOR).first()
        households = _open_households(team, 4)
        if coordinator is None or len(households) < 4:
            continue
        with transaction.atomic():
            _measures(households, coordinator, today, endpoint, purpose)
            _escalation(index, households[3], coordinator, manager, today, endpoint, purpose)


def _measures(
    households: list[Household], coordinator: User, today: datetime.date, endpoint: str, purpose: str
) -> None:
    first, second, third = households[:3]
    # Within a worker's mandate: the duty to apply for jobs suspended for three months (approved at once).
    measure_services.measure_propose(
        access=_access(_worker(first), endpoint, purpose),
        household_id=first.id,
        person_id=_adult(first),
        kind_code="sollicitatieplicht_opschorten",
        reason="Eerst rust om de schulden te regelen; daarna samen naar werk kijken.",
        start_date=today,
        end_date=today + datetime.timedelta(days=89),
    )
    # Within mandate and paid: a small amount of special assistance.
    paid = measure_services.measure_propose(
        access=_access(_worker(second), endpoint, purpose),
        household_id=second.id,
        person_id=_adult(second),
        kind_code="bijzondere_bijstand",
        reason="Vervanging van een kapotte koelkast.",
        start_date=today - datetime.timedelta(days=20),
        amount="180",
    )
    measure_services.measure_pay(access=_access(_worker(second), endpoint, purpose), measure_id=paid.id, paid_on=today)
    # Above a worker's mandate (€ 250): waits for the coordinator, who has a task for it.
    measure_services.measure_propose(
        access=_access(_worker(third), endpoint, purpose),
        household_id=third.id,
        person_id=_adult(third),
        kind_code="bijzondere_bijstand",
        reason="Inrichtingskosten na de verhuizing uit de opvang.",
        start_date=today,
        amount="450",
    )
    # A sanction, after the hearing of the client, within the coordinator's mandate.
    measure_services.measure_propose(
        access=_access(coordinator, endpoint, purpose),
        household_id=first.id,
        person_id=_adult(first),
        kind_code="maatregel_uitkering",
        reason="Drie afspraken bij het werkgeversservicepunt niet nagekomen zonder bericht.",
        start_date=today,
        end_date=today + datetime.timedelta(days=59),
        percentage="10",
        hearing_date=today - datetime.timedelta(days=3),
        hearing_statement="Ik wist niet dat die afspraken verplicht waren; mijn post lag nog ongeopend.",
    )


def _escalation(
    index: int,
    household: Household,
    coordinator: User,
    manager: User | None,
    today: datetime.date,
    endpoint: str,
    purpose: str,
) -> None:
    worker = _worker(household)
    escalation = escalation_services.escalation_raise(
        access=_access(worker, endpoint, purpose),
        household_id=household.id,
        blocked="De woningcorporatie wil de huurschuld niet bevriezen, dus de ontruiming gaat door.",
        blocked_by="Woningcorporatie Kustwonen, afdeling incasso",
        needed="Een afspraak op directieniveau om de ontruiming op te schorten zolang de schuldhulp loopt.",
    )
    if index == 0:
        # Raised a week ago and still with the coordinator: overdue, it stands out on their page.
        raised = today - datetime.timedelta(days=7)
        deadline = add_working_days(raised, 2)
        Escalation.objects.filter(id=escalation.id).update(
            raised_at=escalation.raised_at - datetime.timedelta(days=7),
            respond_by=deadline,
            coordinator_respond_by=deadline,
        )
        # The coordinators' tasks for it were due on the deadline as well (overdue on "Mijn taken").
        Task.objects.filter(
            household=household, status=TaskStatus.OPEN, due_date=escalation.respond_by, dedupe_key__gt=""
        ).update(due_date=deadline)
        household_figures_refresh(household_ids=[household.id])
        return
    coordinator_access = _access(coordinator, endpoint, purpose)
    forwarded = escalation_services.escalation_forward(
        access=coordinator_access,
        escalation_id=escalation.id,
        reason="De corporatie reageert niet op het team; er is iemand met doorzettingsmacht nodig.",
        lock_version=escalation.lock_version,
    )
    if index == 2 and manager is not None:
        escalation_services.escalation_resolve(
            access=_access(manager, endpoint, purpose),
            escalation_id=forwarded.id,
            outcome="Met de directeur van de corporatie afgesproken: de ontruiming is opgeschort voor zes maanden.",
            lock_version=forwarded.lock_version,
        )
