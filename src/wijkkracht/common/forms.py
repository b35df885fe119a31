from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


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
    """Every simple form page looks the same: a title, an optional intro, the fields, save and cancel."""
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
