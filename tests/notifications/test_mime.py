"""Emails serialised from their group's shared form are the emails Django would send."""

import re
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from notifications.mime import LINK, NAME, Recipient, SharedForm

TEXT = f"Dear {NAME},\nPlease complete Data basics.\nUnsubscribe: {LINK}\n"
HTML = (
    f"<p>Dear {NAME},</p>\n<p>Please complete <strong>Data basics</strong>.</p>\n"
    f'<p><a href="{LINK}">Unsubscribe</a></p>\n'
)
LINK_HEADER = "<https://stand-in.invalid/unsubscribe>"


def shared_form(subject="Reminder: Data basics is due in 3 days", text=TEXT, html=HTML):
    return SharedForm(
        subject=subject,
        text=text,
        html=html,
        headers={
            "List-Unsubscribe": LINK_HEADER,
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def django_built(form: SharedForm, recipient: Recipient, linesep: str) -> bytes:
    text, html = form.personal_bodies(recipient)
    message = EmailMultiAlternatives(
        subject=form.subject,
        body=text,
        to=[recipient.address],
        headers=form.personal_headers(recipient),
    )
    message.attach_alternative(html, "text/html")
    return message.message().as_bytes(linesep=linesep)


def comparable(serialised: bytes) -> bytes:
    """The bytes with what is unique to each message (date, id, boundary) made equal."""
    boundary = re.search(rb'boundary="([^"]+)"', serialised).group(1)
    serialised = serialised.replace(boundary, b"BOUNDARY")
    serialised = re.sub(rb"Date: [^\r\n]+", b"Date: DATE", serialised)
    return re.sub(rb"Message-ID: <[^>]+>", b"Message-ID: <ID>", serialised)


RECIPIENTS = [
    Recipient("amina.haddad@example.org", "Amina", "https://lms.example.org/unsubscribe/abc123"),
    Recipient("jose@example.org", "José", "https://lms.example.org/unsubscribe/d&e"),
    Recipient("o.connor@example.org", "Siobhán <Ó'Connor>", None),
    Recipient("li@example.org", "李", "https://lms.example.org/unsubscribe/xyz"),
]


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda r: r.address)
def test_each_email_is_the_one_django_builds(recipient, linesep):
    form = shared_form()
    assert comparable(form.email(recipient).message().as_bytes(linesep=linesep)) == comparable(
        django_built(form, recipient, linesep)
    )


def test_a_group_in_another_script_is_the_one_django_builds():
    form = shared_form(
        subject="تذكير: أساسيات البيانات", text="عزيزي " + TEXT, html="<p>مرحبا</p>" + HTML
    )
    for recipient in RECIPIENTS:
        built = form.email(recipient).message().as_bytes()
        assert comparable(built) == comparable(django_built(form, recipient, "\n"))


def test_each_message_has_its_own_id_and_reads_back_as_sent():
    form = shared_form()
    first, second = (form.email(r).message().as_bytes() for r in RECIPIENTS[:2])
    ids = [message_from_bytes(m)["Message-ID"] for m in (first, second)]
    assert ids[0] != ids[1]
    parsed = message_from_bytes(second)
    text, html = (part.get_payload(decode=True).decode() for part in parsed.get_payload())
    assert (parsed["To"], parsed["List-Unsubscribe"], text, html) == (
        "jose@example.org",
        "<https://lms.example.org/unsubscribe/d&e>",
        "Dear José,\nPlease complete Data basics.\n"
        "Unsubscribe: https://lms.example.org/unsubscribe/d&e\n",
        "<p>Dear José,</p>\n<p>Please complete <strong>Data basics</strong>.</p>\n"
        '<p><a href="https://lms.example.org/unsubscribe/d&amp;e">Unsubscribe</a></p>\n',
    )


def test_values_that_would_change_the_shape_are_built_by_django_in_full():
    form = shared_form()
    odd = [
        Recipient("a@example.org", "Line\nbreak", None),
        Recipient("b@example.org", "x" * 1200, None),
    ]
    for recipient in odd:
        assert form.as_bytes(recipient, "\n") is None
        # The email still goes, as Django builds it.
        assert comparable(form.email(recipient).message().as_bytes()) == comparable(
            django_built(form, recipient, "\n")
        )


def test_the_outbox_sees_an_ordinary_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    form = shared_form()
    mail.outbox = []
    form.email(RECIPIENTS[1]).send()
    (sent,) = mail.outbox
    assert (sent.subject, sent.to, sent.body, sent.alternatives[0].mimetype) == (
        "Reminder: Data basics is due in 3 days",
        ["jose@example.org"],
        "Dear José,\nPlease complete Data basics.\n"
        "Unsubscribe: https://lms.example.org/unsubscribe/d&e\n",
        "text/html",
    )
    assert sent.message()["List-Unsubscribe"] == "<https://lms.example.org/unsubscribe/d&e>"
