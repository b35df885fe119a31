"""Local use: `make run` and a developer's shell."""

import os

from .base import *  # noqa: F403
from .base import DATA_DIR, STATIC_ROOT, env_bool

# The product's own 404/403/500 pages, as in production; `DEBUG=true` opts in to Django's debug pages.
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret-wijkkracht"
# Only `wijkkracht migrate` creates the data folder (and the database in it): no stray ./var elsewhere.
if DATA_DIR.is_dir():
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves the static files straight from the apps, also with DEBUG off.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Password links are printed in the terminal of `make run` instead of sent (EMAIL_BACKEND overrides).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
