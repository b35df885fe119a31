"""Form details every page shares: a label says "(niet verplicht)" only for a field that is optional, a
conditional field says when it is needed, and a select never starts with "---------"."""

from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from wijkkracht.accounts.models import Role
from wijkkracht.common.forms import ChooseLabelMixin, form_page, required_when, with_choose_label
from wijkkracht.teams.models import Team


class Example(forms.Form):
    name = forms.CharField(label="Naam")
    note = forms.CharField(label="Notitie", required=False)
    duration = required_when(forms.IntegerField(label="Duur", required=False), "nodig bij een gesprek")
    members = forms.MultipleChoiceField(
        label="Leden", choices=[("1", "Anna")], widget=forms.CheckboxSelectMultiple, required=True
    )


def label_of(form: forms.Form, name: str) -> str:
    with translation.override("nl"):
        return render_to_string("common/_field.html", {"field": form[name]})


def test_a_required_field_is_never_called_optional():
    html = label_of(Example(), "name")
    assert "niet verplicht" not in html and 'class="optional"' not in html
    assert "niet verplicht" not in label_of(Example(), "members")


def test_an_optional_field_says_so():
    assert "(niet verplicht)" in label_of(Example(), "note")


def test_a_conditional_field_says_when_it_is_needed_instead_of_optional():
    html = label_of(Example(), "duration")
    assert "(nodig bij een gesprek)" in html and "niet verplicht" not in html


def test_a_required_field_wins_over_a_leftover_condition():
    form = Example()
    form.fields["duration"].required = True
    html = label_of(form, "duration")
    assert 'class="optional"' not in html


class ModelSelects(ChooseLabelMixin, forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)
    fixed = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label="Afleiden uit de postcode")
    none = forms.ModelChoiceField(queryset=Team.objects.none(), empty_label=None)
    role = forms.TypedChoiceField(choices=[("", "---------"), *Role.choices], required=False)


def test_select_fields_start_with_a_prompt_instead_of_dashes(db):
    with translation.override("nl"):
        form = ModelSelects()
        html = str(form["team"]) + str(form["role"])
        assert "---------" not in html
        assert html.count(">Kies…</option>") == 2
        assert str(form.fields["fixed"].empty_label) == "Afleiden uit de postcode"  # a form's own choice stays
        assert form.fields["none"].empty_label is None  # no empty choice stays none
        assert [str(text) for _value, text in form.fields["role"].choices][1:] == [str(t) for _v, t in Role.choices]


def test_the_helper_works_on_one_field_and_leaves_other_widgets_alone():
    field = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    assert with_choose_label(field, "Kies een soort…") is field
    assert list(field.choices) == [("", "Kies een soort…"), ("a", "A")]
    radio = forms.ChoiceField(choices=[("", "---------")], widget=forms.RadioSelect)
    assert list(with_choose_label(radio).choices) == [("", "---------")]


class PlainSelect(forms.Form):
    kind = forms.ChoiceField(label="Soort", choices=[("", "---------"), ("a", "A")], required=False)


def test_every_simple_form_page_gets_the_prompt(rf: RequestFactory, db):
    request = rf.get("/")
    request.user = None  # type: ignore[assignment]
    with translation.override("nl"):
        html = form_page(request, PlainSelect(), title="Voorbeeld", cancel_url="/").content.decode()
    assert "---------" not in html and ">Kies…</option>" in html
