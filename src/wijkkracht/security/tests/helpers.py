from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def current_code(device: TOTPDevice) -> str:
    """The code the user's authenticator app shows right now (computed from the device's key)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def code_for_key(key_hex: str) -> str:
    totp = TOTP(bytes.fromhex(key_hex), 30, 0, 6, 0)
    return f"{totp.token():06d}"


def wrong_code(code: str) -> str:
    return f"{(int(code) + 500_000) % 1_000_000:06d}"


def dutch(msgid: str, **values: object) -> str:
    """The Dutch text of a message as users see it (the catalogue test checks a translation exists)."""
    with translation.override("nl"):
        text = translation.gettext(msgid)
    return text % values if values else text


def dutch_plural(singular: str, plural: str, number: int, **values: object) -> str:
    with translation.override("nl"):
        return translation.ngettext(singular, plural, number) % values
