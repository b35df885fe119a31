"""The floor of issue 11: ONE hand-written SQL query that computes, from the raw case-file tables, the numbers
the outcomes dashboard shows for one period and the team comparison.

The issue asks the benchmark dashboard to answer in no more than 1.5 × the time of "one hand-written SQL query
that computes the same numbers"; this is that query (`bench/outcomes.py` times both). It reads households,
contacts, status changes, plans, goals, handovers, referrals, measurements with their scores, persons and
income records: not the stored contributions (`HouseholdContribution`) or cells (`IndicatorCell`) the
dashboard reads.

What it computes, per team and pyramid level, per team, per level over all teams, and for all teams (the four
`scope`s of its rows), for the months of one period, each as (n, total, total of squares) under the measure
names of the shared contract (`outcomes.maintenance`):

- `registered.<intake channel>` and `registered` (households registered in the period);
- `first_contact` (households whose earliest contact that is not a no-show lies in the period; total = days
  from registration), `plan_agreed` (the earliest agreed plan; total = days);
- `contacts` (contacts that are not no-shows; total = minutes, null as 0; squares of minutes);
- `ended`, `ended_closed`, `ended_handed_over` (the first status change to closed or handed over; total =
  days from registration);
- `returned` (completed handovers back to the team), `goals_evaluated`, `goals_achieved` (goals with an
  outcome of plans evaluated in the period), `referrals` (sent in the period, Amsterdam time);
- `self_reliance` (members with ≥ 2 complete measurements of the self-reliance instrument whose latest lies in
  the period; total = round(1000 × mean change per domain scored in both), `ladder` and `ladder_up` (adults on
  the latest measurement's date with ≥ 2 complete ladder measurements; up when the latest is higher);
- `benefit_ended`, `benefit_to_work` (benefit episodes — person, benefit, since — whose latest record ends
  them in the period; to work when the reason is work or partial work);
- `care`: months that households were in care in the period (registered in or before the month, first-line
  support not ended before it: the exposure of the rates), and `in_care_at_end` (in care in the last month,
  the pyramid's demand);
- the pyramid level of every household from the first complete measurement of each member with the pyramid
  instrument (the heaviest member's level), with the level rules of `outcomes/data/outcomes.yaml` written into
  the query's CASE (read from the policy when the query is made, so the floor follows the file).

What it leaves out, and why the dashboard does more:

- the disclosure rules (small-cell suppression with complementary suppression and the time rule,
  `privacy.disclosure`), the funnel limits and the case-mix adjustment (`outcomes.benchmark`), the labels
  and the SVG pictures: Python on top of the numbers, not part of "computing the numbers";
- the monthly trend of the selected indicator (the same numbers per month; the dashboard derives it from the
  monthly cells it has read anyway);
- the comparison of workers and of districts (the same query with `contact_person_id` or `wijk_id` in
  place of `team_id`);
- the instrument definition's direction and domain list: changes are `latest − first` per domain code scored
  in both measurements, which is what `diagnosis.progress.progress_between` computes for the shipped
  instruments (both "high is good"; every scored domain is one of the definition's). The rounding of the
  mean change is SQL's (half away from zero) where Python rounds half to even: they differ only at an exact
  half, which needs ≥ 16 scored domains (the Zelfredzaamheid-Matrix has 13).

`floor_numbers(period)` runs it on Django's default connection and returns
{(scope key, measure): (n, total, total_sq)} with scope keys as `outcomes.figures` names them: a team's id,
"all", and ("level", team id or "all", level). `src/wijkkracht/outcomes/tests/test_floor.py` checks that
every number equals what `outcomes.figures.cells_read` gives for a hand-made municipality.
"""

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.db import connection

from wijkkracht.households.models import OUTFLOW_TO_WORK
from wijkkracht.outcomes.periods import Period
from wijkkracht.outcomes.policy import OutcomePolicy, outcome_policy

# Dialect fragments: the query is the same on both databases but for these.
DIALECT = {
    "sqlite": {
        "month": "(CAST(strftime('%%Y', {0}) AS INTEGER) * 12 + CAST(strftime('%%m', {0}) AS INTEGER))",
        "days": "CAST(julianday({0}) - julianday({1}) AS INTEGER)",
        "age": "(CAST(strftime('%%Y', {0}) AS INTEGER) - CAST(strftime('%%Y', {1}) AS INTEGER)"
        " - (strftime('%%m-%%d', {0}) < strftime('%%m-%%d', {1})))",
        "least": "MIN",
        "greatest": "MAX",
        "concat": "'registered.' || {0}",
    },
    "postgresql": {
        "month": "(EXTRACT(YEAR FROM {0})::int * 12 + EXTRACT(MONTH FROM {0})::int)",
        "days": "({0} - {1})",
        "age": "(EXTRACT(YEAR FROM {0})::int - EXTRACT(YEAR FROM {1})::int"
        " - CASE WHEN to_char({0}, 'MM-DD') < to_char({1}, 'MM-DD') THEN 1 ELSE 0 END)",
        "least": "LEAST",
        "greatest": "GREATEST",
        "concat": "'registered.' || {0}",
    },
}

QUERY = """
WITH
-- The end of first-line support: the first change to closed or handed over.
ends AS (
    SELECT household_id, date AS day, to_status
    FROM (SELECT household_id, date, to_status,
                 ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY date, id) AS rank
          FROM households_statuschange WHERE to_status IN ('closed', 'handed_over')) first_end
    WHERE rank = 1
),
-- Every member's series of complete measurements of the instruments that count: its latest, its first.
series AS (
    SELECT household_id, person_id, instrument_code, date AS day, id AS latest_id,
           FIRST_VALUE(id) OVER (PARTITION BY household_id, instrument_code, person_id ORDER BY moment) AS first_id,
           ROW_NUMBER() OVER (PARTITION BY household_id, instrument_code, person_id ORDER BY moment DESC) AS rank,
           COUNT(*) OVER (PARTITION BY household_id, instrument_code, person_id) AS taken
    FROM diagnosis_measurement
    WHERE status = 'complete' AND instrument_code IN (%(self_reliance)s, %(ladder)s, %(pyramid)s)
),
latest AS (SELECT * FROM series WHERE rank = 1),
-- Per member with two or more: the change per domain scored in both, summed, and how many domains.
changes AS (
    SELECT l.household_id, l.person_id, l.instrument_code, l.day,
           COUNT(after.value) AS domains, COALESCE(SUM(after.value - before.value), 0) AS steps
    FROM latest l
    LEFT JOIN diagnosis_score before ON before.measurement_id = l.first_id
    LEFT JOIN diagnosis_score after ON after.measurement_id = l.latest_id AND after.domain_code = before.domain_code
    WHERE l.taken >= 2 AND l.instrument_code IN (%(self_reliance)s, %(ladder)s)
      AND l.day BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY l.household_id, l.person_id, l.instrument_code, l.day
),
-- The pyramid: each member's level from their first measurement, the household's the heaviest.
member_levels AS (
    SELECT l.household_id, {level_case} AS heaviness
    FROM latest l LEFT JOIN diagnosis_score s ON s.measurement_id = l.first_id
    WHERE l.instrument_code = %(pyramid)s
    GROUP BY l.household_id, l.person_id
),
levels AS (SELECT household_id, MIN(heaviness) AS heaviness FROM member_levels GROUP BY household_id),
-- The latest record of every benefit episode.
benefits AS (
    SELECT household_id, benefit_ended_on, benefit_end_reason
    FROM (SELECT household_id, benefit_ended_on, benefit_end_reason,
                 ROW_NUMBER() OVER (PARTITION BY person_id, benefit, benefit_since
                                    ORDER BY recorded_on DESC, id DESC) AS rank
          FROM households_incomeworkrecord) episode
    WHERE rank = 1 AND benefit_ended_on BETWEEN %(first_day)s AND %(last_day)s
),
-- Every household's events in the period: (household, measure, n, total, total of squares).
events (household_id, measure, n, total, total_sq) AS (
    SELECT id, {registered_channel}, 1, 0, 0 FROM households_household
    WHERE registered_on BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT id, 'registered', 1, 0, 0 FROM households_household
    WHERE registered_on BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT h.id, 'first_contact', 1, {days_first_contact}, {days_first_contact} * {days_first_contact}
    FROM (SELECT household_id, MIN(date) AS day FROM households_contact WHERE kind <> 'no_show'
          GROUP BY household_id) fc
    JOIN households_household h ON h.id = fc.household_id
    WHERE fc.day BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT household_id, 'contacts', COUNT(*), SUM(COALESCE(duration_minutes, 0)),
           SUM(CAST(COALESCE(duration_minutes, 0) AS INTEGER) * COALESCE(duration_minutes, 0))
    FROM households_contact
    WHERE kind <> 'no_show' AND date BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY household_id
    UNION ALL
    SELECT h.id, 'plan_agreed', 1, {days_plan}, {days_plan} * {days_plan}
    FROM (SELECT household_id, MIN(agreed_on) AS day FROM plans_plan WHERE agreed_on IS NOT NULL
          GROUP BY household_id) pa
    JOIN households_household h ON h.id = pa.household_id
    WHERE pa.day BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT h.id, 'ended', 1, {days_end}, {days_end} * {days_end}
    FROM ends e JOIN households_household h ON h.id = e.household_id
    WHERE e.day BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT household_id, CASE WHEN to_status = 'closed' THEN 'ended_closed' ELSE 'ended_handed_over' END, 1, 0, 0
    FROM ends WHERE day BETWEEN %(first_day)s AND %(last_day)s
    UNION ALL
    SELECT household_id, 'returned', COUNT(*), 0, 0 FROM casefile_handover
    WHERE direction = 'back_to_team' AND status = 'completed'
      AND completed_on BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY household_id
    UNION ALL
    SELECT p.household_id, 'goals_evaluated', COUNT(*), 0, 0
    FROM plans_goal g JOIN plans_plan p ON p.id = g.plan_id
    WHERE g.outcome <> '' AND p.evaluated_on BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY p.household_id
    UNION ALL
    SELECT p.household_id, 'goals_achieved', COUNT(*), 0, 0
    FROM plans_goal g JOIN plans_plan p ON p.id = g.plan_id
    WHERE g.outcome = 'achieved' AND p.evaluated_on BETWEEN %(first_day)s AND %(last_day)s
    GROUP BY p.household_id
    UNION ALL
    SELECT household_id, 'referrals', COUNT(*), 0, 0 FROM referrals_referral
    WHERE sent_at >= %(first_instant)s AND sent_at < %(after_instant)s
    GROUP BY household_id
    UNION ALL
    SELECT household_id, 'self_reliance', 1, {mean_change}, {mean_change} * {mean_change}
    FROM changes WHERE instrument_code = %(self_reliance)s
    UNION ALL
    SELECT c.household_id, 'ladder', 1, 0, 0
    FROM changes c JOIN households_person p ON p.id = c.person_id
    WHERE c.instrument_code = %(ladder)s AND {age} >= 18
    UNION ALL
    SELECT c.household_id, 'ladder_up', 1, 0, 0
    FROM changes c JOIN households_person p ON p.id = c.person_id
    WHERE c.instrument_code = %(ladder)s AND {age} >= 18 AND c.steps > 0
    UNION ALL
    SELECT household_id, 'benefit_ended', 1, 0, 0 FROM benefits
    UNION ALL
    SELECT household_id, 'benefit_to_work', 1, 0, 0 FROM benefits WHERE benefit_end_reason IN ({to_work})
    UNION ALL
    SELECT h.id, 'care', {care_months}, 0, 0
    FROM households_household h LEFT JOIN ends e ON e.household_id = h.id
    WHERE {care_months} > 0
    UNION ALL
    SELECT h.id, 'in_care_at_end', 1, 0, 0
    FROM households_household h LEFT JOIN ends e ON e.household_id = h.id
    WHERE {registered_month} <= %(last_month)s AND (e.day IS NULL OR {end_month} >= %(last_month)s)
),
per_team_level AS (
    SELECT h.team_id, COALESCE(l.heaviness, -1) AS heaviness, e.measure,
           SUM(e.n) AS n, SUM(e.total) AS total, SUM(e.total_sq) AS total_sq
    FROM events e
    JOIN households_household h ON h.id = e.household_id
    LEFT JOIN levels l ON l.household_id = e.household_id
    GROUP BY h.team_id, COALESCE(l.heaviness, -1), e.measure
)
SELECT 'team_level', team_id, heaviness, measure, n, total, total_sq FROM per_team_level
UNION ALL
SELECT 'team', team_id, NULL, measure, SUM(n), SUM(total), SUM(total_sq) FROM per_team_level
GROUP BY team_id, measure
UNION ALL
SELECT 'level', NULL, heaviness, measure, SUM(n), SUM(total), SUM(total_sq) FROM per_team_level
GROUP BY heaviness, measure
UNION ALL
SELECT 'all', NULL, NULL, measure, SUM(n), SUM(total), SUM(total_sq) FROM per_team_level
GROUP BY measure
"""


def floor_sql(vendor: str, policy: OutcomePolicy) -> str:
    """The query for one database (`connection.vendor`), with the pyramid rule of the policy file."""
    if vendor not in DIALECT:
        raise NotImplementedError(f"no floor query for {vendor}")
    d = DIALECT[vendor]
    # A member's level: the first rule of the file that holds for their first scores (its position; the
    # household takes the lowest position, i.e. the heaviest level).
    whens = []
    for position, rule in enumerate(policy.pyramid.levels):
        if not rule.scores:
            whens.append(f"ELSE {position}")
            break
        values = ", ".join(str(int(value)) for value in rule.scores)
        whens.append(
            f"WHEN SUM(CASE WHEN s.value IN ({values}) THEN 1 ELSE 0 END) >= {int(rule.domains_at_least)} "
            f"THEN {position}"
        )
    else:
        whens.append("ELSE NULL")
    level_case = "CASE " + " ".join(whens) + " END"
    registered_month = d["month"].format("h.registered_on")
    end_month = d["month"].format("e.day")
    care_months = (
        f"({d['least']}(%(last_month)s, COALESCE({end_month}, %(last_month)s)) - "
        f"{d['greatest']}(%(first_month)s, {registered_month}) + 1)"
    )
    to_work = ", ".join(f"'{reason}'" for reason in sorted(OUTFLOW_TO_WORK))
    return QUERY.format(
        level_case=level_case,
        registered_channel=d["concat"].format("intake_channel"),
        days_first_contact=d["days"].format("fc.day", "h.registered_on"),
        days_plan=d["days"].format("pa.day", "h.registered_on"),
        days_end=d["days"].format("e.day", "h.registered_on"),
        mean_change="(CASE WHEN domains = 0 THEN 0 ELSE CAST(ROUND(1000.0 * steps / domains) AS INTEGER) END)",
        age=d["age"].format("c.day", "p.date_of_birth"),
        to_work=to_work,
        care_months=care_months,
        registered_month=registered_month,
        end_month=end_month,
    )


def floor_params(period: Period, policy: OutcomePolicy) -> dict[str, Any]:
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_instant = datetime.datetime.combine(period.start, datetime.time(), zone)
    after_instant = datetime.datetime.combine(period.last_day + datetime.timedelta(days=1), datetime.time(), zone)
    ops = connection.ops
    return {
        "first_day": ops.adapt_datefield_value(period.start),
        "last_day": ops.adapt_datefield_value(period.last_day),
        "first_month": period.start.year * 12 + period.start.month,
        "last_month": period.end.year * 12 + period.end.month,
        "first_instant": ops.adapt_datetimefield_value(first_instant),
        "after_instant": ops.adapt_datetimefield_value(after_instant),
        "self_reliance": policy.self_reliance_instrument,
        "ladder": policy.participation_instrument,
        "pyramid": policy.pyramid.instrument,
    }


def floor_rows(period: Period, policy: OutcomePolicy | None = None) -> list[tuple]:
    """The query's raw rows: (scope, team id, level position, measure, n, total, total_sq)."""
    policy = policy or outcome_policy()
    with connection.cursor() as cursor:
        cursor.execute(floor_sql(connection.vendor, policy), floor_params(period, policy))
        return cursor.fetchall()


def floor_numbers(period: Period, policy: OutcomePolicy | None = None) -> dict[tuple[Any, str], tuple[int, int, int]]:
    """{(key, measure): (n, total, total_sq)}; key: team id, "all", or ("level", team id or "all", level)."""
    policy = policy or outcome_policy()
    levels = [rule.level for rule in policy.pyramid.levels]
    numbers: dict[tuple[Any, str], tuple[int, int, int]] = {}
    for scope, team_id, position, measure, n, total, total_sq in floor_rows(period, policy):
        level = "" if position is None or int(position) < 0 else levels[int(position)]
        key: Any = {
            "team_level": ("level", team_id, level),
            "team": team_id,
            "level": ("level", "all", level),
            "all": "all",
        }[scope]
        numbers[(key, measure)] = (int(n), int(total), int(total_sq))
    return numbers
