import datetime

import factory
from django.utils import timezone

from wijkkracht.households.figures import household_figures_refresh, household_search_text_refresh
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    Household,
    HouseholdStatus,
    IntakeChannel,
    Person,
    PersonRole,
    Task,
)


class FiguresKept:
    """Factories leave the data as the services would: the household's stored figures and search text are
    refreshed after every record made (the services do it in the transaction of their change)."""

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # type: ignore[no-untyped-def]
        super()._after_postgeneration(instance, create, results)  # type: ignore[misc]
        if create:
            household_id = instance.pk if isinstance(instance, Household) else instance.household_id
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
