from collections.abc import Iterable

from django.utils import timezone

from wijkkracht.privacy.access import AccessContext
from wijkkracht.privacy.models import AccessAction, AccessLogEntry


def access_log_record(*, access: AccessContext, household_id: int, action: AccessAction, what: str) -> AccessLogEntry:
    """Write one access-log row; callers do this inside the transaction of the read or write it records."""
    return AccessLogEntry.objects.create(**_entry_fields(access, household_id, action, what))


def access_log_record_many(
    *, access: AccessContext, household_ids: Iterable[int], action: AccessAction, what: str
) -> None:
    """One row per household shown in a list, written with a single query whatever the page size."""
    AccessLogEntry.objects.bulk_create(
        [AccessLogEntry(**_entry_fields(access, household_id, action, what)) for household_id in household_ids]
    )


def _entry_fields(access: AccessContext, household_id: int, action: AccessAction, what: str) -> dict[str, object]:
    return {
        "at": timezone.now(),
        "user": access.user,
        "username": access.user.get_username(),
        "role": access.user.role,
        "household_id": household_id,
        "action": action,
        "what": what[:200],
        "endpoint": access.endpoint[:300],
        "purpose": access.purpose[:200],
    }
