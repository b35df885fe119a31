from django.db import models
from django.utils.translation import gettext_lazy as _

from wijkkracht.common.models import UploadedFile
from wijkkracht.instruments.definitions import InstrumentDefinition


class Subject(models.TextChoices):
    PERSON = "person", _("Person")
    HOUSEHOLD = "household", _("Household")


class InstrumentVersion(models.Model):
    """A registered version of an instrument definition. Measurements point here, so a measurement keeps
    the version it was taken with after the definition file changes."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    subject = models.CharField(_("subject"), max_length=10, choices=Subject.choices)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(max_length=64)
    source = models.CharField(_("source"), max_length=200)
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                name="instrumentversion_once",
                violation_error_message=_("This version of the instrument is already registered."),
            ),
            models.CheckConstraint(
                condition=models.Q(subject__in=Subject.values),
                name="instrumentversion_subject_known",
                violation_error_message=_("Unknown subject."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def parsed(self) -> InstrumentDefinition:
        cached = getattr(self, "_parsed", None)
        if cached is None:
            cached = InstrumentDefinition.from_json(self.definition)
            self._parsed = cached
        return cached


class InstrumentFile(UploadedFile):
    """An instrument definition or criteria file uploaded in admin: shared by every app server."""

    class Meta(UploadedFile.Meta):
        verbose_name = _("instrument file")
        verbose_name_plural = _("instrument files")
