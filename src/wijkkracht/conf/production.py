"""Production: every secret comes from the environment; the app refuses to start without them."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production")

DEBUG = False
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``HTTP_X_FORWARDED_PROTO,https`` -> the header (as Django sees it in META) and the value meaning HTTPS."""
    if not value.strip():
        return None
    header, _comma, secure_value = (part.strip() for part in value.partition(","))
    if not header.startswith("HTTP_") or not secure_value:
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER must look like HTTP_X_FORWARDED_PROTO,https, not {value!r}"
        )
    return header, secure_value


# Behind a TLS proxy that sets (and overwrites) X-Forwarded-Proto; empty when TLS ends in this process.
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(os.environ.get("SECURE_PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO,https"))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
#: Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a decision for the municipality's whole domain (hstspreload.org), not for this app.
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
