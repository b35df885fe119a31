from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import Contact, Household, Person, Task
from wijkkracht.teams.models import Team, Wijk


def snapshot():
    return sorted(
        (h.name, h.postcode, h.house_number, h.status, h.team.name, h.members.count(), h.contacts.count())
        for h in Household.objects.select_related("team")
    )


@pytest.mark.django_db
def test_demo_builds_a_varied_municipality_and_prints_logins():
    out = StringIO()
    call_command("demo", households=40, seed=7, stdout=out)
    assert Wijk.objects.count() == 3 and Team.objects.count() == 3
    assert User.objects.filter(role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR]).count() == 12
    assert Household.objects.count() == 40
    statuses = set(Household.objects.values_list("status", flat=True))
    assert len(statuses) >= 3
    assert Person.objects.count() > 40 and Contact.objects.count() > 40
    assert Task.objects.exists()  # no-shows created follow-ups
    assert Household.objects.filter(team__isnull=False).values("team").distinct().count() == 3
    output = out.getvalue()
    assert "sanne" in output and "wijkkracht-demo" in output and "Sociaal werker" in output


@pytest.mark.django_db
def test_demo_is_idempotent_and_extends_without_duplicates():
    call_command("demo", households=10, seed=3, stdout=StringIO())
    first = snapshot()
    call_command("demo", households=10, seed=3, stdout=StringIO())
    assert snapshot() == first
    assert User.objects.filter(username="sanne").count() == 1
    call_command("demo", households=12, seed=3, stdout=StringIO())
    assert Household.objects.count() == 12
    assert set(first) <= set(snapshot())


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_municipality(django_db_blocker):
    call_command("demo", households=8, seed=11, stdout=StringIO())
    first = snapshot()
    Household.objects.all().delete()
    call_command("demo", households=8, seed=11, stdout=StringIO())
    assert snapshot() == first
    Household.objects.all().delete()
    call_command("demo", households=8, seed=12, stdout=StringIO())
    assert snapshot() != first


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("demo", households=2, seed=1, stdout=StringIO())
    # Through the login page: django-axes needs the request that `client.login()` does not pass.
    assert client.post("/inloggen/", {"username": "sanne", "password": "wijkkracht-demo"}).status_code == 302
    assert client.get("/huishoudens/mijn/").status_code == 200


@pytest.mark.django_db
def test_demo_refuses_a_silly_number():
    with pytest.raises(CommandError):
        call_command("demo", households=-1, stdout=StringIO())
