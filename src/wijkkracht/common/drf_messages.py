"""Dutch for messages of Django REST framework that its own Dutch catalogue lacks or words badly. Our catalogue
comes first (``LOCALE_PATHS``), so these msgids, kept here for ``makemessages``, replace DRF's text."""

from django.utils.translation import gettext_noop

DRF_MESSAGES = (
    gettext_noop("Must be a valid boolean."),
    gettext_noop("Date has wrong format. Use one of these formats instead: {format}."),
    gettext_noop("Datetime has wrong format. Use one of these formats instead: {format}."),
)
