from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkkracht.common.admin import ConfigurationAdmin
from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.mandate.models import MandateFile
from wijkkracht.mandate.policy import parse_text

#: An upload larger than this is refused before it is read (a policy file is a few kilobytes).
MAX_UPLOAD_BYTES = 256 * 1024


class MandateFileForm(forms.ModelForm):
    upload = forms.FileField(label=_("YAML file"), required=False)

    class Meta:
        model = MandateFile
        fields = ["name", "content", "is_active"]

    def clean(self) -> dict[str, Any]:
        """The same checks as the shipped file: an unknown role or kind, a wrong limit or rate is refused with
        the place and the reason, and nothing is saved."""
        data = super().clean() or {}
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is larger than 256 kB."))
            data["content"] = upload.read().decode("utf-8", errors="replace")
            data["name"] = data.get("name") or upload.name
            self.instance.content = data["content"]
            self.instance.name = data["name"]
        content = data.get("content") or ""
        try:
            parse_text(content, data.get("name") or "upload")
        except DefinitionError as error:
            raise forms.ValidationError([forms.ValidationError(problem) for problem in error.problems]) from None
        return data


@admin.register(MandateFile)
class MandateFileAdmin(ConfigurationAdmin):
    form = MandateFileForm
    list_display = ["name", "is_active", "uploaded_at", "uploader"]
    readonly_fields = ["uploaded_at", "uploader"]

    @admin.display(description=gettext_lazy("uploaded by"), ordering="uploaded_by")
    def uploader(self, obj: MandateFile) -> object:
        return obj.uploaded_by or "–"

    def save_model(self, request: HttpRequest, obj: MandateFile, form: forms.ModelForm, change: bool) -> None:
        obj.uploaded_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
