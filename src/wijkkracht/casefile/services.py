"""The household's lifecycle: the rules that look at more than one part of the case file (the intake in
the diagnosis, the plan) before a household moves on, closes or reopens."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkkracht.accounts.models import Role, User
from wijkkracht.common.validation import ErrorCollector, validate_not_future
from wijkkracht.diagnosis.rules import intake_gaps
from wijkkracht.households.models import ALLOWED_TRANSITIONS, Household, HouseholdStatus, StatusChange
from wijkkracht.privacy.access import AccessContext, require_case_worker
from wijkkracht.privacy.models import AccessAction
from wijkkracht.privacy.services import access_log_record


def household_status_change(
    *,
    access: AccessContext,
    household: Household,
    to_status: str,
    reason: str,
    date: datetime.date | None = None,
    regisseur_id: int | None = None,
) -> Household:
    """Move a household along its lifecycle; a handover names the second-line case director."""
    require_case_worker(access.user)
    errors = ErrorCollector()
    date = date or timezone.localdate()
    current = HouseholdStatus(household.status)
    regisseur = None
    if to_status not in HouseholdStatus.values:
        errors.add("to_status", _("Unknown status."))
    elif to_status not in ALLOWED_TRANSITIONS[current]:
        if not ALLOWED_TRANSITIONS[current]:
            message = _("A household with status “%(current)s” cannot change status any more.")
        else:
            message = _("A household cannot go from “%(current)s” to “%(target)s”. Possible: %(allowed)s.")
        errors.add(
            "to_status",
            message
            % {
                "current": current.label,
                "target": HouseholdStatus(to_status).label,
                "allowed": ", ".join(str(HouseholdStatus(s).label) for s in sorted(ALLOWED_TRANSITIONS[current])),
            },
        )
    elif to_status == HouseholdStatus.HANDED_OVER:
        if regisseur_id is not None:
            regisseur = User.objects.filter(id=regisseur_id, role=Role.SECOND_LINE_REGISSEUR, is_active=True).first()
        if regisseur is None:
            errors.add("regisseur", _("Choose the second-line case director who takes over."))
    if current == HouseholdStatus.INTAKE and to_status == HouseholdStatus.PLAN:
        gaps = intake_gaps(household, date)
        if gaps:
            errors.add(
                "to_status",
                _(
                    "The intake is not complete: score work and the participation ladder for every adult, "
                    "or record why not. %(gaps)s."
                )
                % {"gaps": "; ".join(gaps)},
            )
    if not reason.strip():
        errors.add("reason", _("Give the reason for this status change."))
    elif len(reason) > 500:
        errors.add("reason", _("The reason has at most 500 characters."))
    with errors.field("date"):
        validate_not_future(date)
    if date < household.status_since:
        errors.add("date", _("The date cannot lie before the current status began."))
    errors.raise_if_any()

    with transaction.atomic():
        # Lock the row: of two colleagues changing the status at the same moment, the second is refused.
        if (
            Household.objects.select_for_update().filter(id=household.id).values_list("status", flat=True).get()
            != current
        ):
            raise ValidationError(
                {"to_status": _("Someone else has just changed the status of this household. Reload and try again.")}
            )
        StatusChange.objects.create(
            household=household,
            from_status=current,
            to_status=to_status,
            date=date,
            reason=reason.strip(),
            changed_by=access.user,
        )
        household.status = to_status
        household.status_since = date
        update_fields = ["status", "status_since", "updated_at"]
        if regisseur is not None:
            household.second_line_regisseur = regisseur
            update_fields.append("second_line_regisseur")
        household.save(update_fields=update_fields)
        access_log_record(
            access=access, household_id=household.id, action=AccessAction.UPDATE, what=f"status {current}→{to_status}"
        )
    return household
