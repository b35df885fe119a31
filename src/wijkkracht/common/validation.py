"""Field validators shared by services, forms and API serializers, with Dutch messages."""

import datetime
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from localflavor.nl.validators import NLBSNFieldValidator, NLZipCodeFieldValidator

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
#: Deadlines, due dates and evaluation dates lie at most this many years ahead.
MAX_YEARS_AHEAD = 5
#: Invisible characters a name must not hold: control (Cc), format (Cf: zero-width space, right-to-left
#: override, …), line and paragraph separators (Zl, Zp) and lone surrogates (Cs).
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


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


def validate_not_before(value: datetime.date, earliest: datetime.date, *, what: str) -> None:
    """A date that cannot lie before another one, such as a contact before the household was registered."""
    if value < earliest:
        raise ValidationError(
            _("This date cannot lie before %(what)s (%(date)s).")
            % {"what": what, "date": date_format(earliest, "j F Y")},
            code="date_too_early",
        )


def latest_ahead(today: datetime.date | None = None) -> datetime.date:
    """The last day a deadline may lie on: five years from today (28 February for 29 February)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def validate_within_years_ahead(value: datetime.date) -> None:
    """Deadlines, due dates and evaluation dates: at most five years ahead."""
    latest = latest_ahead()
    if value > latest:
        raise ValidationError(
            _("This date lies more than %(years)d years ahead; choose a date until %(date)s.")
            % {"years": MAX_YEARS_AHEAD, "date": date_format(latest, "j F Y")},
            code="too_far_ahead",
        )


def invisible_characters(value: str) -> list[str]:
    """The control and format characters in a text, as U+XXXX codes, in order of appearance."""
    return [f"U+{ord(char):04X}" for char in value if unicodedata.category(char) in _INVISIBLE_CATEGORIES]


def validate_name(value: str) -> None:
    """A name or title: no invisible control or format characters (refused, never silently removed, so
    what is saved is what the person sees), and not blank."""
    found = invisible_characters(value)
    if found:
        raise ValidationError(
            _(
                "This contains an invisible control or format character (%(codes)s), for example a zero-width "
                "space or a right-to-left mark; type it again without it."
            )
            % {"codes": ", ".join(dict.fromkeys(found))},
            code="invisible_character",
        )
    if not value.strip():
        raise ValidationError(_("This field is required."), code="required")


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
