"""Reads of referrals, and exactly what a partner may see of one (the disclosure).

Every selector starts from `referrals.access.visible_referrals`, so "does not exist" and "not yours" give
the same 404. A worker's read of one referral is access-logged as a view of the household (and member); a
partner's read of the data is a disclosure, logged by `referral_disclosure` with the consent or legal ground
it rests on, once per call.

What a disclosure holds is computed when it is read, from the consent register at that moment: the member
(name and date of birth, never the BSN: the partner identifies the client at the intake), what is asked, the
contact person, and only for the referral's life domains that the consent still covers: the member's latest
scores on the instrument domains mapped to them (`plans/data/domains.yaml`), the plan's goals of those domains
for the member or the whole household, and their actions. Nothing of any other domain. A consent withdrawn or
ended, or a referral taken back by the team, discloses nothing at all.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.consent.models import Consent
from wijkkracht.diagnosis.models import Measurement, MeasurementStatus, Score
from wijkkracht.households.models import HouseholdStatus
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import Action, Goal, OwnerType, Plan, PlanStatus
from wijkkracht.privacy.access import AccessContext, can_work_with_cases
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_read, access_log_record, access_note_refusal
from wijkkracht.referrals.access import is_partner, visible_referrals
from wijkkracht.referrals.models import Referral, ReferralStatus


@dataclass(frozen=True)
class DisclosedPerson:
    first_name: str
    last_name: str
    date_of_birth: datetime.date

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class DisclosedContact:
    """Who at the team the partner talks to: the household's contact person (or whoever sent it)."""

    name: str
    team: str
    email: str


@dataclass(frozen=True)
class DisclosedDomain:
    code: str
    label: str


@dataclass(frozen=True)
class DisclosedScore:
    """One score of the member's latest complete measurement of an instrument, on a covered domain."""

    domain: str  # the plan life domain it counts for
    instrument: str
    instrument_domain: str
    value: int
    value_label: str
    date: datetime.date


@dataclass(frozen=True)
class DisclosedAction:
    description: str
    owner: str
    status: str
    status_label: str
    due_date: datetime.date


@dataclass(frozen=True)
class DisclosedGoal:
    domain: str
    for_member: bool  # False: a goal of the whole household
    what: str
    indicator: str
    deadline: datetime.date
    actions: tuple[DisclosedAction, ...]


@dataclass(frozen=True)
class DisclosedGround:
    consent_id: int
    ground: str
    ground_label: str
    purpose: str
    purpose_label: str
    is_legal_ground: bool
    valid_until: datetime.date | None


@dataclass(frozen=True)
class Disclosure:
    """Exactly what the partner may see of a referral now; the team's detail page shows the same."""

    referral_id: int
    organization: str
    service: str
    person: DisclosedPerson
    question: str
    contact: DisclosedContact
    ground: DisclosedGround
    domains: tuple[DisclosedDomain, ...]
    scores: tuple[DisclosedScore, ...] = field(default=())
    goals: tuple[DisclosedGoal, ...] = field(default=())

    @property
    def domain_codes(self) -> tuple[str, ...]:
        return tuple(domain.code for domain in self.domains)

    def scores_of(self, code: str) -> list[DisclosedScore]:
        return [score for score in self.scores if score.domain == code]

    def goals_of(self, code: str) -> list[DisclosedGoal]:
        return [goal for goal in self.goals if goal.domain == code]


def _with_relations(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    return queryset.select_related(
        "household",
        "household__team",
        "household__contact_person",
        "household__second_line_regisseur",
        "person",
        "service",
        "organization",
        "consent",
        "sent_by",
        "action",
        "action__goal",
        "action__goal__plan",
    )


def referral_list_for_user(
    *, access: AccessContext, status: str | None = None, household_id: int | None = None
) -> QuerySet[Referral]:
    """The referrals the user may see, newest first; optionally of one status or household. Not logged
    here: a page or endpoint that shows case data of the rows logs them (a partner's list shows none)."""
    queryset = _with_relations(visible_referrals(access.user))
    if status:
        queryset = queryset.filter(status=status)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    return queryset


def referral_get_for_user(
    *, access: AccessContext, referral_id: int, household_id: int | None = None, log: bool = True
) -> Referral:
    """One referral the user may see (of `household_id` when given, as in the team's page URLs), with its
    history, or 404 for one that does not exist or is not theirs. A worker's read is access-logged as a view
    of the household and member; a partner's is not (reading the referral's data is: `referral_disclosure`).
    `log=False` only for a response that echoes a write its service logged already."""
    queryset = _with_relations(visible_referrals(access.user)).filter(id=referral_id)
    if household_id is not None:
        queryset = queryset.filter(household_id=household_id)
    referral = queryset.prefetch_related("events__by").first()
    if referral is None:
        access_note_refusal(access=access, kind="referral", record_id=referral_id, household_id=household_id)
        raise Http404(_("Referral not found."))
    if log and can_work_with_cases(access.user):
        access_log_read(
            access=access,
            household_id=referral.household_id,
            what=f"referral {referral.id}",
            person_id=referral.person_id,
        )
    return referral


def consent_in_force_for(referral: Referral, day: datetime.date | None = None) -> bool:
    """Whether the referral's data may be shown: its consent (or legal ground) is in force, still of its
    member and organisation, and the team has not taken the referral back."""
    consent = referral.consent
    return (
        referral.status != ReferralStatus.CANCELLED
        and consent.in_force(day)
        and consent.person_id == referral.person_id
        and consent.organization_id == referral.organization_id
    )


def covered_domains(referral: Referral) -> list[str]:
    """The referral's domains that its consent covers, in the policy's order."""
    allowed = set(referral.domains) & set(referral.consent.domains or [])
    return [domain.code for domain in plan_catalogue().domains if domain.code in allowed]


def _scores(referral: Referral, domain_codes: list[str]) -> tuple[DisclosedScore, ...]:
    catalogue = plan_catalogue()
    wanted: dict[tuple[str, str], str] = {}
    for code in domain_codes:
        domain = catalogue.domain(code)
        for link in domain.instrument_domains if domain else ():
            wanted.setdefault(link, code)
    instruments = sorted({instrument for instrument, _domain in wanted})
    if not instruments:
        return ()
    measurements = (
        Measurement.objects.filter(
            person_id=referral.person_id,
            household_id=referral.household_id,
            status=MeasurementStatus.COMPLETE,
            instrument_code__in=instruments,
        )
        .select_related("instrument")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.order_by("id")))
        .order_by("instrument_code", "-date", "-moment")
    )
    latest: dict[str, Measurement] = {}
    for measurement in measurements:
        latest.setdefault(measurement.instrument_code, measurement)
    scores = []
    for instrument_code in instruments:
        found = latest.get(instrument_code)
        if found is None:
            continue
        definition = found.instrument.parsed
        for score in found.scores.all():
            plan_domain = wanted.get((instrument_code, score.domain_code))
            if plan_domain is None or score.domain_code not in definition.domain_codes:
                continue
            value_label = next((item.label for item in definition.scale if item.value == score.value), "")
            scores.append(
                DisclosedScore(
                    domain=plan_domain,
                    instrument=definition.name,
                    instrument_domain=definition.domain(score.domain_code).label,
                    value=score.value,
                    value_label=value_label,
                    date=found.date,
                )
            )
    order = {code: index for index, code in enumerate(domain_codes)}
    return tuple(sorted(scores, key=lambda s: order[s.domain]))


def _plan_of(referral: Referral) -> Plan:
    """The household's active plan version (goals are carried to the next version); else the action's own."""
    active = Plan.objects.filter(household_id=referral.household_id, status=PlanStatus.ACTIVE).first()
    return active or referral.action.goal.plan


def _owner(action: Action, referral: Referral) -> str:
    """Who carries an action out, without naming another member or someone of the family's network."""
    if action.owner_type == OwnerType.CLIENT:
        if action.owner_person_id == referral.person_id:
            return referral.person.full_name
        return str(OwnerType.CLIENT.label)
    if action.owner_type == OwnerType.NETWORK:
        return str(OwnerType.NETWORK.label)
    return action.owner_label


def _goals(referral: Referral, domain_codes: list[str]) -> tuple[DisclosedGoal, ...]:
    plan = _plan_of(referral)
    goals = Goal.objects.filter(
        Q(person_id=referral.person_id) | Q(person__isnull=True), plan=plan, domain_code__in=domain_codes
    ).prefetch_related(Prefetch("actions", queryset=Action.objects.select_related("owner_person", "owner_user")))
    order = {code: index for index, code in enumerate(domain_codes)}
    result = [
        DisclosedGoal(
            domain=goal.domain_code,
            for_member=goal.person_id is not None,
            what=goal.what,
            indicator=goal.indicator,
            deadline=goal.deadline,
            actions=tuple(
                DisclosedAction(
                    description=action.description,
                    owner=_owner(action, referral),
                    status=action.status,
                    status_label=str(action.get_status_display()),
                    due_date=action.due_date,
                )
                for action in goal.actions.all()
            ),
        )
        for goal in goals.order_by("id")
    ]
    return tuple(sorted(result, key=lambda g: order[g.domain]))


def _contact(referral: Referral) -> DisclosedContact:
    household = referral.household
    if household.status == HouseholdStatus.HANDED_OVER and household.second_line_regisseur is not None:
        person: User = household.second_line_regisseur  # the case director works the case now
    else:
        person = household.contact_person or referral.sent_by
    return DisclosedContact(name=str(person), team=household.team.name, email=person.email)


def _ground(consent: Consent) -> DisclosedGround:
    return DisclosedGround(
        consent_id=consent.id,
        ground=consent.ground,
        ground_label=str(consent.get_ground_display()),
        purpose=consent.purpose,
        purpose_label=str(consent.get_purpose_display()),
        is_legal_ground=consent.is_legal_ground,
        valid_until=consent.valid_until,
    )


def referral_disclosure(*, access: AccessContext, referral: Referral) -> Disclosure | None:
    """What the partner may see of this referral now, or None when its consent (or legal ground) is no
    longer in force or the team took it back: the partner's access to the data ends at once.

    For a partner every call that discloses writes one `disclose` access-log row naming the household, the
    member and the consent or legal ground; a worker's read was logged by `referral_get_for_user`. The
    caller fetched `referral` through `referral_get_for_user` (or the list selector)."""
    consent = Consent.objects.get(id=referral.consent_id)  # read again: a withdrawal counts at once
    referral.consent = consent
    if not consent_in_force_for(referral, timezone.localdate()):
        return None
    codes = covered_domains(referral)
    catalogue = plan_catalogue()
    disclosure = Disclosure(
        referral_id=referral.id,
        organization=referral.organization.name,
        service=referral.service.name,
        person=DisclosedPerson(
            first_name=referral.person.first_name,
            last_name=referral.person.last_name,
            date_of_birth=referral.person.date_of_birth,
        ),
        question=referral.question,
        contact=_contact(referral),
        ground=_ground(consent),
        domains=tuple(DisclosedDomain(code, catalogue.domain(code).label) for code in codes),  # type: ignore[union-attr]
        scores=_scores(referral, codes),
        goals=_goals(referral, codes),
    )
    if is_partner(access.user):
        access_log_record(
            access=access,
            household_id=referral.household_id,
            person_id=referral.person_id,
            action=AccessAction.DISCLOSE,
            what=f"referral {referral.id} on {consent.ground} {consent.id}: {', '.join(codes)}",
        )
    return disclosure
