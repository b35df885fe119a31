"""Optimistic locking, shared by every editable record: a change names the version it was based on, the
service moves the version with one conditional UPDATE inside its transaction, and a change based on an
older version is refused (a lost update becomes a clear message instead).

The API takes the version in the body (``lock_version``) or as ``If-Match: "<version>"``; a stale
If-Match answers 412 Precondition Failed, a stale body version 400, both in the API's error shape."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

#: The error code of a refused stale change; the API turns it into 412 when the version came from If-Match.
STALE = "stale"
#: The field (and body key) that carries the version.
VERSION_FIELD = "lock_version"
MAX_VERSION = 2**31 - 1
_IF_MATCH = re.compile(r'^\s*(?:W/)?"([0-9]{1,10})"\s*$')


def version_advance(queryset: QuerySet[Any], *, expected_version: int) -> bool:
    """Inside the caller's transaction: move the record's version one on, only if it still is the version
    the change was based on. False when someone else changed it first (or the filter no longer matches)."""
    return bool(
        queryset.filter(**{VERSION_FIELD: expected_version}).update(**{VERSION_FIELD: F(VERSION_FIELD) + 1}) == 1
    )


def stale_error(message: str) -> ValidationError:
    return ValidationError({VERSION_FIELD: ValidationError(message, code=STALE)})


def is_stale(error: ValidationError) -> bool:
    if not hasattr(error, "error_dict"):
        return False
    return any(item.code == STALE for item in error.error_dict.get(VERSION_FIELD, []))


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = gettext_lazy("Someone else changed this record since you read it. Read it again and retry.")
    default_code = "precondition_failed"


@dataclass(frozen=True)
class ExpectedVersion:
    value: int
    from_header: bool


def expected_version(request: Request, body_version: int | None) -> ExpectedVersion:
    """The version a PATCH is based on: If-Match or ``lock_version`` in the body, one of them required."""
    header = request.headers.get("If-Match")
    if header is not None:
        match = _IF_MATCH.match(header)
        if match is None or not 1 <= int(match.group(1)) <= MAX_VERSION:
            raise exceptions.ValidationError(
                {VERSION_FIELD: [_('If-Match must be the ETag you read, such as "3"; a list or * is not accepted.')]}
            )
        value = int(match.group(1))
        if body_version is not None and body_version != value:
            raise exceptions.ValidationError(
                {VERSION_FIELD: [_("lock_version in the body and If-Match differ: send one version.")]}
            )
        return ExpectedVersion(value, from_header=True)
    if body_version is None:
        raise exceptions.ValidationError(
            {
                VERSION_FIELD: [
                    _(
                        "lock_version is required: send the version you read (lock_version, or the ETag as "
                        "If-Match) so that no one else's change is overwritten."
                    )
                ]
            }
        )
    return ExpectedVersion(body_version, from_header=False)


@contextmanager
def refuse_stale(expected: ExpectedVersion) -> Iterator[None]:
    """A stale change stays a 400 with the field message, or becomes 412 when the version came from If-Match."""
    try:
        yield
    except ValidationError as error:
        if expected.from_header and is_stale(error):
            raise PreconditionFailed(detail={VERSION_FIELD: error.error_dict[VERSION_FIELD][0].messages}) from None
        raise


def etag(record: Model) -> str:
    return f'"{getattr(record, VERSION_FIELD)}"'


def with_etag(response: Response, record: Model) -> Response:
    response["ETag"] = etag(record)
    return response
