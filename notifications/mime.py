"""Emails that many people receive in the same form, serialised once for all of them.

A reminder run sends tens of thousands of emails that differ only by the recipient's address,
first name and unsubscribe link (and the Date and Message-ID every message has of its own).
Django builds each one as a tree of MIME objects and serialises it header by header; at
national scale that was most of the run's time. Here Django builds and serialises the first
email of a group once, with stand-ins for those values, and each person's email is that text
with their values put in: the bytes Django itself would send, except that the group's messages
share one MIME boundary (any boundary absent from the message will do).

What Django would do differently is kept: a part whose text turns non-ASCII is declared 8bit
(as Django declares it), and an email whose values could change its shape (a line past
RFC 5322's 998 octets, a line break in a value, the boundary itself) is built by Django in full.
"""

from __future__ import annotations

import email
from dataclasses import dataclass
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import DNS_NAME, sanitize_address
from django.utils.html import escape

# In the bodies, as the templates were rendered for the whole group (notifications.services).
NAME = "\x1ename\x1e"
LINK = "\x1elink\x1e"
# In the headers: printable, so that Django encodes them as it would the real values.
_TO = "stand-in.recipient@stand-in.invalid"
_DATE = "Stand-in date"
_MESSAGE_ID = "<stand-in.message-id@stand-in.invalid>"
# In the headers, where the unsubscribe link goes.
HEADER_LINK = "https://stand-in.invalid/unsubscribe"
# RFC 5322's limit on a line, without its line break; Django quotes a longer line's part.
_LINE_LIMIT = 998


@dataclass(frozen=True)
class Recipient:
    """What differs between two emails of one group."""

    address: str
    name: str
    link: str | None


class SharedForm:
    """The serialised form of one group's email, per line separator (SMTP's is CRLF)."""

    def __init__(self, *, subject: str, text: str, html: str, headers: dict[str, str]):
        self.subject, self.text, self.html, self.headers = subject, text, html, headers
        self._serialised: dict[str, tuple[bytes, bytes, bytes, bytes]] = {}

    def email(self, recipient: Recipient) -> SharedFormEmail:
        text, html = self.personal_bodies(recipient)
        message = SharedFormEmail(
            subject=self.subject,
            body=text,
            to=[recipient.address],
            headers=self.personal_headers(recipient),
        )
        message.attach_alternative(html, "text/html")
        message.shared = (self, recipient)
        return message

    def personal_bodies(self, recipient: Recipient) -> tuple[str, str]:
        link = recipient.link or ""
        text = self.text.replace(NAME, recipient.name).replace(LINK, link)
        html = self.html.replace(NAME, escape(recipient.name)).replace(LINK, escape(link))
        return text, html

    def personal_headers(self, recipient: Recipient) -> dict[str, str]:
        link = recipient.link or ""
        return {k: v.replace(HEADER_LINK, link) for k, v in self.headers.items()}

    def _parts(self, linesep: str) -> tuple[bytes, bytes, bytes, bytes]:
        """The stand-in email serialised, cut into headers, text part, HTML part and the rest."""
        if linesep not in self._serialised:
            stand_in = EmailMultiAlternatives(
                subject=self.subject,
                body=self.text,
                to=[_TO],
                # Where Django puts its own Date and Message-ID: before the other headers.
                headers={"Date": _DATE, "Message-ID": _MESSAGE_ID, **self.headers},
            )
            stand_in.attach_alternative(self.html, "text/html")
            whole = stand_in.message().as_bytes(linesep=linesep)
            # The generator picks the boundary when serialising: read it off the bytes.
            boundary = _boundary_of(whole, linesep)
            separator = f"{linesep}--{boundary}{linesep}".encode()
            head, text, html_and_rest = whole.split(separator, 2)
            end = f"{linesep}--{boundary}--".encode()
            html, rest = html_and_rest.split(end, 1)
            self._serialised[linesep] = (
                head + separator,
                text + separator,
                html,
                end + rest,
            )
        return self._serialised[linesep]

    def as_bytes(self, recipient: Recipient, linesep: str) -> bytes | None:
        """`recipient`'s email serialised, or None where only Django's own build is right."""
        values = (recipient.address, recipient.name, recipient.link or "")
        if any("\n" in value or "\r" in value for value in values):
            return None
        head, text, html, rest = self._parts(linesep)
        link = (recipient.link or "").encode()
        name = recipient.name.encode()
        head = (
            head.replace(_TO.encode(), sanitize_address(recipient.address, "utf-8").encode())
            .replace(_DATE.encode(), formatdate(localtime=settings.EMAIL_USE_LOCALTIME).encode())
            .replace(_MESSAGE_ID.encode(), make_msgid(domain=DNS_NAME).encode())
            .replace(HEADER_LINK.encode(), link)
        )
        text = _eight_bit_if_needed(
            text.replace(NAME.encode(), name).replace(LINK.encode(), link), linesep
        )
        html = _eight_bit_if_needed(
            html.replace(NAME.encode(), escape(recipient.name).encode()).replace(
                LINK.encode(), escape(recipient.link or "").encode()
            ),
            linesep,
        )
        whole = head + text + html + rest
        boundary = _boundary_of(head, linesep).encode()
        if any(boundary in value.encode() for value in values):
            return None
        if any(len(line) > _LINE_LIMIT for line in whole.split(linesep.encode())):
            return None
        return whole


def _boundary_of(serialised: bytes, linesep: str) -> str:
    for line in serialised.split(linesep.encode()):
        if b"boundary=" in line:
            return line.split(b'boundary="', 1)[1].split(b'"', 1)[0].decode()
    raise ValueError("a multipart email without a boundary")


def _eight_bit_if_needed(part: bytes, linesep: str) -> bytes:
    """A 7bit part whose text is no longer ASCII is 8bit, as Django would declare it."""
    seven = f"Content-Transfer-Encoding: 7bit{linesep}".encode()
    if seven in part and not part.isascii():
        return part.replace(seven, f"Content-Transfer-Encoding: 8bit{linesep}".encode(), 1)
    return part


class SharedFormEmail(EmailMultiAlternatives):
    """An email of a group: the same as any EmailMultiAlternatives (mail.outbox reads its
    subject, body and alternatives), serialised from its group's shared form."""

    shared: tuple[SharedForm, Recipient] | None = None

    def message(self):
        if self.shared is None:
            return super().message()
        form, recipient = self.shared
        return _Serialised(self, form, recipient)


class _Serialised:
    """What backends ask of a message: its bytes (SMTP, files, the console), or, for anything
    else, the parsed message those bytes make."""

    def __init__(self, owner: SharedFormEmail, form: SharedForm, recipient: Recipient):
        self._owner, self._form, self._recipient = owner, form, recipient
        self._parsed = None

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        serialised = None if unixfrom else self._form.as_bytes(self._recipient, linesep)
        if serialised is None:
            return EmailMultiAlternatives.message(self._owner).as_bytes(unixfrom, linesep)
        return serialised

    def as_string(self, unixfrom: bool = False, linesep: str = "\n") -> str:
        return self.as_bytes(unixfrom, linesep).decode("utf-8", "surrogateescape")

    def __getattr__(self, name):
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.as_bytes())
        return getattr(self._parsed, name)

    def __getitem__(self, name):
        return self.__getattr__("__getitem__")(name)
