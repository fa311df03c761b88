"""Mail backends for tests: a server that fails."""

from smtplib import SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend

FAILING = "tests.notifications.backends.FailingBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that hangs up on every message."""

    def send_messages(self, messages):
        raise SMTPServerDisconnected("Connection unexpectedly closed")
