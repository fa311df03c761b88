"""An email backend for benchmarks: each message is serialised as SMTP would send it, counted,
and dropped, so a run that sends 100,000 reminders pays for building them, sends nothing off
the machine and holds none of them in memory (Django's locmem backend keeps every one).

Chosen with EMAIL_BACKEND=benchkit.discard_email.EmailBackend, with benchmarks/ on sys.path.
"""

import time

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    # Per process: the benchmark reads them in the process that sent the messages.
    delivered = 0
    octets = 0
    # Time spent here, serialising: what an SMTP backend would spend before the network.
    seconds = 0.0

    def send_messages(self, email_messages) -> int:
        began = time.perf_counter()
        for message in email_messages:
            EmailBackend.octets += len(message.message().as_bytes())
            EmailBackend.delivered += 1
        EmailBackend.seconds += time.perf_counter() - began
        return len(email_messages)
