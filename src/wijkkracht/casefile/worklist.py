"""A worker's own work: open tasks across households ("Mijn taken") and the week ahead (planned
appointments and tasks due, per day). Reads start from what the user may see and access-log the
households a page shows, one bulk row per page."""

import datetime
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

from wijkkracht.households import selectors as household_selectors
from wijkkracht.households.models import Contact, Task, TaskStatus
from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record_many

MY_TASKS_PAGE_SIZE = 50


def my_open_tasks(*, access: AccessContext) -> QuerySet[Task]:
    """The user's open tasks: on households they may see, and their team's tasks without a household;
    overdue first, then by due date (the households selector's order)."""
    return household_selectors.task_list_for_user(access=access, status=TaskStatus.OPEN, mine=True)


def my_tasks_page(*, access: AccessContext, page_number: str | int = 1) -> Page[Task]:
    page = Paginator(my_open_tasks(access=access), MY_TASKS_PAGE_SIZE, allow_empty_first_page=True).get_page(
        page_number
    )
    access_log_record_many(
        access=access,
        household_ids=sorted({task.household_id for task in page.object_list if task.household_id}),
        action=AccessAction.LIST,
        what="my tasks",
    )
    return page


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week of `day`."""
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class WeekDay:
    date: datetime.date
    appointments: list[Contact] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


def my_week(*, access: AccessContext, monday: datetime.date) -> list[WeekDay]:
    """Monday to Sunday of one week: the user's planned appointments and open tasks due that day."""
    sunday = monday + datetime.timedelta(days=6)
    days = [WeekDay(date=monday + datetime.timedelta(days=offset)) for offset in range(7)]
    appointments = list(
        household_selectors.appointment_list_for_user(
            access=access, worker=access.user, date_from=monday, date_to=sunday
        )
    )
    tasks = list(my_open_tasks(access=access).filter(due_date__gte=monday, due_date__lte=sunday))
    for appointment in appointments:
        days[(appointment.date - monday).days].appointments.append(appointment)
    for task in tasks:
        days[(task.due_date - monday).days].tasks.append(task)
    household_ids = {contact.household_id for contact in appointments} | {
        task.household_id for task in tasks if task.household_id
    }
    access_log_record_many(access=access, household_ids=sorted(household_ids), action=AccessAction.LIST, what="my week")
    return days
