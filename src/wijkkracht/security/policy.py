"""Who must sign in with a second factor."""

from django.contrib.auth.models import AnonymousUser
from django_otp.plugins.otp_totp.models import TOTPDevice

from wijkkracht.accounts.models import OVERSIGHT_ROLES, User
from wijkkracht.teams.models import Municipality


def two_factor_required(user: User | AnonymousUser) -> bool:
    """Functional administrators, the privacy officer and superusers always; everybody when the municipality
    requires it for all staff."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or user.role in OVERSIGHT_ROLES:
        return True
    return bool(Municipality.objects.filter(id=1).values_list("two_factor_required_for_all_staff", flat=True).first())


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: User | AnonymousUser) -> bool:
    """Set by django-otp's middleware: the session was verified with one of the user's devices."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())
