"""Measures made directly in the database, for tests of what reads them (the budget, lists). Tests of the
decisions themselves go through `mandate.services`; these rows skip the mandate and approval rules and only
respect the database's constraints (a paid measure is approved, an approved one has its moment)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from wijkkracht.households.tests.factories import PersonFactory
from wijkkracht.mandate.models import Measure, MeasureStatus


def at_noon(day: datetime.date) -> datetime.datetime:
    """A moment on `day` in the local time zone (an approval moment whose local date is `day`)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))


class MeasureFactory(factory.django.DjangoModelFactory):
    """A proposed measure of bijzondere bijstand (spends from the budget). Traits: `approved` (approved on
    `approved_on`, default its start), `paid` (approved and paid on `paid_on`), `rejected`, `withdrawn`."""

    class Meta:
        model = Measure

    class Params:
        approved_on = factory.SelfAttribute("start_date")
        approved = factory.Trait(
            status=MeasureStatus.APPROVED, approved_at=factory.LazyAttribute(lambda o: at_noon(o.approved_on))
        )
        paid = factory.Trait(
            status=MeasureStatus.APPROVED,
            approved_at=factory.LazyAttribute(lambda o: at_noon(o.approved_on)),
            paid_on=factory.SelfAttribute("approved_on"),
            paid_by=factory.SelfAttribute("decided_by"),
        )
        rejected = factory.Trait(
            status=MeasureStatus.REJECTED,
            ended_at=factory.LazyAttribute(lambda o: at_noon(o.start_date)),
            end_reason="Past niet",
        )
        withdrawn = factory.Trait(
            status=MeasureStatus.WITHDRAWN,
            approved_at=factory.LazyAttribute(lambda o: at_noon(o.approved_on)),
            ended_at=factory.LazyAttribute(lambda o: at_noon(o.start_date)),
            end_reason="Niet meer nodig",
        )

    person = factory.SubFactory(PersonFactory)
    household = factory.SelfAttribute("person.household")
    team = factory.SelfAttribute("household.team")
    kind_code = "bijzondere_bijstand"
    kind_name = "Bijzondere bijstand"
    spends_budget = True
    reason = "Kapotte wasmachine"
    legal_ground = "Participatiewet, artikel 35"
    amount = Decimal("100.00")
    start_date = factory.LazyFunction(timezone.localdate)
    decided_by = factory.SelfAttribute("household.contact_person")
    decided_at = factory.LazyAttribute(lambda o: at_noon(o.start_date))
    status = MeasureStatus.PROPOSED
