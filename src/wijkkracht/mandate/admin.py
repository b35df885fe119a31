"""The mandate policy file in `/beheer/` (functional administrator only, `ConfigurationAdmin`): an uploaded or
pasted file is checked like the shipped one (`policy.parse_text`); a wrong file is refused with every place
and reason, in Dutch, and nothing is saved. The active file is the policy in force (`policy.mandate_policy`);
only one can be active (also a database constraint)."""

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkkracht.common.admin import UploadedFileAdmin
from wijkkracht.instruments.definitions import DefinitionError
from wijkkracht.mandate.models import MandateFile
from wijkkracht.mandate.policy import parse_text

#: An upload larger than this is refused before it is read (a policy file is a few kilobytes).
MAX_UPLOAD_BYTES = 256 * 1024


class MandateFileForm(forms.ModelForm):
    upload = forms.FileField(
        label=gettext_lazy("YAML file"),
        required=False,
        help_text=gettext_lazy("Upload the file, or paste its content below."),
    )

    class Meta:
        model = MandateFile
        fields = ["name", "content", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Either may come from the upload: checked in clean().
        self.fields["name"].required = False
        self.fields["content"].required = False

    def clean(self) -> dict[str, Any]:
        """The same checks as the shipped file: an unknown role or kind, a wrong limit or rate is refused with
        the place and the reason, and nothing is saved."""
        data = super().clean() or {}
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD_BYTES:
                raise forms.ValidationError(_("The file is larger than 256 kB."))
            try:
                data["content"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not text in UTF-8.")) from None
            data["name"] = data.get("name") or upload.name
            self.instance.content = data["content"]
            self.instance.name = data["name"]
        if not data.get("name"):
            self.add_error("name", _("Give the file a name."))
        content = data.get("content") or ""
        if not content.strip():
            raise forms.ValidationError(_("Upload a file or paste its content."))
        try:
            parse_text(content, data.get("name") or "upload")
        except DefinitionError as error:
            raise forms.ValidationError([forms.ValidationError(problem) for problem in error.problems]) from None
        if data.get("is_active"):
            active = MandateFile.objects.filter(is_active=True).exclude(pk=self.instance.pk).first()
            if active is not None:
                self.add_error(
                    "is_active",
                    _("Only one mandate file can be active: first make '%(name)s' inactive.") % {"name": active.name},
                )
        return data


@admin.register(MandateFile)
class MandateFileAdmin(UploadedFileAdmin):
    form = MandateFileForm
