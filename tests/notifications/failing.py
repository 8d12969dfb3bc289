"""A mail backend that always fails, as an unreachable SMTP server would."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    calls = 0

    def send_messages(self, email_messages):
        FailingBackend.calls += 1
        raise ConnectionRefusedError("SMTP server unreachable")
