import datetime
from collections.abc import Iterator
from contextlib import contextmanager

import factory
from django.utils import timezone

from wijkkracht.households.figures import household_figures_refresh, household_search_text_refresh
from wijkkracht.households.models import (
    Benefit,
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    IntakeChannel,
    Person,
    PersonRole,
    Task,
    WorkSituation,
    is_adult,
)

#: While `figures_refreshed_once()` runs: the households the factories touched, refreshed at its end.
_collecting: list[set[int]] = []


@contextmanager
def figures_refreshed_once() -> Iterator[set[int]]:
    """Build fixture data with the refreshes gathered: inside the block the factories note the households
    they touch instead of refreshing each one after every record; at its end every noted household's figures
    and search text are refreshed once (one refresh for a `world` instead of six). The database ends exactly
    as the factories leave it one by one (the after-test check compares); household instances made inside
    the block still hold the figures of their creation: reload them (`refresh_from_db`)."""
    touched: set[int] = set()
    _collecting.append(touched)
    try:
        yield touched
    finally:
        _collecting.pop()
    household_figures_refresh(household_ids=touched)
    household_search_text_refresh(household_ids=touched)


class FiguresKept:
    """Factories leave the data as the services would: the household's stored figures and search text are
    refreshed after every record made (the services do it in the transaction of their change)."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        super()._after_postgeneration(instance, create, results)  # type: ignore[misc]
        if create:
            household_id = instance.pk if isinstance(instance, Household) else instance.household_id
            if _collecting:
                if household_id is not None:
                    _collecting[-1].add(household_id)
                return
            household_figures_refresh(household_ids=[household_id])
            household_search_text_refresh(household_ids=[household_id])
            if isinstance(instance, Household):
                instance.refresh_from_db()
            elif household_id is not None and "household" in instance._state.fields_cache:
                instance.household.refresh_from_db()


class HouseholdFactory(FiguresKept, factory.django.DjangoModelFactory):
    """A household of `team`, whose contact person is a member of that team (created if not given)."""

    class Meta:
        model = Household

    team = factory.SubFactory("wijkkracht.teams.tests.factories.TeamFactory")
    wijk = factory.LazyAttribute(lambda o: o.team.wijken.first())
    contact_person = factory.LazyAttribute(
        lambda o: o.team.members.filter(role__in=["social_worker", "team_coordinator"]).first() or _new_member(o.team)
    )
    name = factory.Faker("last_name", locale="nl_NL")
    postcode = factory.LazyAttribute(lambda o: f"{o.wijk.postcodes.first().digits}AB")
    house_number = factory.Sequence(lambda n: n + 1)
    intake_channel = IntakeChannel.DESK
    status = HouseholdStatus.REGISTERED
    registered_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    status_since = factory.SelfAttribute("registered_on")

    class Params:
        closed = factory.Trait(status=HouseholdStatus.CLOSED)
        in_progress = factory.Trait(status=HouseholdStatus.IN_PROGRESS)


def _new_member(team):  # type: ignore[no-untyped-def]
    from wijkkracht.teams.tests.factories import TeamMembershipFactory

    return TeamMembershipFactory(team=team).user


class PersonFactory(FiguresKept, factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    household = factory.SubFactory(HouseholdFactory)
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.SelfAttribute("household.name")
    date_of_birth = datetime.date(1985, 3, 14)
    role = PersonRole.PARENT


class ContactFactory(FiguresKept, factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    household = factory.SubFactory(HouseholdFactory)
    kind = ContactKind.HOME_VISIT
    date = factory.LazyFunction(timezone.localdate)
    duration_minutes = 45
    worker = factory.SelfAttribute("household.contact_person")
    note = "Kennismaking"


class TaskFactory(FiguresKept, factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    household = factory.SubFactory(HouseholdFactory)
    assigned_to = factory.SelfAttribute("household.contact_person")
    team = factory.SelfAttribute("household.team")
    title = "Terugbellen"
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=2))


def _recorder(household):  # type: ignore[no-untyped-def]
    from wijkkracht.accounts.tests.factories import UserFactory

    return household.contact_person or UserFactory()


class IncomeWorkRecordFactory(FiguresKept, factory.django.DjangoModelFactory):
    """An adult's income and work situation (issue 11), by default "no benefit, no work" on the day the
    household was registered: what the intake asks of every adult."""

    class Meta:
        model = IncomeWorkRecord

    person = factory.SubFactory(PersonFactory)
    household = factory.SelfAttribute("person.household")
    benefit = Benefit.NONE
    work = WorkSituation.NONE
    recorded_on = factory.LazyAttribute(lambda o: o.person.household.registered_on)
    recorded_by = factory.LazyAttribute(lambda o: _recorder(o.person.household))


def record_income_work_of_adults(household: Household, on: datetime.date | None = None) -> list[IncomeWorkRecord]:
    """Give every adult of the household without one an income and work situation (the intake rule asks
    for it), as the intake would; returns the records made."""
    on = on or timezone.localdate()
    recorded = set(IncomeWorkRecord.objects.filter(household=household).values_list("person_id", flat=True))
    return [
        IncomeWorkRecordFactory(person=person, recorded_on=min(max(household.registered_on, on), timezone.localdate()))
        for person in household.members.all()
        if person.id not in recorded and is_adult(person, on)
    ]
