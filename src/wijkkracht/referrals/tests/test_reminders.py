"""No answer after the municipality's term of working days gives the contact person one task, once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Task, TaskStatus
from wijkkracht.referrals import services
from wijkkracht.referrals.models import Referral
from wijkkracht.referrals.tests.helpers import partner, send
from wijkkracht.teams.models import Municipality

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: Monday 7 December 2026, at a quarter past four in the afternoon.
SENT = datetime.datetime(2026, 12, 7, 16, 15, tzinfo=AMSTERDAM)


@pytest.fixture
def referral(world):
    with freeze_time(SENT):
        return send(world)


def _reminders(day: datetime.date) -> int:
    with freeze_time(datetime.datetime.combine(day, datetime.time(9), tzinfo=AMSTERDAM)):
        return services.referral_reminders_create(today=day)


def test_the_reminder_comes_after_five_working_days_once(world, referral):
    # Five working days after Monday 7 December end on Monday 14 December: nothing until the day after.
    assert _reminders(datetime.date(2026, 12, 11)) == 0
    assert _reminders(datetime.date(2026, 12, 14)) == 0
    assert not Task.objects.exists()
    assert _reminders(datetime.date(2026, 12, 15)) == 1
    task = Task.objects.get()
    assert task.assigned_to == world.worker and task.household == world.household
    assert task.due_date == datetime.date(2026, 12, 15)
    assert referral.organization.name in task.title
    assert Referral.objects.get(id=referral.id).reminder_task == task
    # Once only: not again the next day, nor after the worker completed the task.
    assert _reminders(datetime.date(2026, 12, 16)) == 0
    Task.objects.filter(id=task.id).update(status=TaskStatus.DONE, done_at=SENT)
    household_figures_refresh(household_ids=[task.household_id])  # as task_complete would
    assert _reminders(datetime.date(2026, 12, 17)) == 0
    assert Task.objects.count() == 1


def test_holidays_do_not_count(world):
    # Sent on Wednesday 23 December: Christmas (25 and 26 December) and the weekend do not count, so the
    # five working days end on Thursday 31 December.
    with freeze_time(datetime.datetime(2026, 12, 23, 10, tzinfo=AMSTERDAM)):
        send(world)
    assert _reminders(datetime.date(2026, 12, 31)) == 0
    assert _reminders(datetime.date(2027, 1, 4)) == 1  # 1 January is a holiday, then the weekend


def test_the_term_is_the_municipalitys_setting(world, referral):
    Municipality.objects.filter(id=1).update(referral_answer_working_days=2)
    assert _reminders(datetime.date(2026, 12, 9)) == 0
    assert _reminders(datetime.date(2026, 12, 10)) == 1


def test_an_answered_referral_gives_no_reminder(world, referral):
    with freeze_time(SENT + datetime.timedelta(days=1)):
        services.referral_status_change(
            access=world.access(partner(referral.organization)),
            referral_id=referral.id,
            status="accepted",
            lock_version=referral.lock_version,
        )
    assert _reminders(datetime.date(2026, 12, 21)) == 0
    assert not Task.objects.exists()


def test_the_command_runs_it(world, referral, capsys):
    with freeze_time(datetime.datetime(2026, 12, 15, 7, tzinfo=AMSTERDAM)):
        call_command("referrals", "remind")
        call_command("referrals", "remind")
    assert Task.objects.count() == 1
    assert "1" in capsys.readouterr().out


def test_opening_my_tasks_makes_the_reminder_without_cron(world, referral, client):
    with freeze_time(datetime.datetime(2026, 12, 15, 8, tzinfo=AMSTERDAM)):
        client.force_login(world.worker)
        response = client.get("/huishoudens/mijn-taken/")
    assert response.status_code == 200
    assert Task.objects.filter(assigned_to=world.worker).count() == 1
    assert referral.organization.name in response.content.decode()
