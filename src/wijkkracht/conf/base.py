"""Settings shared by every environment.

Everything that differs between installations is read from an environment variable; each one is
documented in the README under "Configuratie".
"""

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("WIJKKRACHT_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_pool_options(environ: Mapping[str, str], engine: str) -> dict[str, int] | None:
    """`DATABASE_POOL=true`: a psycopg connection pool in each app process (Django's `OPTIONS["pool"]`,
    PostgreSQL only) instead of a persistent connection per thread. Off (None) unless asked for; see
    docs/scaling.md for when it helps and when PgBouncer is the better choice."""
    value = environ.get("DATABASE_POOL", "false").strip().lower()
    if value in {"", "0", "false", "no", "off"}:
        return None
    if value not in {"1", "true", "yes", "on"}:
        raise ImproperlyConfigured(f"DATABASE_POOL must be true or false, not {value!r}")
    if engine != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_POOL needs PostgreSQL (DATABASE_URL=postgres://…); SQLite has no pool")
    if environ.get("DATABASE_CONN_MAX_AGE", "0").strip() not in {"", "0"}:
        raise ImproperlyConfigured(
            "DATABASE_POOL keeps the connections open itself: leave DATABASE_CONN_MAX_AGE unset (or 0) with it"
        )
    options: dict[str, int] = {}
    # DATABASE_POOL_MIN_SIZE, _MAX_SIZE, and _TIMEOUT: seconds a request waits for a free connection.
    for key, default in (("min_size", 2), ("max_size", 4), ("timeout", 10)):
        name = f"DATABASE_POOL_{key.upper()}"
        raw = environ.get(name, str(default)).strip()
        try:
            number = int(raw)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
        if number < 1:
            raise ImproperlyConfigured(f"{name} must be at least 1, not {number}")
        options[key] = number
    if options["min_size"] > options["max_size"]:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE ({options['min_size']}) is larger than DATABASE_POOL_MAX_SIZE "
            f"({options['max_size']})"
        )
    return options


SECRET_KEY = os.environ.get("SECRET_KEY", "")
#: Earlier secret keys, comma-separated, still accepted for sessions and password links while rotating.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "wijkkracht.common",
    "wijkkracht.accounts",
    "wijkkracht.teams",
    "wijkkracht.households",
    "wijkkracht.privacy",
    "wijkkracht.security",
    "wijkkracht.instruments",
    "wijkkracht.diagnosis",
    "wijkkracht.plans",
    "wijkkracht.socialmap",
    "wijkkracht.consent",
    "wijkkracht.referrals",
    "wijkkracht.mandate",
    "wijkkracht.escalations",
    "wijkkracht.casefile",
    "wijkkracht.monitoring",
    "wijkkracht.outcomes",
    "wijkkracht.demo",
]

# The municipality's settings and its districts are cached in each app process (Django's default local-memory
# cache; `teams.models`). A change made in this process is seen at once; one made in another app process after at
# most this many seconds (0: not cached), or at once when CACHES names a cache all processes share.
WIJKKRACHT_SETTINGS_CACHE_SECONDS = int(os.environ.get("WIJKKRACHT_SETTINGS_CACHE_SECONDS", "30"))

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # One memo per request for what many parts of a page ask (the user's teams): `common.request_memo`.
    "wijkkracht.common.request_memo.RequestMemoMiddleware",
    # Under /api/ every error is JSON in the API's error shape (unknown URL, non-numeric id, a 500).
    "wijkkracht.common.api.ApiErrorMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files keep their long cache; every other answer is never stored.
    "wijkkracht.common.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wijkkracht.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every 403/404 of a signed-in user on a resolved URL writes a `refused` access-log row.
    "wijkkracht.privacy.middleware.AccessLogMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wijkkracht.security.middleware.IdleTimeoutMiddleware",
    "wijkkracht.security.middleware.TwoFactorMiddleware",
    # Reminders of unanswered referrals, made when a worker opens Mijn taken or their caseload (no cron needed).
    "wijkkracht.referrals.middleware.ReferralReminderMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wijkkracht.urls"
WSGI_APPLICATION = "wijkkracht.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wijkkracht.common.context_processors.navigation",
                "wijkkracht.outcomes.context_processors.navigation",
            ],
        },
    },
]

# SQLite by default (zero set-up); PostgreSQL through DATABASE_URL=postgres://user:pass@host:5432/db.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'wijkkracht.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, except that it never creates a missing database file (only `migrate` may).
    DATABASES["default"]["ENGINE"] = "wijkkracht.common.db.sqlite3"
    # Tests run in memory, as with Django's own backend (pytest-django recognises only that by its name).
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A server that accepts connections but never answers must not hang requests (nor /healthz) forever.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")))
    # PostgreSQL's JIT compiler costs far more than it saves on the product's short OLTP queries (issue 10:
    # 645 of a caseload query's 700 ms went to compiling): `DATABASE_JIT=off` (default) turns it off for each
    # connection at connect time; `server` leaves it to the server, e.g. behind PgBouncer, which refuses the
    # connect-time option: then set `ALTER ROLE … SET jit = off` (docs/scaling.md).
    _jit = os.environ.get("DATABASE_JIT", "off").strip().lower()
    if _jit not in {"off", "server"}:
        raise ImproperlyConfigured(f"DATABASE_JIT must be off or server, not {_jit!r}")
    if _jit == "off":
        DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction (docs/scaling.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DATABASE_DISABLE_SERVER_SIDE_CURSORS", False)
_database_pool = database_pool_options(os.environ, DATABASES["default"]["ENGINE"])
if _database_pool is not None:
    # Django refuses a pool next to persistent connections: the pool keeps them open.
    DATABASES["default"]["OPTIONS"]["pool"] = _database_pool
    DATABASES["default"]["CONN_MAX_AGE"] = 0
#: /healthz answers within this many seconds, also when the database hangs.
HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT", "1.5"))
#: Extra instrument definition files (YAML) of the municipality, next to the shipped ones.
INSTRUMENTS_DIR = os.environ.get("WIJKKRACHT_INSTRUMENTS_DIR") or None
#: Policy files of the municipality in place of the shipped ones (validated on start-up by `wijkkracht check`):
#: the outcomes (indicators, limits, pyramid rule, roles) and the mandate (measure kinds, mandates, financing
#: rates, escalation response times; an upload in /beheer/ overrides it).
OUTCOMES_POLICY_FILE = os.environ.get("OUTCOMES_POLICY_FILE", "")
MANDATE_POLICY_FILE = os.environ.get("MANDATE_POLICY_FILE", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
#: Password links (new accounts, resets) work once and for 24 hours; nobody sets another person's password.
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# E-mail (password links). Production: SMTP through these variables; development prints to the console.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "wijkkracht@localhost")
#: Folder for `EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend` (trying out, tests).
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(DATA_DIR / "mail"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
#: Request header with the client's address set by a trusted reverse proxy (e.g. X-Forwarded-For; the last
#: address in it is taken, the one the proxy added). Unset: the access log records REMOTE_ADDR only. Set it
#: only behind a proxy that overwrites or appends this header, or clients can write their own address.
ACCESS_LOG_CLIENT_IP_HEADER = os.environ.get("ACCESS_LOG_CLIENT_IP_HEADER", "")
#: A session without a request for this many seconds ends (next to the absolute SESSION_COOKIE_AGE).
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "1800"))

# Sign-in security (wijkkracht.security): lockout by django-axes, second factor by django-otp.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "wijkkracht.security.views.locked_out"
AXES_SENSITIVE_PARAMETERS = ["password", "code"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
#: Lockout counts per the same client address as the access log (the trusted proxy header, if set).
AXES_CLIENT_IP_CALLABLE = "wijkkracht.privacy.access.client_ip"
#: No start-up banner on every command; lockouts are still logged.
AXES_VERBOSE = False
#: Days an API key is valid unless its owner chooses otherwise.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
#: The policy overview shows a snapshot of its figures; one older than this is counted again when the page
#: is opened (cron `wijkkracht monitoring refresh` keeps it younger, so no page view has to count).
MONITORING_OVERVIEW_MAX_AGE_MINUTES = int(os.environ.get("MONITORING_OVERVIEW_MAX_AGE_MINUTES", "10"))

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
#: Files browsers ask for at the root of the site (/favicon.ico), served by WhiteNoise.
WHITENOISE_ROOT = PACKAGE_DIR / "common" / "static" / "wijkkracht" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wijkkracht.security.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "wijkkracht.common.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "wijkkracht.common.api.ApiAutoSchema",
    "EXCEPTION_HANDLER": "wijkkracht.common.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, bounded in size and nesting; no ?format= (every answer is JSON).
    "DEFAULT_PARSER_CLASSES": ["wijkkracht.common.parsers.BoundedJSONParser"],
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wijkkracht API",
    "DESCRIPTION": "API van Wijkkracht voor integrale sociale wijkteams. Dezelfde toegangsregels als de "
    "webapplicatie: een medewerker ziet alleen de huishoudens van het eigen team.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "wijkkracht.households.models.HouseholdStatus",
        "TaskStatusEnum": "wijkkracht.households.models.TaskStatus",
        "MeasurementStatusEnum": "wijkkracht.diagnosis.models.MeasurementStatus",
        "PlanStatusEnum": "wijkkracht.plans.models.PlanStatus",
        "ActionStatusEnum": "wijkkracht.plans.models.ActionStatus",
        "SuggestionStatusEnum": "wijkkracht.plans.models.SuggestionStatus",
        # The names these had before the lifecycle's own `kind` and `outcome` fields came along.
        "KindEnum": "wijkkracht.households.models.ContactKind",
        "OutcomeEnum": "wijkkracht.plans.models.GoalOutcome",
        "TaskOutcomeEnum": "wijkkracht.casefile.lifecycle_api.TASK_OUTCOME_CHOICES",
        "HistoryKindEnum": "wijkkracht.casefile.lifecycle_api.HISTORY_KIND_CHOICES",
        "HandoverStatusEnum": "wijkkracht.casefile.models.HandoverStatus",
        "HandoverDirectionEnum": "wijkkracht.casefile.models.HandoverDirection",
        "ReferralStatusEnum": "wijkkracht.referrals.models.ReferralStatus",
        "ServiceStatusEnum": "wijkkracht.socialmap.models.ServiceStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Security headers (every environment). No inline script or style anywhere: scripts and styles are static
# files served by the app itself (works offline, no CDN). Production adds HSTS and the HTTPS redirect.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
