"""Writes to the access log. Rows are only ever added: the database refuses UPDATE and DELETE.

An event is one `AccessLogEntry` (who, when, where from, which endpoint, why, what) plus one narrow
`AccessLogSubject` row for each household it is about: one for a read, change or refusal of one household,
one per household shown for a list page. Callers run these inside the transaction of what they record.
"""

from collections.abc import Iterable

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from wijkkracht.accounts.models import User
from wijkkracht.privacy.access import AccessContext, Refusal, client_ip, memberships_of, user_agent
from wijkkracht.privacy.models import BULK_ACTIONS, AccessAction, AccessLogEntry, AccessLogSubject

TEAMS_MAX_LENGTH = 300
#: Subject rows per INSERT statement (a page writes one; a research export of 100,000 households a few).
SUBJECT_BATCH_SIZE = 5000
SIGN_IN_WHAT = {
    AccessAction.LOGIN: "signed in",
    AccessAction.LOGIN_FAILED: "sign-in failed",
    AccessAction.LOGOUT: "signed out",
}


def access_log_record(
    *, access: AccessContext, household_id: int, action: AccessAction, what: str, person_id: int | None = None
) -> AccessLogEntry:
    """Write one access-log entry about one household; callers do this inside the transaction of the read or
    write it records."""
    return _create_entry(_entry_fields(access, household_id, action, what, person_id))


def access_log_read(*, access: AccessContext, household_id: int, what: str, person_id: int | None = None) -> None:
    """Log that a household's data (or one member's) is shown: the rule every selector that fetches a
    household or a record of one follows, so that no page can forget it.

    A read (GET, HEAD, or outside a request) writes a view row, once per household and member per
    request however many selectors the page calls. A write request writes nothing here: the service
    that makes the change writes its row in the change's transaction, and a refused write is recorded by
    the access-log middleware.
    """
    key = (household_id, person_id)
    if not access.is_read or key in access.trail.viewed:
        return
    access_log_record(
        access=access, household_id=household_id, action=AccessAction.VIEW, what=what, person_id=person_id
    )
    access.trail.viewed.add(key)


def access_log_record_many(
    *, access: AccessContext, household_ids: Iterable[int], action: AccessAction, what: str
) -> None:
    """One entry for the list (the page or API response) and one subject row per household shown in it: two
    queries whatever the page size. Nothing is written for an empty list. A bulk export (`EXPORT`, the
    research export) is written the same way: one entry, a subject row per household exported."""
    shown = list(dict.fromkeys(household_ids))  # a household shows once per list, in the order given
    if not shown:
        return
    if action not in BULK_ACTIONS:  # not a list: an entry per household, each naming it as a single read does
        for household_id in shown:
            access_log_record(access=access, household_id=household_id, action=action, what=what)
        return
    with transaction.atomic(savepoint=False):  # the entry and its subjects together (checked at commit)
        entry = AccessLogEntry.objects.create(**_entry_fields(access, None, action, what, checked=False))
        AccessLogSubject.objects.bulk_create(
            [AccessLogSubject(entry=entry, household_id=household_id, at=entry.at) for household_id in shown],
            batch_size=SUBJECT_BATCH_SIZE,  # an export of a whole city: bounded statements
        )


def access_note_refusal(
    *,
    access: AccessContext,
    kind: str,
    record_id: int | str,
    household_id: int | None = None,
    person_id: int | None = None,
) -> None:
    """Remember for the access-log middleware which record a selector refused (missing or not yours):
    ids in a request body do not show in the URL. Nothing is written here, because the refusal's 404
    may roll back the surrounding transaction."""
    access.trail.refusals.append(Refusal(kind, record_id, household_id, person_id))


def access_log_refused(*, access: AccessContext, status: int, refusals: list[Refusal], fallback: str) -> AccessLogEntry:
    """One `refused` row for a request answered 403 or 404: the requested household (whether or not it
    exists, so the log does not tell either), member, and kinds and ids of the records asked for."""
    household_id = next((r.household_id for r in refusals if r.household_id is not None), None)
    person_id = next((r.person_id for r in refusals if r.person_id is not None), None)
    seen: list[str] = []
    for refusal in refusals:
        label = f"{refusal.kind} {refusal.record_id}"
        if label not in seen:
            seen.append(label)
    what = f"{status} {', '.join(seen) or fallback}"
    return _create_entry(_entry_fields(access, household_id, AccessAction.REFUSED, what, person_id, checked=False))


def access_log_sign_in_event(
    *, request: HttpRequest | None, action: AccessAction, user: User | None, username: str = "", what: str = ""
) -> AccessLogEntry:
    """A sign-in, failed sign-in (the username tried, no user) or sign-out; never about a household. `what`
    names a step more precisely (e.g. "second factor verified"); empty: the action's usual text."""
    meta_request = request if request is not None else HttpRequest()
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        role=user.role if user is not None else "",
        teams=_teams_text(user) if user is not None else "",
        household_id=None,
        person_id=None,
        action=action,
        what=what or SIGN_IN_WHAT[action],
        endpoint=f"{meta_request.method or ''} {meta_request.path}".strip()[:300],
        purpose="",
        ip=client_ip(meta_request),
        user_agent=user_agent(meta_request),
    )


def _create_entry(fields: dict[str, object]) -> AccessLogEntry:
    """An entry and, when it names a household, its subject row (the per-household index)."""
    with transaction.atomic(savepoint=False):  # the entry and its subject together (checked at commit)
        entry = AccessLogEntry.objects.create(**fields)
        if entry.household_id is not None:
            AccessLogSubject.objects.create(
                entry=entry, household_id=entry.household_id, person_id=entry.person_id, at=entry.at
            )
    return entry


def _teams_text(user: User) -> str:
    """The reader's teams at the time, as "name (id)" so a later rename does not hide which team it was."""
    teams = memberships_of(user)  # the request's memo: the access rule asked the same
    return ", ".join(f"{team.name} ({team.id})" for team in teams)[:TEAMS_MAX_LENGTH]


def _access_teams(access: AccessContext) -> str:
    if access.trail.teams is None:
        access.trail.teams = _teams_text(access.user)
    return access.trail.teams


def _entry_fields(
    access: AccessContext,
    household_id: int | None,
    action: AccessAction,
    what: str,
    person_id: int | None = None,
    checked: bool = True,
) -> dict[str, object]:
    if checked:
        assert household_id is not None, "a read or change of case data names its household"
    return {
        "at": timezone.now(),
        "user": access.user,
        "username": access.user.get_username(),
        "role": access.user.role,
        "teams": _access_teams(access),
        "household_id": household_id,
        "person_id": person_id,
        "action": action,
        "what": what[:200],
        "endpoint": access.endpoint[:300],
        "purpose": access.purpose[:200],
        "ip": access.ip,
        "user_agent": access.user_agent[:200],
    }
