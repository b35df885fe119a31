"""The bulk part of a large demo municipality (issue 10): 100,000 households in minutes instead of hours.

The services write ~260 statements and ~20 commits per household; a city of 100,000 households built that
way takes hours. The showcase part that the demo users click through (the first `SHOWCASE` households: consents,
referrals in every state, handovers) is still built through the services (`builder.py`). Every household after
it is a *copy* of one of those showcase households, so it is by construction the same kind of data as the
services produce: its members, contacts, tasks, measurements with scores, plans with goals, actions and
suggestions, status history, income and work situations, consents and referrals are the rows of a
services-built household of the same status, with

- new ids, assigned here in Python per table (so children are inserted in the same batch as their parent),
- a new family (name, address in the team's district, first names, test BSNs that are unique city-wide),
- a new team and workers of that team in place of the original team's workers,
- a few extra contacts in the past, after the first contact (a large city's case files are longer: ~10
  contacts per household),
- a template of the same practice (`Outliers`): a copy in the slow team is one of that team's households, a
  copy of the ladder worker one of his, so the city keeps the differences the benchmark shows (issue 11),

inserted with one multi-row INSERT per table and chunk, one transaction per batch of `BATCH` households, after
which the stored caseload figures and search text of the batch are computed by the same functions the
services call (`households.figures`). Households that went to the second line are not copied: a handover
belongs to one case director with a caseload norm, and the showcase has those. The outcomes (issue 11) are
not counted per batch: `build_demo` counts them once for the whole city at the end (`outcomes_rebuild`).

The bulk part writes no access-log rows: nobody opened these case files, and the log records who saw a file,
not how the demo was made (the showcase part logs as the services do, under the purpose "demo-gegevens").
"""

from __future__ import annotations

import datetime
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Max, Min
from django.utils import timezone

from wijkkracht.accounts.models import Expertise, Role, User
from wijkkracht.casefile.models import Handover
from wijkkracht.consent.models import Consent
from wijkkracht.diagnosis.models import Measurement, Score, WorkScoreWaiver
from wijkkracht.households.figures import household_figures_refresh, household_search_text_refresh
from wijkkracht.households.models import (
    Contact,
    ContactKind,
    ContactPersonChange,
    DetailChange,
    Household,
    HouseholdStatus,
    IncomeWorkRecord,
    Person,
    PersonRole,
    SharedCustodyLink,
    StatusChange,
    Task,
)
from wijkkracht.plans.models import Action, Goal, Plan, PlanChange, Suggestion, WorkGoalReason
from wijkkracht.referrals.models import Referral, ReferralEvent
from wijkkracht.teams.models import Team, TeamMembership, Wijk, WijkPostcode

#: Households per transaction: large enough that commits do not count, small enough to keep memory flat.
BATCH = 1000

#: Households a team of the large city serves, and the workers it has for them.
HOUSEHOLDS_PER_TEAM = 2500
WORKERS_PER_TEAM = 17  # one coordinator and sixteen social workers
MAX_TEAMS = 99  # district codes WK0999xx

#: Extra contacts in the past per copied household (uniform 0..n-1): a large city's files are longer.
EXTRA_CONTACTS = 10

#: The districts of the large city beyond the three of the showcase.
MORE_WIJKEN = (
    "Noorderkwartier",
    "Zuiderpark",
    "Molenwijk",
    "Kerkbuurt",
    "Stationsbuurt",
    "Vogelwijk",
    "Schildersbuurt",
    "Rivierenwijk",
    "Sterrenwijk",
    "Bomenbuurt",
    "Lindenhof",
    "Eikenrode",
    "Beukenhorst",
    "Wilgenpark",
    "Zeeheldenbuurt",
    "Duinzicht",
    "Kanaalzone",
    "Heidebloem",
    "Vlietland",
    "Hoogkamp",
    "Westerveld",
    "Oosterpoort",
    "Noordhove",
    "Zuidrand",
    "Marktkwartier",
    "Singelpark",
    "Weverswijk",
    "Brugwijk",
    "Sluiskwartier",
    "Akkerland",
    "Meerzicht",
    "Parkhaven",
    "Hofstede",
    "Burchtwijk",
    "Lageweide",
    "Rietvelden",
    "Ganzenhoek",
)
STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Schoolstraat",
    "Molenweg",
    "Julianalaan",
    "Beatrixstraat",
    "Parklaan",
    "Stationsweg",
    "Lindelaan",
    "Eikenlaan",
    "Vaartkade",
    "Nieuweweg",
    "Marktplein",
    "Zandpad",
    "Akkerstraat",
    "Rozengracht",
)


def team_count(households: int, per_team: int = HOUSEHOLDS_PER_TEAM) -> int:
    """Teams of the city: three for a showcase-sized demo, ~2,500 households a team beyond that."""
    return max(3, min(MAX_TEAMS, round(households / per_team)))


def wijk_name(index: int) -> str:
    names = MORE_WIJKEN
    name = names[(index - 3) % len(names)]
    round_ = (index - 3) // len(names)
    return name if round_ == 0 else f"{name} {round_ + 1}"


def wijk_postcodes(index: int) -> tuple[str, str]:
    """Postcode digits of district `index` (3 and up; the showcase's three have 9901–9906)."""
    first = 9700 + 2 * (index - 3)
    return (str(first), str(first + 1))


def build_city_organisation(
    *,
    households: int,
    teams: list[Team],
    password_hash: Callable[[], str],
    names: tuple[tuple[str, ...], ...],
    per_team: int = HOUSEHOLDS_PER_TEAM,
) -> list[Team]:
    """Districts, teams and workers of a large city: `team_count(households)` teams of WORKERS_PER_TEAM
    workers each (the showcase's three teams keep their workers and get more). The password is hashed once
    (`password_hash` is called at most once) and shared by every new account. Idempotent."""
    adult_names, surnames = names
    wanted = team_count(households, per_team)
    all_teams = list(teams)
    with transaction.atomic():
        for index in range(len(teams), wanted):
            name = wijk_name(index)
            wijk, _created = Wijk.objects.get_or_create(
                code=f"WK0999{index + 1:02d}", defaults={"name": name, "residents": 9000 + (index * 137) % 6000}
            )
            for digits in wijk_postcodes(index):
                WijkPostcode.objects.get_or_create(digits=digits, defaults={"wijk": wijk})
            team, _created = Team.objects.get_or_create(name=f"Wijkteam {wijk.name}")
            team.wijken.add(wijk)
            all_teams.append(team)
        existing = set(User.objects.filter(username__startswith="wijkteam").values_list("username", flat=True))
        hashed: str | None = None
        expertises = list(Expertise.objects.order_by("code"))
        new_users: list[User] = []
        for team_index, _team in enumerate(all_teams):
            # The showcase teams have four workers already; they get the rest of a large city's team.
            first = 4 if team_index < len(teams) else 0
            for number in range(first, WORKERS_PER_TEAM):
                username = f"wijkteam{team_index + 1:02d}.{number + 1:02d}"
                if username in existing:
                    continue
                rng = random.Random(username)
                hashed = hashed or password_hash()
                new_users.append(
                    User(
                        username=username,
                        password=hashed,
                        first_name=rng.choice(adult_names),
                        last_name=rng.choice(surnames),
                        role=Role.TEAM_COORDINATOR if number == 0 else Role.SOCIAL_WORKER,
                    )
                )
        User.objects.bulk_create(new_users, batch_size=500)
        by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in new_users])}
        memberships = []
        user_expertises = []
        through = User.expertises.through
        for user in by_name.values():
            team_index = int(user.username[8:10]) - 1
            memberships.append(TeamMembership(team=all_teams[team_index], user=user))
            if expertises:
                expertise = expertises[int(user.username[-2:]) % len(expertises)]
                user_expertises.append(through(user_id=user.id, expertise_id=expertise.id))
        TeamMembership.objects.bulk_create(memberships, batch_size=500)
        through.objects.bulk_create(user_expertises, batch_size=500)
    return all_teams


# --- copying households ------------------------------------------------------------------------------------


@dataclass
class Table:
    """One table copied with the household: its columns, how to find its rows of a household, and what
    each foreign key points to."""

    model: type[models.Model]
    household_path: str
    columns: list[str] = field(default_factory=list)
    fields: list[models.Field] = field(default_factory=list)


def _tables() -> list[Table]:
    return [
        Table(Household, "id"),
        Table(Person, "household"),
        Table(SharedCustodyLink, "person__household"),
        Table(DetailChange, "household"),
        Table(StatusChange, "household"),
        Table(ContactPersonChange, "household"),
        Table(Contact, "household"),
        Table(Contact.members.through, "contact__household"),
        Table(IncomeWorkRecord, "household"),
        Table(Task, "household"),
        Table(Measurement, "household"),
        Table(Measurement.participants.through, "measurement__household"),
        Table(Score, "measurement__household"),
        Table(WorkScoreWaiver, "person__household"),
        Table(Plan, "household"),
        Table(Plan.present_members.through, "plan__household"),
        Table(Goal, "plan__household"),
        Table(Suggestion, "plan__household"),
        Table(Action, "goal__plan__household"),
        Table(WorkGoalReason, "plan__household"),
        Table(PlanChange, "plan__household"),
        Table(Consent, "household"),
        Table(Referral, "household"),
        Table(ReferralEvent, "referral__household"),
    ]


@dataclass
class Template:
    """A services-built household and all its rows, ready to be copied: per table the rows (database
    values, in column order), with every id and every foreign key to a copied table replaced by the row's
    position among the template's rows of that table (a copy adds the table's first new id)."""

    household_id: int
    rows: dict[type[models.Model], list[tuple[Any, ...]]]
    counts: dict[type[models.Model], int]
    users: list[int]
    contact_person_id: int | None
    last_day: datetime.date
    registered_on: datetime.date
    surname: str
    #: (first name, last name) of each member, in position order: texts that name them are rewritten.
    people: list[tuple[str, str]]
    #: The day of the first contact that took place (None: not reached yet).
    first_contact: datetime.date | None = None
    #: The practice it shows (`Outliers`): "slow_team", "ladder_worker" or "ordinary".
    profile: str = "ordinary"


@dataclass(frozen=True)
class Outliers:
    """The showcase's team and worker that differ (issue 11: the benchmark shows a real outlier). A copy in the
    slow team is copied from that team's showcase households, a copy whose contact person is the ladder worker
    from that worker's, every other copy from the ordinary ones: the city keeps the differences."""

    slow_team_id: int | None = None
    ladder_worker_id: int | None = None

    def profile(self, team_id: int, contact_person_id: int | None) -> str:
        if team_id == self.slow_team_id:
            return "slow_team"
        if contact_person_id is not None and contact_person_id == self.ladder_worker_id:
            return "ladder_worker"
        return "ordinary"


def load_templates(
    showcase_teams: list[Team], tables: list[Table], showcase: int, outliers: Outliers | None = None
) -> list[Template]:
    """The showcase households (the first `showcase` of the showcase teams) that may be copied: not those
    handed over to the second line. Oldest first."""
    outliers = outliers or Outliers()
    first = list(
        Household.objects.filter(team__in=showcase_teams).order_by("id").values_list("id", flat=True)[:showcase]
    )
    households = {
        h.id: h
        for h in Household.objects.filter(id__in=first, second_line_regisseur__isnull=True)
        .exclude(status=HouseholdStatus.HANDED_OVER)
        .exclude(id__in=Handover.objects.values("household_id"))
    }
    ids = sorted(households)
    first_contacts = dict(
        Contact.objects.filter(household_id__in=ids)
        .exclude(kind=ContactKind.NO_SHOW)
        .order_by()
        .values("household_id")
        .annotate(first=Min("date"))
        .values_list("household_id", "first")
    )
    workers = set(User.objects.filter(memberships__team__in=showcase_teams).values_list("id", flat=True).distinct())
    raw: dict[int, dict[type[models.Model], list[list[Any]]]] = {i: {} for i in ids}
    by_model = {t.model: t for t in tables}
    for table in tables:
        table.fields = list(table.model._meta.concrete_fields)
        table.columns = [f.column for f in table.fields]
        names = [f.attname for f in table.fields]
        queryset = table.model._base_manager.filter(**{f"{table.household_path}__in": ids}).order_by("pk")
        for values in queryset.values_list(table.household_path, *names):
            prepared = [
                v if f.is_relation or f.primary_key else f.get_db_prep_save(v, connection)
                for f, v in zip(table.fields, values[1:], strict=True)
            ]
            raw[values[0]].setdefault(table.model, []).append(prepared)
    templates = []
    person_first = by_model[Person].columns.index("first_name")
    person_last = by_model[Person].columns.index("last_name")
    for household_id in ids:
        rows = raw[household_id]
        position = {model: {row[0]: n for n, row in enumerate(model_rows)} for model, model_rows in rows.items()}
        users: set[int] = set()
        key = by_model[Task].columns.index("dedupe_key")
        for row in rows.get(Task, ()):
            prefix, _sep, old = row[key].rpartition(":")
            if prefix == "referral-reminder":
                row[key] = f"{prefix}:{position[Referral][int(old)]}"
        for model, model_rows in rows.items():
            table = by_model[model]
            for i, f in enumerate(table.fields):
                related = f.related_model if f.is_relation else None
                for row in model_rows:
                    if row[i] is None:
                        continue
                    if f.primary_key:
                        row[i] = position[model][row[i]]
                    elif isinstance(related, type) and related in by_model:
                        row[i] = position[related][row[i]]
                    elif related is User and row[i] in workers:
                        users.add(row[i])
        household = households[household_id]
        templates.append(
            Template(
                household_id=household_id,
                rows={model: [tuple(row) for row in model_rows] for model, model_rows in rows.items()},
                counts={model: len(model_rows) for model, model_rows in rows.items()},
                users=sorted(users),
                contact_person_id=household.contact_person_id,
                last_day=timezone.localdate() if household.is_open else household.status_since,
                registered_on=household.registered_on,
                surname=household.name,
                people=[(row[person_first], row[person_last]) for row in rows.get(Person, ())],
                first_contact=first_contacts.get(household_id),
                profile=outliers.profile(household.team_id, household.contact_person_id),
            )
        )
    return templates


def _next_ids(tables: list[Table]) -> dict[type[models.Model], int]:
    return {table.model: (table.model._base_manager.aggregate(m=Max("pk"))["m"] or 0) + 1 for table in tables}


def _bsn_numbers(start: int) -> Iterator[str]:
    """Test BSNs (999xxxxxx, passing the eleven test) from `start` on, each once. The test range has ~91,000
    valid numbers; when they run out, members have no BSN (which the product allows)."""
    for number in range(start, 100_000):
        digits = [9, 9, 9] + [int(c) for c in f"{number:05d}"]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10:
            yield "".join(map(str, [*digits, last]))


@dataclass
class Names:
    surnames: tuple[str, ...]
    adult_names: tuple[str, ...]
    child_names: tuple[str, ...]
    notes: dict[str, tuple[str, ...]]


Rows = list[tuple[Any, ...]]
CopyRows = Callable[[Rows, list[int], dict[int, int], int, int], Rows]


def _compile(table: Table, index_of: dict[type[models.Model], int]) -> CopyRows:
    """A function that copies a template's rows of `table`: ids and foreign keys to copied tables become
    base + position, workers are swapped for the new team's, team and district are the new ones. Generated
    once per table, so copying a row is one tuple expression (millions of rows at 100,000 households)."""
    parts = []
    for i, f in enumerate(table.fields):
        related = f.related_model if f.is_relation else None
        if f.primary_key:
            parts.append(f"r[{i}] + B[{index_of[table.model]}]")
        elif related in index_of:
            expression = f"r[{i}] + B[{index_of[related]}]"  # type: ignore[index]
            parts.append(f"(None if r[{i}] is None else {expression})" if f.null else expression)
        elif related is User:
            parts.append(f"U.get(r[{i}], r[{i}])")
        elif related is Team:
            parts.append("T")
        elif related is Wijk:
            parts.append("W")
        else:
            parts.append(f"r[{i}]")
    source = f"def copy_rows(rows, B, U, T, W):\n    return [({', '.join(parts)},) for r in rows]\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<bulk copy of {table.model._meta.db_table}>", "exec"), namespace)  # noqa: S102
    return namespace["copy_rows"]


class Copier:
    """Copies templates into new households, assigning ids in Python and writing one batch at a time."""

    def __init__(
        self,
        *,
        tables: list[Table],
        templates: list[Template],
        names: Names,
        bsn_start: int,
        outliers: Outliers | None = None,
    ) -> None:
        self.tables = tables
        self.templates = templates
        self.outliers = outliers or Outliers()
        self.pools: dict[str, list[Template]] = {}
        for template in templates:
            self.pools.setdefault(template.profile, []).append(template)
        self.names = names
        self.bsns = _bsn_numbers(bsn_start)
        self.index_of = {t.model: n for n, t in enumerate(tables)}
        start = _next_ids(tables)
        self.next_id = [start[t.model] for t in tables]
        self.copy_rows = {t.model: _compile(t, self.index_of) for t in tables}
        self.statements = 0
        by_model = {t.model: t for t in tables}
        household_columns = by_model[Household].columns
        self.h = {name: household_columns.index(name) for name in household_columns}
        person_columns = by_model[Person].columns
        self.p = {name: person_columns.index(name) for name in person_columns}
        self.task_key = by_model[Task].columns.index("dedupe_key")
        #: Texts the services write with a member's name in them (a goal's owner, a task's title, …).
        self.named = {
            Task: [by_model[Task].columns.index("title")],
            Goal: [by_model[Goal].columns.index("owner")],
            Action: [by_model[Action].columns.index("owner_name")],
            PlanChange: [by_model[PlanChange].columns.index("summary")],
        }
        # Extra contacts: values in database form, the constant ones prepared once.
        contact = by_model[Contact]
        self.contact_columns = contact.columns
        self.kinds = [k for k in ContactKind.values if k != ContactKind.NO_SHOW]
        self.created_at = Contact._meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
        self.adapt_date = connection.ops.adapt_datefield_value
        self.contact_members_columns = by_model[Contact.members.through].columns

    def copy(
        self, index: int, seed: int, team: Team, wijk: Wijk, postcodes: tuple[str, ...], workers: list[int], out: dict
    ) -> int:
        """Copy one template into household number `index` of the city; rows are appended to `out`."""
        rng = random.Random(f"{seed}:{index}:bulk")
        contact_person = workers[index % len(workers)]
        pool = self.pools.get(self.outliers.profile(team.id, contact_person)) or self.templates
        template = pool[rng.randrange(len(pool))]
        bases = list(self.next_id)
        for model, count in template.counts.items():
            self.next_id[self.index_of[model]] += count
        users = {old: rng.choice(workers) for old in template.users}
        if template.contact_person_id is not None:
            users[template.contact_person_id] = contact_person
        surname = rng.choice(self.names.surnames)
        renames: list[tuple[str, str]] = []
        for model, rows in template.rows.items():
            copied = self.copy_rows[model](rows, bases, users, team.id, wijk.id)
            if model is Household:
                h = self.h
                household = list(copied[0])
                household[h["name"]] = surname
                household[h["street"]] = rng.choice(STREETS)
                household[h["postcode"]] = (
                    f"{rng.choice(postcodes)}{rng.choice('ABCDEFGHJK')}{rng.choice('ABDEGHKLMNPRST')}"
                )
                household[h["house_number"]] = rng.randrange(1, 240)
                household[h["search_text"]] = ""
                copied = [tuple(household)]
            elif model is Person:
                p = self.p
                people = []
                for row in copied:
                    person = list(row)
                    child = row[p["role"]] == PersonRole.CHILD
                    person[p["first_name"]] = rng.choice(self.names.child_names if child else self.names.adult_names)
                    same_family = row[p["last_name"]] == template.surname
                    person[p["last_name"]] = surname if same_family else rng.choice(self.names.surnames)
                    if row[p["bsn"]]:
                        person[p["bsn"]] = next(self.bsns, "")
                    people.append(tuple(person))
                copied = people
                renames = [
                    (f"{old[0]} {old[1]}", f"{new[p['first_name']]} {new[p['last_name']]}")
                    for old, new in zip(template.people, people, strict=True)
                ] + [(old[0], new[p["first_name"]]) for old, new in zip(template.people, people, strict=True)]
            elif model is Task:
                copied = [self._task_key(row, bases) if row[self.task_key] else row for row in copied]
            if model in self.named:
                copied = [self._rename(row, self.named[model], renames) for row in copied]
            out.setdefault(model, []).extend(copied)
        self._extra_contacts(rng, template, bases, contact_person, out)
        return bases[self.index_of[Household]]

    @staticmethod
    def _rename(row: tuple[Any, ...], columns: list[int], renames: list[tuple[str, str]]) -> tuple[Any, ...]:
        """The copy's members in place of the template's where a text names them: one pass, full names
        before first names, so a new name is never renamed again."""
        changed = None
        lookup = dict(reversed(renames))  # the first pair of a name wins
        pattern = "|".join(re.escape(old) for old, _new in renames)
        for i in columns:
            text: str = row[i]
            if not text or not any(old in text for old, _new in renames):
                continue
            text = re.sub(rf"\b(?:{pattern})\b", lambda match: lookup[str(match.group(0))], text)
            if text != row[i]:
                changed = changed or list(row)
                changed[i] = text
        return tuple(changed) if changed else row

    def _task_key(self, row: tuple[Any, ...], bases: list[int]) -> tuple[Any, ...]:
        """A system task's key names the thing it is about: the copy's, so it stays unique while open."""
        task = list(row)
        prefix, _sep, old = task[self.task_key].rpartition(":")
        if prefix == "referral-reminder":
            # The template holds the referral's position (`load_templates`).
            task[self.task_key] = f"{prefix}:{bases[self.index_of[Referral]] + int(old)}"
        else:
            task[self.task_key] = ""
        return tuple(task)

    def _extra_contacts(self, rng: random.Random, template: Template, bases: list[int], worker: int, out: dict) -> None:
        """A few more contacts between the first contact and today (or the closing day): the kinds that took
        place, with a duration and one member, as `contact_log` writes them. None before the first contact:
        the wait for it is the team's (issue 11)."""
        if template.first_contact is None:
            return
        start = template.first_contact
        span = (template.last_day - start).days
        count = rng.randrange(EXTRA_CONTACTS) if span > 0 else 0
        if not count:
            return
        members = template.counts.get(Person, 0)
        household_id = bases[self.index_of[Household]]
        first_person = bases[self.index_of[Person]]
        contacts = out.setdefault(Contact, [])
        links = out.setdefault(Contact.members.through, [])
        contact_index, link_index = self.index_of[Contact], self.index_of[Contact.members.through]
        columns = self.contact_columns
        for _ in range(count):
            kind = rng.choices(self.kinds, weights=[30, 25, 15, 10, 10])[0]
            contact_id = self.next_id[contact_index]
            self.next_id[contact_index] += 1
            values = {
                "id": contact_id,
                "household_id": household_id,
                "kind": kind,
                "date": self.adapt_date(start + datetime.timedelta(days=rng.randrange(span + 1))),
                "duration_minutes": rng.choice([15, 30, 45, 60, 90]),
                "worker_id": worker,
                "note": rng.choice(self.names.notes[kind]),
                "created_at": self.created_at,
            }
            contacts.append(tuple(values[c] for c in columns))
            if members:
                link = {"id": self.next_id[link_index], "contact_id": contact_id}
                link["person_id"] = first_person + rng.randrange(members)
                self.next_id[link_index] += 1
                links.append(tuple(link[c] for c in self.contact_members_columns))

    def write(self, out: dict) -> None:
        """Insert the rows of one batch: PostgreSQL with one COPY per table, SQLite with one multi-row INSERT
        per table and chunk of rows (straight to the driver: Django's placeholder rewriting costs more than
        the insert)."""
        connection.ensure_connection()
        for table in self.tables:
            rows = out.get(table.model)
            if not rows:
                continue
            name = connection.ops.quote_name(table.model._meta.db_table)
            quoted = ", ".join(connection.ops.quote_name(c) for c in table.columns)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                self.statements += 1
                continue
            width = len(table.columns)
            per_statement = max(1, min(2000, (connection.features.max_query_params or 999) // width))
            one = "(" + ", ".join(["?"] * width) + ")"
            driver = connection.connection
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                # Table and column names from the models, quoted; every value is a parameter.
                sql = f"INSERT INTO {name} ({quoted}) VALUES " + ", ".join([one] * len(chunk))  # noqa: S608
                driver.execute(sql, [v for row in chunk for v in row])
                self.statements += 1

    def reset_sequences(self) -> None:
        """PostgreSQL hands out ids from sequences: move them past the ids assigned here."""
        if connection.vendor != "postgresql":
            return
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t in self.tables]):
                cursor.execute(sql)


@dataclass(frozen=True)
class BulkStats:
    households: int
    statements: int
    batches: int


def build_bulk(
    *,
    start: int,
    households: int,
    seed: int,
    showcase_teams: list[Team],
    teams: list[Team],
    names: Names,
    showcase: int,
    progress: Callable[[int, int], None] | None = None,
    outliers: Outliers | None = None,
) -> BulkStats:
    """Households `start`..`households`-1 of the city as copies of the showcase, BATCH per transaction."""
    if start >= households:
        return BulkStats(0, 0, 0)
    tables = _tables()
    templates = load_templates(showcase_teams, tables, showcase, outliers)
    if not templates:
        return BulkStats(0, 0, 0)
    highest = Person.objects.filter(bsn__startswith="999").aggregate(m=Max("bsn"))["m"]
    bsn_start = max(int(highest[3:8]) + 1 if highest else 0, showcase * 12)
    copier = Copier(tables=tables, templates=templates, names=names, bsn_start=bsn_start, outliers=outliers)
    team_wijk = {}
    for team in teams:
        wijk = team.wijken.order_by("id").first()
        assert wijk is not None
        team_wijk[team.id] = (wijk, tuple(wijk.postcodes.order_by("digits").values_list("digits", flat=True)))
    team_workers = {
        team.id: list(
            User.objects.filter(
                memberships__team=team, role__in=[Role.SOCIAL_WORKER, Role.TEAM_COORDINATOR], is_active=True
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        for team in teams
    }
    batches = 0
    if progress:
        progress(start, households)  # the starting point of the bulk part's pace
    for batch_start in range(start, households, BATCH):
        batch_end = min(households, batch_start + BATCH)
        out: dict = {}
        household_ids = []
        for index in range(batch_start, batch_end):
            team = teams[index % len(teams)]
            wijk, postcodes = team_wijk[team.id]
            household_ids.append(copier.copy(index, seed, team, wijk, postcodes, team_workers[team.id], out))
        with transaction.atomic():
            copier.write(out)
            household_figures_refresh(household_ids=household_ids)
            household_search_text_refresh(household_ids=household_ids)
            # In the batch's transaction: an interrupted build leaves the sequences past every id it wrote.
            copier.reset_sequences()
        batches += 1
        if progress:
            progress(batch_end, households)
    return BulkStats(households - start, copier.statements, batches)


def password_hasher(password: str) -> Callable[[], str]:
    """The demo password hashed once, on first use (hashing costs ~0.3 s on purpose)."""
    cache: list[str] = []

    def hashed() -> str:
        if not cache:
            cache.append(make_password(password))
        return cache[0]

    return hashed
