from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialmapConfig(AppConfig):
    name = "wijkkracht.socialmap"
    verbose_name = _("Social map")
