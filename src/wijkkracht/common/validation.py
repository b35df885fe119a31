"""Field validators shared by services, forms and API serializers, with Dutch messages."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from localflavor.nl.validators import NLBSNFieldValidator, NLZipCodeFieldValidator

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)


def normalise_postcode(value: str) -> str:
    """'1234 ab' → '1234AB', or a ValidationError with a message a worker understands."""
    postcode = "".join((value or "").split()).upper()
    try:
        NLZipCodeFieldValidator()(postcode)
    except ValidationError:
        raise ValidationError(_("Enter a Dutch postcode such as 1234 AB."), code="invalid_postcode") from None
    return postcode


def validate_bsn(value: str) -> None:
    """A BSN is nine digits that pass the eleven test (11-proef)."""
    if not value:
        return
    try:
        NLBSNFieldValidator()(value)
    except ValidationError:
        raise ValidationError(
            _("This is not a valid BSN: it must be nine digits and pass the eleven test."), code="invalid_bsn"
        ) from None


def validate_birth_date(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("A date of birth cannot lie in the future."), code="future_birth_date")
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(_("A date of birth before 1900 is not plausible."), code="implausible_birth_date")


def validate_not_future(value: datetime.date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date lies in the future."), code="future_date")


class ErrorCollector:
    """Collects field errors so a service reports every problem at once, before writing anything."""

    def __init__(self) -> None:
        self.errors: dict[str, list[ValidationError]] = {}

    def add(self, field: str, error: ValidationError | str) -> None:
        if isinstance(error, str):
            error = ValidationError(error)
        self.errors.setdefault(field, []).extend(error.error_list)

    @contextmanager
    def field(self, name: str) -> Iterator[None]:
        try:
            yield
        except ValidationError as error:
            self.add(name, error)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
