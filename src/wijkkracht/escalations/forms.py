"""Forms of the escalation pages. They only parse; the services decide (and say why in Dutch)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from wijkkracht.escalations.services import BLOCKED_BY_MAX, BLOCKED_MAX, NEEDED_MAX, OUTCOME_MAX, REASON_MAX

#: Lenient bounds on the page: the service gives the message with the exact limit.
SLACK = 100


class RaiseForm(forms.Form):
    blocked = forms.CharField(
        label=gettext_lazy("What is blocked"),
        help_text=gettext_lazy("Which step of the plan or which help does not go ahead?"),
        max_length=BLOCKED_MAX + SLACK,
        error_messages={"required": gettext_lazy("Say what is blocked.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    blocked_by = forms.CharField(
        label=gettext_lazy("Blocked by whom"),
        help_text=gettext_lazy("A person, organisation or rule."),
        max_length=BLOCKED_BY_MAX + SLACK,
        error_messages={"required": gettext_lazy("Say who or what blocks it.")},
    )
    needed = forms.CharField(
        label=gettext_lazy("What is needed"),
        help_text=gettext_lazy("The decision or push you ask for."),
        max_length=NEEDED_MAX + SLACK,
        error_messages={"required": gettext_lazy("Say what is needed to move on.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ForwardForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Element ids of its own ("forward_reason"): the detail page may show this form and ResolveForm
        # together (both have a lock_version), and ids on a page must be unique.
        kwargs.setdefault("auto_id", "forward_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(
        label=gettext_lazy("Why a manager is needed"),
        max_length=REASON_MAX + SLACK,
        error_messages={"required": gettext_lazy("Say why a manager is needed.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class ResolveForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "resolve_%s")  # "resolve_outcome" (see ForwardForm)
        super().__init__(*args, **kwargs)

    outcome = forms.CharField(
        label=gettext_lazy("Outcome"),
        help_text=gettext_lazy("What was decided or arranged; the team sees it in the case file."),
        max_length=OUTCOME_MAX + SLACK,
        error_messages={"required": gettext_lazy("Record the outcome.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
