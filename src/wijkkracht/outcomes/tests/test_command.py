"""`wijkkracht outcomes rebuild` and `wijkkracht outcomes check`."""

import io

import pytest
from django.core.management import call_command

from wijkkracht.households.models import ContactKind
from wijkkracht.outcomes.models import HouseholdContribution, IndicatorCell


def test_rebuild_counts_everything_again_with_a_progress_line(world):
    IndicatorCell.objects.all().delete()
    HouseholdContribution.objects.all().delete()
    out = io.StringIO()
    call_command("outcomes", "rebuild", stdout=out)
    assert "Huishoudens geteld: 2 van 2" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Uitkomsten opnieuw geteld: 2 huishoudens")
    # Two households of two teams, each registered at the desk: a team, a worker and a district cell each.
    assert IndicatorCell.objects.filter(measure="registered.desk").count() == 6


def test_check_lists_the_differences_and_fails(world):
    out = io.StringIO()
    call_command("outcomes", "check", stdout=out)
    assert out.getvalue().strip() == "Uitkomsten gecontroleerd: 0 verschillen"

    # A contact written past the services: its household's contributions are out of date.
    world.household.contacts.create(
        kind=ContactKind.PHONE, date=world.household.registered_on, duration_minutes=10, worker=world.worker
    )
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("outcomes", "check", stdout=out)
    assert exited.value.code == 1
    assert f"HH-{world.household.id:06d} contacts" in out.getvalue()
    # The contacts and the first contact; the cells still equal the sum of the stored contributions.
    assert "Uitkomsten gecontroleerd: 2 verschillen" in out.getvalue()
    call_command("outcomes", "rebuild", stdout=io.StringIO())
    from wijkkracht.households.figures import household_figures_refresh

    household_figures_refresh(household_ids=[world.household.id])
