"""API authentication with the app's own hashed, expiring, revocable keys (`Authorization: Token <key>`)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from wijkkracht.accounts.models import User
from wijkkracht.security.models import ApiToken, hash_token

#: last_used_at is written at most this often, so a busy client does not write a row on every call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        try:
            parts = get_authorization_header(request).split()
        except UnicodeError:
            raise AuthenticationFailed(_("Invalid API key.")) from None
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise AuthenticationFailed(_("Invalid API key header: use 'Authorization: Token <key>'."))
        try:
            secret = parts[1].decode("ascii")
        except UnicodeError:
            raise AuthenticationFailed(_("Invalid API key.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(secret)).first()
        if token is None:
            raise AuthenticationFailed(_("Invalid API key."))
        if token.revoked_at is not None:
            raise AuthenticationFailed(_("This API key has been revoked."))
        now = timezone.now()
        if token.expires_at <= now:
            raise AuthenticationFailed(_("This API key has expired."))
        if not token.user.is_active:
            raise AuthenticationFailed(_("This account is deactivated."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
