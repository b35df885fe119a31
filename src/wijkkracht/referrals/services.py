"""Writes of referrals: sending one, its status, and the reminder when a partner does not answer.

A referral is sent from an action of the active plan of an open household the worker may see, to an active
service on the social map, for one member, resting on one row of the consent register that is in force and
is of that member, for the service's organisation, and covers every life domain sent: a consent for the
purpose "referral" or "exchange of information" (a consent for a joint plan is for working on one plan
together, not for handing the member over), or a legal ground other than consent (acute safety under the
Meldcode, a legal duty), whatever its purpose. Sending is a disclosure: it writes a `disclose` access-log
row naming the consent or legal ground.

Statuses move only forward (see TRANSITIONS): the addressed organisation's partner answers (accepted,
declined with a reason) and reports (started, completed, did not attend); the team can only take a referral
back (cancelled, with a reason) while it is not final. Every change is one conditional UPDATE on the old
status and version, so of two answers at the same moment one wins and the other gets a clear message.
"""

import datetime
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.locking import stale_error
from wijkkracht.common.validation import ErrorCollector, invisible_characters
from wijkkracht.consent.models import Consent, ConsentGround, ConsentPurpose, in_force_q
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import OPEN_STATUSES, Household, HouseholdStatus, Person, Task
from wijkkracht.households.services import refuse_if_closed
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.plans.models import PlanStatus
from wijkkracht.plans.selectors import action_get_for_user
from wijkkracht.privacy.access import AccessContext, can_work_with_cases, require_case_worker
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record, access_note_refusal
from wijkkracht.referrals.access import is_partner, visible_referrals
from wijkkracht.referrals.models import FINAL_STATUSES, Referral, ReferralEvent, ReferralStatus
from wijkkracht.socialmap.models import Organization, Service, ServiceStatus
from wijkkracht.teams.models import Municipality

QUESTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
#: Consent purposes a referral may rest on; a legal ground other than consent may have any purpose.
REFERRAL_PURPOSES = (ConsentPurpose.REFERRAL, ConsentPurpose.DATA_EXCHANGE)

S = ReferralStatus
#: The statuses a referral may move to from each status, and who moves it there.
PARTNER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.SENT: (S.ACCEPTED, S.DECLINED),
    S.ACCEPTED: (S.STARTED, S.DECLINED, S.NO_SHOW),
    S.STARTED: (S.COMPLETED, S.NO_SHOW),
}
TEAM_TRANSITIONS: dict[str, tuple[str, ...]] = {status: (S.CANCELLED,) for status in (S.SENT, S.ACCEPTED, S.STARTED)}
#: Statuses that need a reason: a refusal and a withdrawal are explained to the other side.
REASON_REQUIRED = (S.DECLINED, S.CANCELLED)
#: Partner statuses that need the consent still in force: taking the member on uses their data.
NEEDS_CONSENT = (S.ACCEPTED, S.STARTED)


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def consent_allows_purpose(consent: Consent) -> bool:
    return consent.ground != ConsentGround.CONSENT or consent.purpose in REFERRAL_PURPOSES


def consents_for_referral(
    *, household: Household, person_id: int, organization_id: int, day: datetime.date | None = None
) -> list[Consent]:
    """The consents and legal grounds in force a referral of this member to this organisation may rest on."""
    rows = (
        Consent.objects.filter(in_force_q(day or timezone.localdate()))
        .filter(household=household, person_id=person_id, organization_id=organization_id)
        .select_related("organization")
        .order_by("-valid_from", "-id")
    )
    return [consent for consent in rows if consent_allows_purpose(consent)]


def _domain_labels(codes: Sequence[str]) -> str:
    catalogue = plan_catalogue()
    return ", ".join((domain.label if (domain := catalogue.domain(code)) is not None else code) for code in codes)


def consent_problems(
    consent: Consent, *, person: Person, organization: Organization, domains: Sequence[str], day: datetime.date
) -> list[str]:
    """Everything that keeps this consent-register row from carrying the referral, in Dutch, at once."""
    problems = []
    if consent.withdrawn_at is not None:
        problems.append(
            _("It was withdrawn on %(date)s.") % {"date": _day(timezone.localtime(consent.withdrawn_at).date())}
        )
    elif consent.valid_from > day:
        problems.append(_("It only applies from %(date)s.") % {"date": _day(consent.valid_from)})
    elif consent.valid_until is not None and consent.valid_until < day:
        problems.append(_("It ended on %(date)s.") % {"date": _day(consent.valid_until)})
    if consent.person_id != person.id:
        problems.append(_("It is of another member, not of %(name)s.") % {"name": person.full_name})
    if consent.organization_id != organization.id:
        problems.append(
            _("It is for %(other)s, not for %(organization)s.")
            % {"other": consent.organization.name, "organization": organization.name}
        )
    if not consent_allows_purpose(consent):
        problems.append(
            _("Its purpose is %(purpose)s; a referral needs consent for a referral or for exchange of information.")
            % {"purpose": consent.get_purpose_display()}
        )
    uncovered = [code for code in domains if code not in (consent.domains or [])]
    if uncovered:
        problems.append(_("It does not cover: %(domains)s.") % {"domains": _domain_labels(uncovered)})
    return problems


def _validate_text(errors: ErrorCollector, field: str, value: str, *, blank: str, max_length: int) -> None:
    if not value.strip():
        errors.add(field, blank)
    elif len(value.strip()) > max_length:
        errors.add(field, _("At most %(max)d characters.") % {"max": max_length})
    elif invisible_characters(value):
        errors.add(field, _("Remove the invisible characters from this text."))


def referral_send(
    *,
    access: AccessContext,
    action_id: int,
    person_id: int | None,
    service_id: int | None,
    consent_id: int | None,
    domains: Sequence[str],
    question: str,
) -> Referral:
    """Refer a member from a plan action to a service. Every problem is reported at once and nothing is
    saved; an action the worker may not see is a 404. Sending is logged as a disclosure."""
    require_case_worker(access.user)
    action = action_get_for_user(access=access, action_id=action_id)
    plan = action.goal.plan
    household = plan.household
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    if plan.status != PlanStatus.ACTIVE:
        errors.add("action", _("Refer from an action of the active plan; this plan version is no longer active."))
    person = Person.objects.filter(id=person_id, household=household).first() if person_id else None
    if person is None:
        errors.add("person", _("Choose the member of this household who is referred."))
    service = Service.objects.select_related("organization").filter(id=service_id).first() if service_id else None
    if service is None:
        errors.add("service", _("Choose a service on the social map."))
    elif service.status != ServiceStatus.ACTIVE:
        errors.add("service", _("This service is not active (%(status)s).") % {"status": service.get_status_display()})
    codes = list(dict.fromkeys(str(code) for code in domains))
    known = {domain.code for domain in plan_catalogue().domains}
    if not codes:
        errors.add("domains", _("Choose at least one life domain whose data the referral carries."))
    elif unknown := [code for code in codes if code not in known]:
        errors.add("domains", _("Unknown life domain: %(codes)s.") % {"codes": ", ".join(unknown)})
    _validate_text(
        errors,
        "question",
        question,
        blank=_("Say what you ask of the partner."),
        max_length=QUESTION_MAX_LENGTH,
    )
    today = timezone.localdate()
    consent = (
        Consent.objects.select_related("organization").filter(id=consent_id, household=household).first()
        if consent_id
        else None
    )
    if person is not None and service is not None:
        if consent is None:
            errors.add(
                "consent",
                _(
                    "A referral needs the consent of %(name)s for %(organization)s, or a recorded legal ground, in "
                    "force today and covering %(domains)s. Record it in the consent register first."
                )
                % {
                    "name": person.full_name,
                    "organization": service.organization.name,
                    "domains": _domain_labels(codes) or _("the life domains you send"),
                },
            )
        else:
            for problem in consent_problems(
                consent, person=person, organization=service.organization, domains=codes, day=today
            ):
                errors.add("consent", problem)
    elif consent is None and consent_id:
        errors.add("consent", _("Choose a consent or legal ground of this household."))
    errors.raise_if_any()
    assert person is not None and service is not None and consent is not None
    with transaction.atomic():
        # Lock the consent row: a withdrawal at this moment either comes first (and we refuse) or after.
        locked = Consent.objects.select_for_update().filter(in_force_q(today), id=consent.id).first()
        if locked is None:
            raise ValidationError({"consent": _("This consent was withdrawn or ended just now; nothing was sent.")})
        now = timezone.now()
        referral = Referral.objects.create(
            household=household,
            person=person,
            action=action,
            service=service,
            organization=service.organization,
            consent=consent,
            domains=codes,
            question=question.strip(),
            status=ReferralStatus.SENT,
            sent_at=now,
            sent_by=access.user,
        )
        ReferralEvent.objects.create(referral=referral, at=now, by=access.user, status=ReferralStatus.SENT)
        household_figures_refresh(household_ids=[household.id])  # a referral sent counts in the outcomes
        access_log_record(
            access=access,
            household_id=household.id,
            person_id=person.id,
            action=AccessAction.DISCLOSE,
            what=f"referral {referral.id} sent to organization {service.organization_id} on {consent.ground} "
            f"{consent.id}: {', '.join(codes)}",
        )
    return referral


def _already(referral: Referral, status: str) -> ValidationError:
    event = referral.events.filter(status=status).select_related("by").order_by("-at", "-id").first()
    label = ReferralStatus(status).label
    if event is None:
        message = _("This referral is already: %(status)s.") % {"status": label}
        return ValidationError({"status": ValidationError(message, code="already")})
    message = _("This referral is already %(status)s: by %(who)s on %(when)s. Nothing was changed.") % {
        "status": str(label).lower(),
        "who": event.by or _("the system"),
        "when": date_format(timezone.localtime(event.at), "j F Y H:i"),
    }
    return ValidationError({"status": ValidationError(message, code="already")})


def referral_status_change(
    *, access: AccessContext, referral_id: int, status: str, reason: str = "", lock_version: int
) -> Referral:
    """Move a referral on: the partner answers and reports, the team takes it back. A referral that is
    not the user's is a 404; a status the user may not set, a move the rules do not allow, a missing reason
    or a stale version is a clear message and nothing changes."""
    referral = (
        visible_referrals(access.user)
        .select_related("consent", "organization", "household")
        .filter(id=referral_id)
        .first()
    )
    if referral is None:
        access_note_refusal(access=access, kind="referral", record_id=referral_id)
        raise Http404(_("Referral not found."))
    partner = is_partner(access.user)
    if not partner:
        require_case_worker(access.user)
    if status not in ReferralStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == referral.status:
        raise _already(referral, status)
    errors = ErrorCollector()
    allowed = (PARTNER_TRANSITIONS if partner else TEAM_TRANSITIONS).get(referral.status, ())
    if referral.status in FINAL_STATUSES:
        errors.add(
            "status",
            _("This referral is final (%(status)s); its status no longer changes.")
            % {"status": referral.get_status_display()},
        )
    elif status not in allowed:
        if partner and status == S.CANCELLED:
            errors.add("status", _("Only the team can withdraw a referral."))
        elif not partner and status != S.CANCELLED:
            errors.add("status", _("Only the partner organisation answers a referral; the team can withdraw it."))
        else:
            errors.add(
                "status",
                _("A referral that is %(current)s cannot become %(status)s.")
                % {
                    "current": str(referral.get_status_display()).lower(),
                    "status": str(ReferralStatus(status).label).lower(),
                },
            )
    if status in NEEDS_CONSENT and not referral.consent.in_force():
        errors.add(
            "status",
            _("The consent this referral rests on is no longer in force, so the member cannot be taken on."),
        )
    reason = reason.strip() if isinstance(reason, str) else ""
    if status in REASON_REQUIRED:
        _validate_text(
            errors,
            "reason",
            reason,
            blank=_("Give the reason for declining.")
            if status == S.DECLINED
            else _("Give the reason for withdrawing."),
            max_length=REASON_MAX_LENGTH,
        )
    elif reason:
        _validate_text(errors, "reason", reason, blank="", max_length=REASON_MAX_LENGTH)
    errors.raise_if_any()
    if referral.lock_version != lock_version:
        raise stale_error(_("Someone else changed this referral since you read it. Read it again and retry."))
    old_status = referral.status
    with transaction.atomic():
        now = timezone.now()
        values: dict[str, object] = {"status": status, "status_reason": reason, "lock_version": F("lock_version") + 1}
        if partner:
            values["answered_at"] = Coalesce(F("answered_at"), now)
        changed = Referral.objects.filter(id=referral.id, status=old_status, lock_version=lock_version).update(**values)
        if not changed:
            current = Referral.objects.get(id=referral.id)
            if current.status == status:
                raise _already(current, status)
            raise stale_error(_("Someone else changed this referral since you read it. Read it again and retry."))
        ReferralEvent.objects.create(referral=referral, at=now, by=access.user, status=status, reason=reason)
        access_log_record(
            access=access,
            household_id=referral.household_id,
            person_id=referral.person_id,
            action=AccessAction.UPDATE,
            what=f"referral {referral.id} {old_status} -> {status}",
        )
    referral.refresh_from_db()
    return referral


def _reminder_cutoff(today: datetime.date, working_days: int) -> datetime.date:
    """The last day a referral may have been sent on and be overdue today: its answer term of `working_days`
    working days (the day of sending not counted) ended before today."""
    day = today - datetime.timedelta(days=1)
    while add_working_days(day, working_days) >= today:
        day -= datetime.timedelta(days=1)
    return day


def referral_reminders_create(*, today: datetime.date, contact_person: User | None = None) -> int:
    """Give the household's contact person one task for every referral still unanswered after the
    municipality's answer term (`Municipality.referral_answer_working_days` working days); returns how many
    tasks were made. Idempotent: a referral gets its reminder once (`Referral.reminder_task`, set by a
    conditional update), whoever runs it at the same moment. `contact_person` limits it to one worker's
    households (run when they open their tasks, so it happens without cron too)."""
    term = Municipality.current().referral_answer_working_days
    cutoff = _reminder_cutoff(today, term)
    zone = ZoneInfo(settings.TIME_ZONE)
    before = datetime.datetime.combine(cutoff + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    due = Referral.objects.filter(
        status=ReferralStatus.SENT,
        answered_at__isnull=True,
        reminder_task__isnull=True,
        sent_at__lt=before,
        household__status__in=(*OPEN_STATUSES, HouseholdStatus.HANDED_OVER),
    ).select_related("household", "organization", "person", "sent_by")
    if contact_person is not None:
        due = due.filter(
            Q(household__contact_person=contact_person)
            | Q(household__second_line_regisseur=contact_person, household__status=HouseholdStatus.HANDED_OVER)
        )
    made = 0
    for referral in due.order_by("id"):
        household = referral.household
        # Whoever works the case: the case director of a handed-over household, else the contact person.
        if household.status == HouseholdStatus.HANDED_OVER and household.second_line_regisseur_id:
            assignee_id = household.second_line_regisseur_id
        else:
            assignee_id = household.contact_person_id or referral.sent_by_id
        title = _("No answer from %(organization)s to the referral of %(name)s of %(date)s: ask them") % {
            "organization": referral.organization.name,
            "name": referral.person.first_name,
            "date": _day(timezone.localtime(referral.sent_at).date()),
        }
        try:
            with transaction.atomic():
                task = Task.objects.create(
                    household=household,
                    team_id=household.team_id,
                    assigned_to_id=assignee_id,
                    title=title[:200],
                    due_date=today,
                    dedupe_key=f"referral-reminder:{referral.id}",
                )
                if not Referral.objects.filter(id=referral.id, reminder_task__isnull=True).update(reminder_task=task):
                    raise IntegrityError("reminder made meanwhile")
                household_figures_refresh(household_ids=[household.id])
        except IntegrityError:  # made at the same moment by a parallel run
            continue
        made += 1
    return made


def my_referral_reminders_create(*, user: User) -> int:
    """The reminders of one worker's households, for the pages where they look at their tasks."""
    if not can_work_with_cases(user):
        return 0
    return referral_reminders_create(today=timezone.localdate(), contact_person=user)
