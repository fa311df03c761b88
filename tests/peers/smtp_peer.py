"""A real SMTP server on loopback (aiosmtpd), keeping every message it accepts, for tests that
send email the way production does."""

import contextlib
import email
import email.policy
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"


@dataclass
class SmtpPeer:
    port: int
    inbox: Inbox = field(default_factory=Inbox)

    def messages(self) -> list[tuple[list[str], email.message.EmailMessage]]:
        """Each message received: its recipients and the parsed message."""
        return [
            (
                envelope.rcpt_tos,
                email.message_from_bytes(envelope.content, policy=email.policy.default),
            )
            for envelope in self.inbox.received
        ]

    def settings_for(self, settings) -> None:
        """Point Django's email at this server (`settings`: pytest-django's fixture)."""
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = self.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""


@contextlib.contextmanager
def smtp_peer() -> Iterator[SmtpPeer]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    peer = SmtpPeer(port)
    controller = Controller(peer.inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield peer
    finally:
        controller.stop()
