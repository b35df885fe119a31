from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from wijkkracht.common.admin import ConfigurationAdmin, UploadedFileAdmin
from wijkkracht.instruments.definitions import DefinitionError, parse_definition, read_yaml
from wijkkracht.instruments.models import InstrumentFile, InstrumentVersion
from wijkkracht.instruments.registry import instrument_catalogue


class InstrumentFileForm(forms.ModelForm):
    upload = forms.FileField(label=_("YAML file"), required=False)

    class Meta:
        model = InstrumentFile
        fields = ["name", "content", "is_active"]

    def clean(self) -> dict[str, Any]:
        """The same validation as files in the folder: a wrong definition is refused with its reasons."""
        data = super().clean() or {}
        upload = data.get("upload")
        if upload:
            data["content"] = upload.read().decode("utf-8", errors="replace")
            data["name"] = data.get("name") or upload.name
            self.instance.content = data["content"]
        content = data.get("content") or ""
        try:
            parsed = read_yaml(content, data.get("name") or "upload")
            if not (isinstance(parsed, dict) and "criteria_for" in parsed):
                parse_definition(parsed, data.get("name") or "upload")
        except DefinitionError as error:
            raise forms.ValidationError([forms.ValidationError(problem) for problem in error.problems]) from None
        return data


@admin.register(InstrumentFile)
class InstrumentFileAdmin(UploadedFileAdmin):
    form = InstrumentFileForm


@admin.register(InstrumentVersion)
class InstrumentVersionAdmin(ConfigurationAdmin):
    """Registered versions are read-only: measurements depend on them. The changelist shows which
    instruments are in use and which files were refused, and why."""

    list_display = ["name", "code", "version", "subject", "source", "registered_at"]
    readonly_fields = ["code", "version", "name", "subject", "definition", "checksum", "source", "registered_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        catalogue = instrument_catalogue()
        extra_context = {**(extra_context or {}), "catalogue": catalogue}
        return super().changelist_view(request, extra_context)
