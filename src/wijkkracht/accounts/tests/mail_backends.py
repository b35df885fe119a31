"""E-mail backends for tests: a real backend class (set through EMAIL_BACKEND), not a mock of our code."""

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Behaves like an unreachable SMTP server."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise ConnectionRefusedError(111, "Connection refused by mail.example.org")
