"""The demo command and the large city on an empty database: what it refuses (building nothing) and the
accounts a new city gets. (The tests on a built showcase live in `test_bulk.py`, which shares one.)"""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from wijkkracht.accounts.models import User
from wijkkracht.demo import bulk
from wijkkracht.demo.builder import build_demo
from wijkkracht.households.models import Household
from wijkkracht.teams.models import Team


@pytest.mark.django_db
def test_new_demo_accounts_share_one_password_hash(client):
    # Two households through the services are enough: one build makes the staff, the partners and the city's
    # workers (two teams of ten households).
    build_demo(households=12, seed=1, showcase=2, households_per_team=10)
    # staff, partners and the city's workers: one hash (hashing costs ~0.3 s a time in production)
    assert User.objects.count() > 30
    assert len(set(User.objects.values_list("password", flat=True))) == 1
    worker = User.objects.filter(username__startswith="wijkteam").first()
    assert worker is not None
    response = client.post("/inloggen/", {"username": worker.username, "password": "wijkkracht-demo"})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("households", [-1, 1_000_001])
def test_a_number_out_of_range_is_refused_in_dutch_and_builds_nothing(households):
    with pytest.raises(CommandError, match=r"--households moet tussen 0 en 1\.000\.000 liggen"):
        call_command("demo", households=households, stdout=StringIO())
    assert Household.objects.count() == 0 and Team.objects.count() == 0 and User.objects.count() == 0


@pytest.mark.django_db
def test_a_disk_too_small_is_refused_in_dutch_and_builds_nothing(monkeypatch):
    real = shutil.disk_usage

    def small_disk(path):
        usage = real(path)
        return usage._replace(free=500 * 1024 * 1024)  # 500 MB: room for ~12,000 households, not 100,000

    monkeypatch.setattr(shutil, "disk_usage", small_disk)
    with pytest.raises(CommandError, match="Te weinig schijfruimte") as refused:
        call_command("demo", households=100_000, stdout=StringIO())
    assert "100.000 nieuwe huishoudens" in str(refused.value)
    assert Household.objects.count() == 0 and Team.objects.count() == 0 and User.objects.count() == 0
    # a size the disk can hold is built
    call_command("demo", households=3, stdout=StringIO())
    assert Household.objects.count() == 3


def test_team_count_makes_a_large_city_of_teams_of_2500():
    assert bulk.team_count(300) == 3
    assert bulk.team_count(10_000) == 4
    assert bulk.team_count(100_000) == 40
    assert bulk.team_count(1_000_000) == bulk.MAX_TEAMS
