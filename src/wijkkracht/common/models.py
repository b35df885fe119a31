from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadedFile(models.Model):
    """A policy or definition file uploaded in `/beheer/` (instruments, the mandate), shared by every app server
    through the database; the concrete model says what it holds and how its content is checked."""

    name = models.CharField(_("file name"), max_length=200, unique=True)
    content = models.TextField(_("content"))
    is_active = models.BooleanField(_("active"), default=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
