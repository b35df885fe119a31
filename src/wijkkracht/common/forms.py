from collections.abc import Mapping, Sequence

from django import forms
from django.core.exceptions import ValidationError


def apply_service_errors(
    error: ValidationError, form: forms.Form, nested: Mapping[str, Sequence[forms.Form]] | None = None
) -> None:
    """Put a service's field errors on the matching form fields; anything else above the form.

    A key like ``members.1.bsn`` lands on ``nested["members"][1]``, the form the second member came from.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        prefix, _dot, rest = field.partition(".")
        if nested and prefix in nested and rest:
            index, _dot, subfield = rest.partition(".")
            subform = nested[prefix][int(index)]
            subform.add_error(subfield if subfield in subform.fields else None, errors)
        elif field in form.fields:
            form.add_error(field, errors)
        else:
            form.add_error(None, errors)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
