from django import forms
from django.utils.translation import gettext_lazy as _

from wijkkracht.accounts.models import User
from wijkkracht.casefile.services import TASK_OUTCOMES
from wijkkracht.common.forms import DateInput, with_choose_label
from wijkkracht.households.models import ALLOWED_TRANSITIONS, Household, HouseholdStatus, Task, TaskStatus

#: What the closing form offers per open task, in the words a worker reads.
TASK_OUTCOME_CHOICES = [(TaskStatus.DONE.value, _("completed")), (TaskStatus.CANCELLED.value, _("cancelled"))]
assert [value for value, _label in TASK_OUTCOME_CHOICES] == list(TASK_OUTCOMES)


class StatusChangeForm(forms.Form):
    """The status change; when the household closes, one decision per open task (fields `task_<id>`).
    It offers the statuses this user may move the household to: none to someone who may only read it;
    "closed" to the case director of a handed-over household. Handing over to the second line is the warm
    handover's own page. The rules themselves are the lifecycle service's (`casefile.services`)."""

    to_status = forms.ChoiceField(label=_("New status"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: object, household: Household, open_tasks: list[Task], may_write: bool = True, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        status_field = self.fields["to_status"]
        assert isinstance(status_field, forms.ChoiceField)
        allowed = ALLOWED_TRANSITIONS[HouseholdStatus(household.status)] if may_write else frozenset()
        status_field.choices = [
            (value, label)
            for value, label in HouseholdStatus.choices
            if value in allowed and value != HouseholdStatus.HANDED_OVER
        ]
        self.open_tasks = open_tasks
        for task in open_tasks:
            self.fields[self.task_field_name(task)] = forms.ChoiceField(
                label=task.title, choices=TASK_OUTCOME_CHOICES, required=False, widget=forms.RadioSelect
            )

    @staticmethod
    def task_field_name(task: Task) -> str:
        return f"task_{task.id}"

    def task_fields(self) -> list[tuple[Task, forms.BoundField]]:
        return [(task, self[self.task_field_name(task)]) for task in self.open_tasks]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("to_status", "date", "reason")]


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    contact_person = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Contact person"))

    def __init__(self, *args: object, candidates: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["contact_person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(id__in=[user.id for user in candidates])
        with_choose_label(field)
