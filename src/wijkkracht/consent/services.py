"""Writes to the consent register. Each service validates everything first, then writes in one transaction
together with its access-log row.

A consent (or a legal ground other than consent) is never edited: what changes is recorded anew, and a
consent that no longer holds is withdrawn, which takes effect at once. A legal ground is recorded without
waiting for anyone (acute safety cannot wait), but never silently: it is shown in red, logged as a legal
ground, and, when recorded by someone other than the team's coordinator, the coordinator gets a task to
review it the next working day (not for a household handed over to the second line: its case director works
the case, and the team only reads it).
"""

import datetime
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.dates import add_working_days
from wijkkracht.common.validation import ErrorCollector, invisible_characters, latest_ahead
from wijkkracht.consent.models import Consent, ConsentForm, ConsentGround, ConsentPurpose
from wijkkracht.households.figures import household_figures_refresh
from wijkkracht.households.models import Household, Task
from wijkkracht.households.services import refuse_if_closed
from wijkkracht.plans.catalogue import plan_catalogue
from wijkkracht.privacy.access import AccessContext, may_write, require_case_worker, visible_households
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record, access_note_refusal
from wijkkracht.socialmap.models import Organization

#: A consent is recorded when it is given: it may start at most this many days ahead…
MAX_DAYS_AHEAD = 90
#: …and may be recorded afterwards, but not more than a year after it started.
MAX_DAYS_BACK = 366
REASON_MAX_LENGTH = 1000
NOTE_MAX_LENGTH = 500
#: Working days the team's coordinator gets to review a legal ground recorded by a worker.
LEGAL_GROUND_REVIEW_WORKING_DAYS = 1


def consent_what(consent: Consent, verb: str) -> str:
    """The access log's `what` of a consent: a legal ground says so first, so it stands out in the log."""
    if consent.is_legal_ground:
        return (
            f"legal ground other than consent ({consent.ground}) {consent.id} {verb}: "
            f"{consent.purpose} to organisation {consent.organization_id}"
        )
    return f"consent {consent.id} {verb}: {consent.purpose} to organisation {consent.organization_id}"


def _visible_household(access: AccessContext, household_id: int) -> Household:
    """The household the consent is for, or the same 404 for one that does not exist and one not yours."""
    household = visible_households(access.user).select_related("team").filter(id=household_id).first()
    if household is None:
        access_note_refusal(access=access, kind="household", record_id=household_id, household_id=household_id)
        raise Http404(_("Household not found."))
    return household


def _validate_text(errors: ErrorCollector, field: str, value: str, max_length: int) -> None:
    if len(value) > max_length:
        errors.add(
            field,
            _("This text has at most %(max)d characters (now %(length)d).") % {"max": max_length, "length": len(value)},
        )
    found = invisible_characters(value.replace("\n", "").replace("\r", "").replace("\t", ""))
    if found:
        errors.add(
            field,
            _("This contains an invisible control or format character (%(codes)s); type it again without it.")
            % {"codes": ", ".join(dict.fromkeys(found))},
        )


def _validate_domains(errors: ErrorCollector, domains: Sequence[str]) -> list[str]:
    known = [domain.code for domain in plan_catalogue().domains]
    chosen = list(dict.fromkeys(domains))
    if not chosen:
        errors.add("domains", _("Choose at least one life domain whose information the consent covers."))
    unknown = [code for code in chosen if code not in known]
    if unknown:
        errors.add(
            "domains",
            _("Unknown life domain: %(codes)s. Choose from the plan's life domains.")
            % {"codes": ", ".join(str(code)[:50] for code in unknown[:5])},
        )
    # Stored in the catalogue's order, so two consents for the same domains look the same.
    return [code for code in known if code in chosen]


def _validate_dates(
    errors: ErrorCollector, valid_from: datetime.date, valid_until: datetime.date | None, today: datetime.date
) -> None:
    earliest, latest_start = (
        today - datetime.timedelta(days=MAX_DAYS_BACK),
        today + datetime.timedelta(days=MAX_DAYS_AHEAD),
    )
    if valid_from > latest_start:
        errors.add(
            "valid_from",
            _(
                "A consent is recorded when it is given: it starts at most %(days)d days ahead, on %(date)s at the "
                "latest."
            )
            % {"days": MAX_DAYS_AHEAD, "date": date_format(latest_start, "j F Y")},
        )
    elif valid_from < earliest:
        errors.add(
            "valid_from",
            _("A consent that started more than a year ago cannot be recorded now; the earliest start is %(date)s.")
            % {"date": date_format(earliest, "j F Y")},
        )
    if valid_until is None:
        return
    if valid_until < valid_from:
        errors.add("valid_until", _("A consent cannot end before it starts."))
    elif valid_until > latest_ahead(today):
        errors.add(
            "valid_until",
            _("A consent lasts at most five years: choose an end date until %(date)s.")
            % {"date": date_format(latest_ahead(today), "j F Y")},
        )


def _coordinator_of(household: Household) -> User | None:
    return (
        User.objects.filter(memberships__team_id=household.team_id, role=Role.TEAM_COORDINATOR, is_active=True)
        .order_by("id")
        .first()
    )


def consent_record(
    *,
    access: AccessContext,
    household_id: int,
    person_id: int,
    organization_id: int,
    purpose: str,
    domains: Sequence[str],
    ground: str,
    given_how: str,
    reason: str,
    valid_from: datetime.date,
    valid_until: datetime.date | None,
) -> Consent:
    """Record a member's consent to an organisation for a purpose, covering the information of some life
    domains, from/until; or a legal ground other than consent, with its reason. A household you may not see
    is a 404; everything else that is wrong is reported at once, per field, and nothing is saved."""
    require_case_worker(access.user)
    household = _visible_household(access, household_id)
    errors = ErrorCollector()
    refuse_if_closed(errors, household, access.user)
    today = timezone.localdate()
    person = household.members.filter(id=person_id).first()
    if person is None:
        errors.add("person", _("Choose a member of this household."))
    organization = Organization.objects.filter(id=organization_id).first()
    if organization is None:
        errors.add("organization", _("Choose an organisation from the social map."))
    if purpose not in ConsentPurpose.values:
        errors.add("purpose", _("Choose the purpose: referral, exchange of information or joint plan."))
    clean_domains = _validate_domains(errors, domains)
    reason = reason.strip()
    if ground not in ConsentGround.values:
        errors.add("ground", _("Choose the ground: the member's consent or a legal ground."))
    elif ground == ConsentGround.CONSENT:
        if given_how not in ConsentForm.values:
            errors.add("given_how", _("Say how the consent was given: orally, in writing or digitally."))
        if reason:
            errors.add("reason", _("A consent needs no legal reason; leave the reason empty or choose a legal ground."))
    else:
        if given_how:
            errors.add(
                "given_how",
                _("A legal ground is not a consent: leave 'how given' empty, or choose consent as the ground."),
            )
        if not reason:
            errors.add("reason", _("A legal ground other than consent needs its reason: why may this be shared?"))
    _validate_text(errors, "reason", reason, REASON_MAX_LENGTH)
    _validate_dates(errors, valid_from, valid_until, today)
    errors.raise_if_any()
    assert person is not None and organization is not None

    with transaction.atomic():
        consent = Consent.objects.create(
            household=household,
            person=person,
            organization=organization,
            purpose=purpose,
            domains=clean_domains,
            ground=ground,
            given_how=given_how if ground == ConsentGround.CONSENT else "",
            reason=reason,
            valid_from=valid_from,
            valid_until=valid_until,
            recorded_by=access.user,
        )
        access_log_record(
            access=access,
            household_id=household.id,
            person_id=person.id,
            action=AccessAction.CREATE,
            what=consent_what(consent, "recorded"),
        )
        if consent.is_legal_ground:
            consent.review_task = _legal_ground_review_task(access, household, consent)  # type: ignore[attr-defined]
    return consent


def _legal_ground_review_task(access: AccessContext, household: Household, consent: Consent) -> Task | None:
    """Four eyes on a legal ground: the team's coordinator reviews it (unless they recorded it themselves)."""
    coordinator = _coordinator_of(household)
    if coordinator is None or coordinator.id == access.user.id or not may_write(coordinator, household):
        return None  # none, themselves, or (handed over) no longer working the case: its case director decides
    task = Task.objects.create(
        household=household,
        team_id=household.team_id,
        assigned_to=coordinator,
        title=_("Review the legal ground (%(ground)s) recorded for %(name)s towards %(organization)s")
        % {
            "ground": consent.get_ground_display(),
            "name": consent.person.full_name,
            "organization": consent.organization.name,
        },
        due_date=add_working_days(timezone.localdate(), LEGAL_GROUND_REVIEW_WORKING_DAYS),
        created_by=access.user,
    )
    household_figures_refresh(household_ids=[household.id])
    return task


def _already_withdrawn(consent_id: int) -> ValidationError:
    current = Consent.objects.select_related("withdrawn_by").filter(id=consent_id).first()
    if current is None or current.withdrawn_at is None:  # pragma: no cover - only after a withdrawal
        return ValidationError(_("This consent has already been withdrawn."), code="withdrawn")
    return ValidationError(
        _("This consent has already been withdrawn by %(who)s on %(when)s; nothing was changed.")
        % {"who": current.withdrawn_by, "when": date_format(timezone.localtime(current.withdrawn_at), "j F Y H:i")},
        code="withdrawn",
    )


def consent_withdraw(*, access: AccessContext, consent_id: int, note: str = "") -> Consent:
    """Withdraw a consent (or end a legal ground) at once. Of two withdrawals, at the same moment or one
    after the other, the first holds and the second is refused with who withdrew it when: the update only
    moves a consent that has not been withdrawn.

    Unlike recording, a withdrawal is accepted on a closed or handed-over household too: it only ever narrows
    what may be shared, and a member's right to withdraw does not end with the team's involvement."""
    require_case_worker(access.user)
    consent = (
        Consent.objects.select_related("household", "person", "organization")
        .filter(id=consent_id, household__in=visible_households(access.user))
        .first()
    )
    if consent is None:
        access_note_refusal(access=access, kind="consent", record_id=consent_id)
        raise Http404(_("Consent not found."))
    errors = ErrorCollector()
    note = note.strip()
    _validate_text(errors, "note", note, NOTE_MAX_LENGTH)
    if consent.withdrawn_at is not None:
        raise _already_withdrawn(consent.id)
    errors.raise_if_any()
    with transaction.atomic():
        now = timezone.now()
        if not Consent.objects.filter(id=consent.id, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=access.user, withdrawal_note=note
        ):
            raise _already_withdrawn(consent.id)
        consent.withdrawn_at, consent.withdrawn_by, consent.withdrawal_note = now, access.user, note
        access_log_record(
            access=access,
            household_id=consent.household_id,
            person_id=consent.person_id,
            action=AccessAction.UPDATE,
            what=consent_what(consent, "withdrawn"),
        )
    return consent
