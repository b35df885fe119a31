"""What households say about changes made in the apps below them."""

from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import receiver
from django.utils.translation import ngettext

from wijkkracht.accounts.services import team_membership_ending
from wijkkracht.households.models import OPEN_STATUSES, Household


@receiver(team_membership_ending)
def refuse_leaving_with_open_households(sender: Any, *, team: Any, user: Any, **kwargs: Any) -> None:
    """A worker leaves a team only after their open households of that team have another contact person."""
    open_count = Household.objects.filter(team_id=team.pk, contact_person_id=user.pk, status__in=OPEN_STATUSES).count()
    if open_count:
        raise ValidationError(
            ngettext(
                "%(user)s is still the contact person of %(count)d open household of this team: reassign it first.",
                "%(user)s is still the contact person of %(count)d open households of this team: reassign them first.",
                open_count,
            )
            % {"user": user, "count": open_count}
        )
