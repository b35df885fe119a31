import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from wijkkracht.accounts.models import Role, User
from wijkkracht.households.models import Contact, Household, HouseholdStatus, Person, Task
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


@pytest.mark.django_db
def test_handed_over_households_have_a_regisseur():
    call_command("demo", households=60, seed=5, stdout=StringIO())
    for household in Household.objects.filter(status=HouseholdStatus.HANDED_OVER):
        assert household.second_line_regisseur is not None


@pytest.mark.django_db
def test_demo_has_measurements_that_show_progress():
    from wijkkracht.diagnosis.models import Measurement, MeasurementStatus
    from wijkkracht.diagnosis.progress import progress_between
    from wijkkracht.diagnosis.selectors import first_complete

    call_command("demo", households=60, seed=2026, stdout=StringIO())
    assert Measurement.objects.filter(moment=0, status=MeasurementStatus.COMPLETE).count() > 20
    follow_ups = Measurement.objects.filter(moment=1, instrument_code="integrale-nulmeting")
    assert follow_ups.exists()
    improved = sum(progress_between(first_complete(m), m).improved for m in follow_ups)
    worse = sum(progress_between(first_complete(m), m).worse for m in follow_ups)
    assert improved > worse  # teams make a difference, mostly
    # every household past the intake satisfies the work-from-the-start rule
    for household in Household.objects.filter(status__in=["plan", "in_progress"]):
        from wijkkracht.diagnosis.rules import intake_gaps

        assert intake_gaps(household, household.status_since) == []


@pytest.mark.django_db
def test_demo_contact_notes_match_their_kind():
    """A no-show is no conversation and a phone call or e-mail is not at home: the demo shows what real
    notes look like, so every note must fit its kind of contact."""
    from wijkkracht.households.models import ContactKind

    call_command("demo", households=30, seed=11, stdout=StringIO())
    not_for = {
        ContactKind.NO_SHOW: ("gesproken", "gesprek", "samen", "besproken", "thuis"),
        ContactKind.PHONE: ("thuis", "huisbezoek", "op kantoor", "samen de post"),
        ContactKind.DIGITAL: ("thuis", "huisbezoek", "op kantoor"),
        ContactKind.OFFICE: ("thuis", "huisbezoek", "telefonisch"),
        ContactKind.HOME_VISIT: ("telefonisch", "gebeld", "op kantoor"),
    }
    kinds = set()
    for contact in Contact.objects.all():
        kinds.add(contact.kind)
        # an appointment still to come says what is planned, not what happened
        planned = contact.date > timezone.localdate()
        assert contact.note.startswith("Gepland,") == planned, (contact.date, contact.note)
        note = contact.note.lower()
        wrong = [word for word in not_for.get(contact.kind, ()) if re.search(rf"\b{word}\b", note)]
        assert not wrong, (contact.kind, contact.note)
    assert ContactKind.NO_SHOW in kinds and ContactKind.PHONE in kinds
