"""Reminders of assigned training: due soon and overdue, to each person in the service and by
email, and each week a line manager's digest of their team's overdue mandatory training.

Every email is claimed by its key before it is sent (notifications.services), so two workers
at once, or a run after a crash, never send one twice. People are read in batches of
BATCH_SIZE rows with a constant number of queries per batch.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assignments.models import AssignedPerson, Assignment
from lms.languages import path_in_language
from notifications.models import NotificationPreferences, ReminderSettings
from notifications.selectors import notification_keys_existing
from notifications.services import (
    UNSUBSCRIBABLE,
    Email,
    NewNotification,
    absolute_url,
    emails_send_once,
    language_of,
    notifications_create_many,
    unsubscribe_url,
)

BATCH_SIZE = 1000
DUE_SOON = "due_soon"
OVERDUE = "overdue"
DIGEST = "manager_digest"


@dataclass
class ReminderCounts:
    """What one run did: reminders newly owed, and the emails among them."""

    due_soon: int = 0
    overdue: int = 0
    emailed: int = 0
    # Optional training whose reminder email the person switched off (told in the service).
    not_emailed_by_choice: int = 0
    digests: int = 0

    def __str__(self) -> str:
        return (
            f"New reminders: {self.due_soon} due soon, {self.overdue} overdue. "
            f"Emails sent: {self.emailed}; not emailed by the person's choice: "
            f"{self.not_emailed_by_choice}. Line manager digests sent: {self.digests}."
        )


@dataclass(frozen=True)
class Reminder:
    row: AssignedPerson
    kind: str
    key: str
    # Days left before the due date (due soon) or days past it (overdue).
    days: int


def open_rows() -> QuerySet[AssignedPerson]:
    """Rows still waiting for a completion: not removed, not done, assignment not withdrawn."""
    return AssignedPerson.objects.filter(
        removed_at__isnull=True,
        completed_at__isnull=True,
        assignment__withdrawn_at__isnull=True,
        user__is_active=True,
    )


def reminder_for(
    row: AssignedPerson, *, now: datetime, days_before: list[int], overdue_every: int
) -> Reminder | None:
    """The one reminder a row is owed at `now`, or None.

    Due soon: the nearest offset whose day has come (so a run after a pause sends the 3-day
    reminder, not the 14-day one as well). Overdue: one at once, then every `overdue_every`
    days, numbered so each is sent once."""
    if row.due_at > now:
        left = _days_between(now, row.due_at)
        reached = [days for days in days_before if left <= days]
        if not reached:
            return None
        offset = min(reached)
        return Reminder(row, DUE_SOON, f"due:{row.pk}:{row.cycle}:{offset}", left)
    if overdue_every <= 0:
        return None
    n = int((now - row.due_at) / timedelta(days=overdue_every))
    return Reminder(
        row, OVERDUE, f"overdue:{row.pk}:{row.cycle}:{n}", _days_between(row.due_at, now)
    )


def _days_between(earlier: datetime, later: datetime) -> int:
    """Calendar days from one moment to another where people are: training due at the end of
    the 16th is due "in 10 days" on the 6th, whatever the hour."""
    return (timezone.localdate(later) - timezone.localdate(earlier)).days


class _Items:
    """Addresses of the assigned pages, looked up once per page (and language) per run."""

    def __init__(self) -> None:
        self._paths: dict[int, str] = {}
        self._in_language: dict[tuple[int, str], str] = {}

    def path(self, page) -> str:
        if page.pk not in self._paths:
            parts = page.get_url_parts()
            self._paths[page.pk] = parts[2] if parts else "/"
        return self._paths[page.pk]

    def path_in(self, page, language: str) -> str:
        """The page's address in `language` (/fr/… for French)."""
        key = (page.pk, language)
        if key not in self._in_language:
            self._in_language[key] = path_in_language(self.path(page), language)
        return self._in_language[key]


# What a reminder reads of a row and of its person.
ROW_FIELDS = ("assignment_id", "user_id", "cycle", "due_at", "completed_at", "removed_at")
USER_FIELDS = ("email", "first_name", "last_name", "is_active", "language")
PREFERENCE_FIELDS = ("user_id", "optional_reminders", "manager_digest")


class _Assignments:
    """The assignments of the rows read, each with its page, looked up once per run."""

    def __init__(self) -> None:
        self._found: dict[int, Assignment] = {}

    def attach(self, rows: list[AssignedPerson]) -> None:
        missing = {row.assignment_id for row in rows} - set(self._found)
        if missing:
            self._found.update(Assignment.objects.select_related("item").in_bulk(missing).items())
        for row in rows:
            row.assignment = self._found[row.assignment_id]


def _preferences(user: User) -> NotificationPreferences:
    try:
        return user.notification_preferences
    except NotificationPreferences.DoesNotExist:
        return NotificationPreferences(user=user)


def _isolated(text: str) -> str:
    """`text` (a course's title, written in any script) kept whole inside a right-to-left
    sentence: Unicode's first-strong isolate, the plain-text twin of HTML's <bdi>."""
    return f"\u2068{text}\u2069" if translation.get_language_bidi() else text


def _text(reminder: Reminder) -> tuple[str, str, str]:
    """Subject, headline and message of a reminder, in plain words, in the active language
    (the recipient's)."""
    title = _isolated(reminder.row.assignment.item.title)
    days = reminder.days
    if reminder.kind == DUE_SOON:
        if days == 0:
            # Translators: completes "… is due …" (a reminder of training to complete).
            when = _("today")
        elif days == 1:
            # Translators: completes "… is due …" (a reminder of training to complete).
            when = _("tomorrow")
        else:
            # Translators: completes "… is due …" (a reminder of training to complete).
            when = ngettext("in %(count)s day", "in %(count)s days", days) % {"count": days}
        by = date_format(timezone.localtime(reminder.row.due_at), "j F Y")
        return (
            # Translators: an email's subject; "when" is "today", "tomorrow" or "in 3 days".
            _("Reminder: %(title)s is due %(when)s") % {"title": title, "when": when},
            # Translators: "when" is "today", "tomorrow" or "in 3 days".
            _("%(title)s is due %(when)s") % {"title": title, "when": when},
            _("Please complete this training by %(date)s.") % {"date": by},
        )
    if days == 0:
        # Translators: completes "… was due …" (training not completed in time).
        since = _("today")
    elif days == 1:
        # Translators: completes "… was due …" (training not completed in time).
        since = _("yesterday")
    else:
        # Translators: completes "… was due …" (training not completed in time).
        since = ngettext("%(count)s day ago", "%(count)s days ago", days) % {"count": days}
    return (
        # Translators: an email's subject; "since" is "today", "yesterday" or "3 days ago".
        _("Overdue: %(title)s was due %(since)s") % {"title": title, "since": since},
        _("%(title)s is overdue") % {"title": title},
        # Translators: "since" is "today", "yesterday" or "3 days ago".
        _("This training was due %(since)s. Please complete it as soon as you can.")
        % {"since": since},
    )


def _email(reminder: Reminder, text: tuple[str, str, str], *, item_url: str) -> Email:
    """The reminder's email, written in the active language; `text` is `_text(reminder)`."""
    row = reminder.row
    assignment = row.assignment
    subject, headline, message = text
    context = {
        "headline": headline,
        "message": message,
        "item_title": assignment.item.title,
        "item_url": item_url,
        "due_at": row.due_at,
        "mandatory": assignment.mandatory,
        "reason": assignment.reason,
        "why": _("You are getting this email because this training was assigned to you."),
    }
    if not assignment.mandatory:
        context["unsubscribe_url"] = unsubscribe_url(row.user, "optional_reminders")
        context["unsubscribe_what"] = str(UNSUBSCRIBABLE["optional_reminders"])
    return Email(
        key=reminder.key,
        user=row.user,
        kind=reminder.kind,
        subject=subject,
        template="reminder",
        context=context,
    )


def _send_batch(
    rows: list[AssignedPerson], *, now: datetime, settings: ReminderSettings, items: _Items
) -> ReminderCounts:
    counts = ReminderCounts()
    days_before = settings.reminder_days
    reminders = [
        reminder
        for row in rows
        if (
            reminder := reminder_for(
                row, now=now, days_before=days_before, overdue_every=settings.overdue_every_days
            )
        )
    ]
    # Every reminder leaves a notification under its key: those found were handled by an
    # earlier run, so rows overdue for weeks cost a read each hour, not an insert.
    handled = notification_keys_existing([reminder.key for reminder in reminders])
    reminders = [reminder for reminder in reminders if reminder.key not in handled]
    notifications, emails = [], []
    for reminder in reminders:
        row = reminder.row
        counts.due_soon += reminder.kind == DUE_SOON
        counts.overdue += reminder.kind == OVERDUE
        path = items.path(row.assignment.item)
        # Each person is told in their own language, in the service as by email; the
        # notification keeps the page's address without a language, which opens in the
        # language the person reads the service in when they follow it.
        language = language_of(row.user)
        with translation.override(language):
            subject, headline, message = _text(reminder)
            notifications.append(
                NewNotification(
                    user=row.user,
                    kind=reminder.kind,
                    title=subject,
                    body=message,
                    url=path,
                    key=reminder.key,
                )
            )
            if not row.assignment.mandatory and not _preferences(row.user).optional_reminders:
                counts.not_emailed_by_choice += 1
                continue
            if row.user.email:
                item_url = absolute_url(items.path_in(row.assignment.item, language))
                emails.append(_email(reminder, (subject, headline, message), item_url=item_url))
    notifications_create_many(notifications=notifications)
    counts.emailed = len(emails_send_once(emails=emails))
    return counts


def reminders_send(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> ReminderCounts:
    """Sends the due-soon and overdue reminders owed at `now`, then the weekly digest on its
    day. Safe to run at any time, as often as wanted: each reminder goes once."""
    now = now or timezone.now()
    settings = ReminderSettings.load()
    items = _Items()
    total = ReminderCounts()
    horizon = now + timedelta(days=max(settings.reminder_days, default=0))
    candidates = open_rows().filter(due_at__lte=horizon)
    if settings.overdue_every_days <= 0:
        candidates = candidates.filter(due_at__gt=now)
    # The person and their choices with each row; the assignment and its page once per run
    # (a page per row was most of the cost of reading a batch).
    candidates = (
        candidates.select_related("user", "user__notification_preferences")
        .only(
            *ROW_FIELDS,
            *(f"user__{name}" for name in USER_FIELDS),
            *(f"user__notification_preferences__{name}" for name in PREFERENCE_FIELDS),
        )
        .order_by("pk")
    )
    assignments = _Assignments()
    last = 0
    while True:
        rows = list(candidates.filter(pk__gt=last)[:batch_size])
        if not rows:
            break
        last = rows[-1].pk
        assignments.attach(rows)
        done = _send_batch(rows, now=now, settings=settings, items=items)
        for name in ("due_soon", "overdue", "emailed", "not_emailed_by_choice"):
            setattr(total, name, getattr(total, name) + getattr(done, name))
    total.digests = digests_send(now=now, settings=settings, batch_size=batch_size)
    return total


def digests_send(*, now: datetime, settings: ReminderSettings, batch_size: int = BATCH_SIZE) -> int:
    """On the configured weekday, each line manager whose direct reports have overdue mandatory
    training gets one email naming them and it, once per ISO week. Returns how many were sent."""
    today = timezone.localdate(now)
    if today.weekday() != settings.digest_weekday:
        return 0
    year, week, _ = today.isocalendar()
    overdue = open_rows().filter(
        assignment__mandatory=True,
        due_at__lt=now,
        user__membership__line_manager__isnull=False,
        user__membership__line_manager__is_active=True,
    )
    manager_ids = sorted(
        set(overdue.values_list("user__membership__line_manager", flat=True).order_by())
    )
    team_urls: dict[str, str] = {}
    sent = 0
    for start in range(0, len(manager_ids), batch_size):
        chunk = manager_ids[start : start + batch_size]
        managers = {
            manager.pk: manager
            for manager in User.objects.filter(pk__in=chunk).select_related(
                "notification_preferences"
            )
        }
        by_manager: dict[int, dict[User, list]] = defaultdict(lambda: defaultdict(list))
        rows = (
            overdue.filter(user__membership__line_manager__in=chunk)
            .select_related("user", "user__membership", "assignment__item")
            .order_by("user__last_name", "user__first_name", "user_id", "due_at", "pk")
        )
        for row in rows:
            by_manager[row.user.membership.line_manager_id][row.user].append(
                {"title": row.assignment.item.title, "due_at": row.due_at}
            )
        emails = []
        for manager_id, people in by_manager.items():
            manager = managers[manager_id]
            if not manager.email or not _preferences(manager).manager_digest:
                continue
            language = language_of(manager)
            with translation.override(language):
                if language not in team_urls:
                    team_urls[language] = absolute_url(reverse("team"))
                emails.append(
                    _digest_email(
                        manager,
                        people,
                        key=f"digest:{manager_id}:{year}-{week}",
                        team_url=team_urls[language],
                    )
                )
        sent += len(emails_send_once(emails=emails))
    return sent


def _digest_email(manager: User, people: dict[User, list], *, key: str, team_url: str) -> Email:
    """The digest's email, written in the active language (the manager's)."""
    listed = [{"name": person.get_full_name(), "items": items} for person, items in people.items()]
    return Email(
        key=key,
        user=manager,
        kind=DIGEST,
        subject=_("Your team's overdue mandatory training"),
        template="manager_digest",
        context={
            "people": listed,
            "total": sum(len(person["items"]) for person in listed),
            "team_url": team_url,
            "why": _(
                "You are getting this email because you are the line manager of the people "
                "named in it."
            ),
            "unsubscribe_url": unsubscribe_url(manager, "manager_digest"),
            "unsubscribe_what": str(UNSUBSCRIBABLE["manager_digest"]),
        },
    )
