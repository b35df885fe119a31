from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

#: The empty choice of a select field: a prompt, never Django's "---------".
CHOOSE_LABEL = gettext_lazy("Choose…")
_DASHES = "---------"


def with_choose_label(field: forms.Field, label: str | Promise = CHOOSE_LABEL) -> forms.Field:
    """Give a select field a meaningful empty choice ("Kies…") instead of "---------".

    A model choice field keeps its own empty label when a form chose one (``"Derive from postcode"``), and
    gets none when it has none (``empty_label=None``); only Django's dashes are replaced. Choice fields
    (model fields with choices and ``blank=True``, ``BLANK_CHOICE_DASH``) get the same treatment. Radio
    buttons and checkboxes have no empty choice to label. Returns the field, so it can wrap a declaration.
    """
    if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return field
    if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
        if field.empty_label is not None and str(field.empty_label) == _DASHES:
            field.empty_label = label  # type: ignore[assignment]
        return field
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)  # type: ignore[arg-type]
        if any(value in ("", None) and str(text) == _DASHES for value, text in choices):
            field.choices = [
                (value, label if value in ("", None) and str(text) == _DASHES else text) for value, text in choices
            ]
    return field


class ChooseLabelMixin:
    """A form mixin: every select field's empty choice reads "Kies…" instead of "---------". Put it first:
    ``class MyForm(ChooseLabelMixin, forms.ModelForm)``."""

    choose_label: str | Promise = CHOOSE_LABEL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            with_choose_label(field, self.choose_label)


def required_when(field: forms.Field, when: str | Promise) -> forms.Field:
    """Mark an optional field as conditional: it is needed in some cases only, and its label says when
    ("Lid (nodig bij een meting per lid)") instead of "(niet verplicht)". The form or service still
    checks the condition; this is what the person reads. Returns the field, so it can wrap a declaration.
    """
    field.required_when = when  # type: ignore[attr-defined]
    return field


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


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    title: str,
    cancel_url: str,
    submit_label: str = "",
    intro: str = "",
) -> HttpResponse:
    """Every simple form page looks the same: a title, an optional intro, the fields, save and cancel; and
    no select field shows "---------" (see `with_choose_label`)."""
    for field in form.fields.values():
        with_choose_label(field)
    context = {"form": form, "title": title, "intro": intro, "submit_label": submit_label, "cancel_url": cancel_url}
    return render(request, "common/form_page.html", context)


def service_form_response(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict[str, Any]], object],
    success_message: str,
    success_url: str,
    title: str,
    submit_label: str = "",
    intro: str = "",
) -> HttpResponse:
    """The life of a form page: on a valid POST call the service; its refusal lands on the fields, its
    success becomes a message and a redirect (cancel goes to the same place)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(error, form)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    return form_page(request, form, title=title, cancel_url=success_url, submit_label=submit_label, intro=intro)
