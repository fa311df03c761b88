"""Writes for notifications: in-service messages, emails sent at most once, and preferences."""

import contextlib
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from lms.languages import is_supported
from notifications.mime import HEADER_LINK, LINK, NAME, Recipient, SharedForm
from notifications.models import EmailSent, EmailStatus, Notification, NotificationPreferences

# The preferences a person may switch off from an email's link, by the field that holds each.
# Reminders of mandatory training have none: nobody may switch them off.
UNSUBSCRIBABLE = {
    # Translators: completes "unsubscribe from …" in an email and on the unsubscribe page.
    "optional_reminders": _("reminders about optional training"),
    # Translators: completes "unsubscribe from …" in an email and on the unsubscribe page.
    "manager_digest": _("the weekly summary of your team's overdue training"),
}
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
# Old emails linger in inboxes; past this their links ask the person to sign in instead.
UNSUBSCRIBE_LINK_DAYS = 180


class UnsubscribeLinkInvalid(Exception):
    """An unsubscribe token that was altered, has expired, or names nobody."""


@dataclass(frozen=True)
class NewNotification:
    user: User
    kind: str
    title: str
    key: str
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class Email:
    """An email to send once: `key` names the event it tells of."""

    key: str
    user: User
    kind: str
    subject: str
    template: str
    context: dict = field(default_factory=dict)


def notification_create(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", key: str
) -> Notification:
    """The notification for `key`, made the first time only."""
    with transaction.atomic():
        notification, _ = Notification.objects.get_or_create(
            key=key, defaults={"user": user, "kind": kind, "title": title, "body": body, "url": url}
        )
    return notification


def notifications_create_many(*, notifications: Iterable[NewNotification]) -> None:
    """Many notifications in one insert; those whose key already exists are left as they are."""
    rows = [
        Notification(user=n.user, kind=n.kind, title=n.title, body=n.body, url=n.url, key=n.key)
        for n in notifications
    ]
    if rows:
        with transaction.atomic():
            Notification.objects.bulk_create(rows, ignore_conflicts=True)


def notifications_mark_read(*, user: User, ids: Sequence[int] | None = None) -> int:
    """Marks the person's own unread notifications read (all of them when `ids` is None);
    returns how many changed. Other people's ids are never touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    with transaction.atomic():
        return unread.update(read_at=timezone.now())


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def language_of(user: User) -> str:
    """The language a person is written to in: their choice, else the site's default."""
    return user.language if is_supported(user.language) else settings.LANGUAGE_CODE


def unsubscribe_token(user: User, kind: str) -> str:
    if kind not in UNSUBSCRIBABLE:
        raise ValueError(f"{kind!r} cannot be switched off from an email")
    return signing.dumps([user.pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


@functools.cache
def _unsubscribe_path(urlconf: str | None, script_prefix: str, language: str | None) -> str:
    # Reversing a URL with an argument costs a third of a millisecond, half a minute over a
    # reminder run of 100,000 emails: the path is reversed once and the token put in its place.
    return reverse("notifications:unsubscribe", args=["TOKEN"]).replace("TOKEN", "{token}")


def unsubscribe_url(user: User, kind: str) -> str:
    """The absolute one-click link that switches off `kind` for `user`, at the address of the
    language active (the recipient's, when an email is written)."""
    path = _unsubscribe_path(get_urlconf(), get_script_prefix(), translation.get_language())
    return absolute_url(path.format(token=unsubscribe_token(user, kind)))


def unsubscribe_read(token: str) -> tuple[User, str]:
    """The person and preference a token names; UnsubscribeLinkInvalid if it names none."""
    try:
        user_id, kind = signing.loads(
            token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_LINK_DAYS * 24 * 3600
        )
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise UnsubscribeLinkInvalid(str(error)) from error
    if kind not in UNSUBSCRIBABLE:
        raise UnsubscribeLinkInvalid(f"unknown preference {kind!r}")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise UnsubscribeLinkInvalid("the account no longer exists")
    return user, kind


def preferences_update(
    *, user: User, optional_reminders: bool | None = None, manager_digest: bool | None = None
) -> NotificationPreferences:
    """Saves the choices given (None leaves a choice as it is)."""
    changes = {
        name: value
        for name, value in (
            ("optional_reminders", optional_reminders),
            ("manager_digest", manager_digest),
        )
        if value is not None
    }
    with transaction.atomic():
        preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(
            user=user
        )
        for name, value in changes.items():
            setattr(preferences, name, value)
        preferences.save()
    return preferences


def preferences_unsubscribe(*, token: str) -> tuple[User, str]:
    """Switches off what an email's link names; the same link again changes nothing more."""
    user, kind = unsubscribe_read(token)
    preferences_update(user=user, **{kind: False})
    return user, kind


# Emails are rendered once for everyone sent the same email in a batch in the same language,
# with stand-ins for each person's values (notifications.mime), which are put in as each is sent.
# Emails therefore use no other per-person value than `user.first_name` and `unsubscribe_url`.
# Each email is written in its recipient's language (language_of): its subject and context are
# made by the caller under that language, and its templates are rendered under it here.


@dataclass(frozen=True)
class _Recipient:
    first_name: str


def _form(email: Email, rendered: dict) -> SharedForm:
    """The shared form of `email`, rendered and serialised once per batch for everyone whose
    email differs only by address, name and unsubscribe link (at national scale, rendering and
    then serialising each email was most of the cost of a reminder run). Rendered in the
    language active, which the caller sets to the recipient's."""
    shared = {k: v for k, v in email.context.items() if k != "unsubscribe_url"}
    link = email.context.get("unsubscribe_url")
    language = translation.get_language() or settings.LANGUAGE_CODE
    try:
        key = hash(
            (email.template, language, email.subject, link is not None, *sorted(shared.items()))
        )
    except TypeError:  # a context holding lists (a digest) is rendered for its one reader
        key = None
    if key is not None and key in rendered:
        return rendered[key]
    context = {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "support_email": settings.SUPPORT_EMAIL,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute_url(reverse("notifications:preferences")),
        "subject": email.subject,
        "user": _Recipient(first_name=NAME),
        **shared,
    }
    headers = {}
    if link is not None:
        context["unsubscribe_url"] = LINK
        # RFC 8058: mail programs offer their own unsubscribe button, which posts to the link.
        headers = {
            "List-Unsubscribe": f"<{HEADER_LINK}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    name = f"notifications/email/{email.template}"
    form = SharedForm(
        subject=email.subject,
        text=render_to_string(f"{name}.txt", context),
        html=render_to_string(f"{name}.html", context),
        headers=headers,
    )
    if key is not None:
        rendered[key] = form
    return form


def _message(email: Email, rendered: dict) -> EmailMultiAlternatives:
    with translation.override(language_of(email.user)):
        recipient = Recipient(
            address=email.user.email,
            # Translators: greets a person whose first name is not known ("Dear colleague,").
            name=email.user.first_name or gettext("colleague"),
            link=email.context.get("unsubscribe_url"),
        )
        return _form(email, rendered).email(recipient)


def _deliver(emails: Sequence[Email]) -> list[str]:
    """Renders and sends claimed emails through one connection; records each as sent or failed
    (never retried: a failed key stays claimed). Returns the keys sent."""
    sent: list[str] = []
    failed: dict[str, list[str]] = defaultdict(list)
    connection = get_connection()
    try:
        connection.open()
    # Any failure to connect fails the whole batch; a failure is recorded, never raised.
    except Exception as error:
        failed[_error_text(error)] = [email.key for email in emails]
        emails = []
    rendered: dict = {}
    for email in emails:
        try:
            connection.send_messages([_message(email, rendered)])
        except Exception as error:
            failed[_error_text(error)].append(email.key)
        else:
            sent.append(email.key)
    # The messages are already handed over: a failure to hang up changes nothing.
    with contextlib.suppress(Exception):
        connection.close()
    if sent:
        EmailSent.objects.filter(key__in=sent).update(
            status=EmailStatus.SENT, sent_at=timezone.now()
        )
    # One update per distinct error: a server that is down fails a batch in one query.
    for error, keys in failed.items():
        EmailSent.objects.filter(key__in=keys).update(status=EmailStatus.FAILED, error=error)
    return sent


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def email_send_once(
    *, key: str, user: User, kind: str, subject: str, template: str, context: dict
) -> bool:
    """Sends the email for `key` unless some run has claimed that key before; True if this call
    sent it. The claim commits before sending (call it outside a transaction), so a second
    worker, or a rerun after a crash, finds it and sends nothing: at most once."""
    try:
        with transaction.atomic():
            EmailSent.objects.create(key=key, user=user, kind=kind)
    except IntegrityError:
        return False
    email = Email(
        key=key, user=user, kind=kind, subject=subject, template=template, context=context
    )
    return _deliver([email]) == [key]


def emails_send_once(*, emails: Sequence[Email]) -> list[str]:
    """`email_send_once` for a batch in a constant number of queries: one insert claims every key
    not yet taken, one read finds which rows this call inserted, and only those are sent.
    Returns the keys sent."""
    # A key given twice would be claimed by one row yet sent twice.
    emails = list({email.key: email for email in emails}.values())
    if not emails:
        return []
    token = uuid.uuid4().hex
    with transaction.atomic():
        EmailSent.objects.bulk_create(
            [EmailSent(key=e.key, user=e.user, kind=e.kind, claim=token) for e in emails],
            ignore_conflicts=True,
        )
    mine = set(
        EmailSent.objects.filter(key__in=[e.key for e in emails], claim=token).values_list(
            "key", flat=True
        )
    )
    return _deliver([email for email in emails if email.key in mine])
