"""Test helpers for signing in past the second factor.

`login_verified(client, user)` logs a user in with `force_login` *and* marks the session as verified with a
confirmed TOTP device (created when the user has none), the way a real sign-in with a correct code would.
Use it wherever a test opens a page as an administrator, privacy officer or superuser (`/beheer/` …), or as
any staff member when the municipality requires two-factor authentication for everybody.
"""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.accounts.models import User


def confirmed_device(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device, created when there is none yet."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return device


def login_verified(client: Client, user: User) -> TOTPDevice:
    """`client.force_login(user)` plus a session verified by the user's (possibly new) TOTP device."""
    device = confirmed_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
