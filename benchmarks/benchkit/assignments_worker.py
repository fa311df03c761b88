"""The Django side of benchmarks/assignments_scale.py, run as a subprocess like `manage.py shell`.

    python benchmarks/benchkit/assignments_worker.py --by CTO_EMAIL --reader LEAD_EMAIL
                                                     [--course ID] [--due-days 2]
                                                     [--batch-size 1000]

The settings and database come from the environment, as for manage.py. It prints one JSON
object on stdout. Starting Django takes longer than most of what a run needs from it, so one
process does it all, one step after the other, each timed inside it (Django's start
excluded) with the queries it sent and the peak memory after it: choosing the course, making
the assignment, sending the reminders twice, signing in the two report readers and collecting
the static files the server will serve.

Every piece of required training it needs is imported when the run starts, so a missing one
stops it, before anything is written, with a message naming it rather than an import error
from deep inside.
"""

import argparse
import importlib
import itertools
import json
import math
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

# What the benchmark calls, by module: the message names what is missing from the checkout.
NEEDED = {
    "assignments.services": ["assignment_create"],
    "assignments.reminders": ["reminders_send", "BATCH_SIZE"],
    "assignments.models": ["AssignedPerson", "Audience"],
    "notifications.models": ["EmailSent"],
}
# Reminders go to this backend only, so no email leaves the machine (benchkit/discard_email.py).
DISCARD = "benchkit.discard_email.EmailBackend"
REASON = "Everyone in the organisation completes this course (a benchmark)."


def need(module: str) -> object:
    try:
        found = importlib.import_module(module)
    except ImportError as error:
        raise SystemExit(f"{module} cannot be imported ({error}): the benchmark needs it") from None
    absent = [name for name in NEEDED.get(module, []) if not hasattr(found, name)]
    if absent:
        raise SystemExit(f"{module} has no {', '.join(absent)}: the benchmark needs it")
    return found


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


class QueryCounter:
    """Counts every SQL statement this process sends (an execute wrapper keeps no SQL text,
    so counting 100,000 rows' worth of work costs next to nothing)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


# -- info -------------------------------------------------------------------------------------


def chosen_course(course_id: int | None):
    """The course named, or the live course with the most enrolments (the longest learner list,
    so the heaviest page of its kind)."""
    from django.db.models import Count

    from courses.models import CoursePage

    courses = CoursePage.objects.live()
    if course_id is not None:
        course = courses.filter(pk=course_id).first()
        if course is None:
            raise SystemExit(f"no live course with id {course_id}")
        return course
    course = courses.annotate(learners=Count("enrolments")).order_by("-learners", "pk").first()
    if course is None:
        raise SystemExit("no live course: the demo (seed_demo) was not loaded")
    return course


def audience_counts(today) -> dict:
    """Who an assignment to everyone reaches today, counted apart from the service: active
    people whose last working day has not passed, and of them those with a membership."""
    from django.db.models import Q

    from accounts.models import User
    from analytics.demo.organisation import EMAIL_DOMAIN

    in_post = User.objects.filter(is_active=True).filter(
        Q(membership__leaving_date__isnull=True) | Q(membership__leaving_date__gte=today)
    )
    return {
        "synthetic_staff": User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count(),
        "people_in_post": in_post.count(),
        "people_in_post_with_a_membership": in_post.filter(membership__isnull=False).count(),
    }


def info(course_id: int | None) -> dict:
    from django.utils import timezone

    from courses.models import Enrolment

    course = chosen_course(course_id)
    return {
        **audience_counts(timezone.localdate()),
        "course": {
            "id": course.pk,
            "title": course.title,
            "owner": course.owner.email if course.owner else None,
            "enrolments": Enrolment.objects.filter(course=course).count(),
            "completions": Enrolment.objects.filter(
                course=course, completed_at__isnull=False
            ).count(),
        },
    }


# -- assign -----------------------------------------------------------------------------------


def assign(course_id: int, by_email: str, due_days: int) -> dict:
    """One mandatory assignment of the course to everyone, due in `due_days` days, timed."""
    services = need("assignments.services")
    models = need("assignments.models")
    from django.utils import timezone

    from accounts.models import User

    by = User.objects.get(email=by_email)
    course = chosen_course(course_id)
    today = timezone.localdate()
    expected = audience_counts(today)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        began = time.perf_counter()
        assignment = services.assignment_create(
            by=by,
            item=course,
            audience=models.Audience.EVERYONE,
            due_date=today + timedelta(days=due_days),
            reason=REASON,
            mandatory=True,
        )
        seconds = time.perf_counter() - began
    rows = models.AssignedPerson.objects.filter(assignment=assignment)
    written = rows.count()
    return {
        "call": "assignments.services.assignment_create(by=<CTO office>, item=<course>, "
        f"audience='everyone', due_date=<today + {due_days} days>, mandatory=True, reason=...)",
        "seconds": round(seconds, 2),
        "rows_per_s": round(written / seconds, 1) if seconds else None,
        "queries": counter.count,
        "assignment_id": assignment.pk,
        "rows_reported": getattr(assignment, "reached", None),
        "rows_created": written,
        "rows_completed_already": rows.filter(completed_at__isnull=False).count(),
        "rows_open": rows.filter(completed_at__isnull=True, removed_at__isnull=True).count(),
        "due_at": assignment.due_date.isoformat(),
        **expected,
        "peak_rss_mb": peak_rss_mb(),
    }


# -- remind -----------------------------------------------------------------------------------


def _batches_watched(reminders, counter: QueryCounter) -> list[dict]:
    """Marks where each batch's work starts and ends in the query count, by wrapping the
    module's per-batch step (read at call time by reminders_send); [] if it has none."""
    step = getattr(reminders, "_send_batch", None)
    marks: list[dict] = []
    if step is None:
        return marks

    def watched(rows, **kwargs):
        mark = {"rows": len(rows), "before": counter.count}
        try:
            return step(rows, **kwargs)
        finally:
            mark["after"] = counter.count
            marks.append(mark)

    reminders._send_batch = watched
    return marks


def _per_batch(marks: list[dict]) -> dict:
    """Queries per batch: the batch's own (claims, notifications, status updates) plus reading
    its rows, which is the one query between the end of a batch and the start of the next."""
    if not marks:
        return {}
    reads = [b["before"] - a["after"] for a, b in itertools.pairwise(marks)]
    read = max(reads) if reads else 1
    each = [m["after"] - m["before"] + read for m in marks]
    return {
        "batches": len(marks),
        "rows_first": marks[0]["rows"],
        "rows_last": marks[-1]["rows"],
        "queries_first": each[0],
        "queries_last": each[-1],
        "queries_min": min(each),
        "queries_max": max(each),
        "queries_reading_rows_between_batches": sorted(set(reads)),
        "all_but_the_first_equal": len(set(each[1:])) <= 1,
        # How many batches sent each number of queries, e.g. {"11": 1, "6": 99}.
        "batches_by_queries": {str(n): each.count(n) for n in sorted(set(each), reverse=True)},
        "each": each if len(each) <= 20 else None,
    }


def _run(reminders, batch_size: int) -> dict:
    counter = QueryCounter()
    marks = _batches_watched(reminders, counter)
    with connection.execute_wrapper(counter):
        began = time.perf_counter()
        counts = reminders.reminders_send(batch_size=batch_size)
        seconds = time.perf_counter() - began
    return {
        "seconds": round(seconds, 2),
        "counts": {
            name: getattr(counts, name)
            for name in ("due_soon", "overdue", "emailed", "not_emailed_by_choice", "digests")
            if hasattr(counts, name)
        },
        "its_own_report": str(counts),
        "queries": counter.count,
        "per_batch": _per_batch(marks),
    }


def remind(batch_size: int) -> dict:
    """reminders_send over every row (timed, queries counted per batch), then again."""
    reminders = need("assignments.reminders")
    from django.core import mail

    from benchkit.discard_email import EmailBackend

    emails = need("notifications.models").EmailSent
    backend = settings.EMAIL_BACKEND
    first = _run(reminders, batch_size)
    delivered = EmailBackend.delivered
    second = _run(reminders, batch_size)
    by_status = {
        status: emails.objects.filter(status=status).count()
        for status in emails.objects.values_list("status", flat=True).distinct().order_by()
    }
    rows = first["counts"].get("due_soon", 0) + first["counts"].get("overdue", 0)
    first.update(
        batch_size=batch_size,
        batches_expected=math.ceil(rows / batch_size) if rows else 0,
        emails_delivered_to_the_backend=delivered,
        email_megabytes=round(EmailBackend.octets / 2**20, 1),
        seconds_serialising_emails_in_the_backend=round(EmailBackend.seconds, 2),
        seconds_per_1000_rows=round(first["seconds"] / rows * 1000, 3) if rows else None,
    )
    return {
        "call": f"assignments.reminders.reminders_send(batch_size={batch_size})",
        "email_backend": f"{backend} (each message serialised as for SMTP, then dropped)",
        "first": first,
        "again": {
            **second,
            "emails_delivered_to_the_backend": EmailBackend.delivered - delivered,
        },
        "emails_claimed": emails.objects.count(),
        "emails_by_status": by_status,
        "outbox_unused": not getattr(mail, "outbox", []),
        "peak_rss_mb": peak_rss_mb(),
    }


# -- the whole measurement --------------------------------------------------------------------


def session(email: str) -> dict:
    """A signed-in session for the account (as analytics_worker.py makes them)."""
    from benchkit.analytics_worker import session as signed_in

    made = signed_in(email)
    return {"cookie": f"{made['cookie']}={made['key']}", "email": email}


def measure(args: argparse.Namespace) -> dict:
    """Everything a run needs from Django, in one process (starting Django costs more than the
    small steps): the course, the assignment, the reminders twice, the report readers' sessions
    and the static files the server will serve."""
    # The reminders need every piece before the assignment is made: nothing half-run.
    for module in NEEDED:
        need(module)
    if settings.EMAIL_BACKEND != DISCARD:
        raise SystemExit(f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}, not {DISCARD}: no run")
    found = info(args.course)
    owner = found["course"]["owner"]
    if owner != args.reader:
        raise SystemExit(f"course {found['course']['id']} belongs to {owner}, not {args.reader}")
    made = assign(found["course"]["id"], args.by, args.due_days)
    reminded = remind(args.batch_size)
    began = time.perf_counter()
    from benchkit.commands import collect_static_if_stale

    collect_static_if_stale()
    return {
        "organisation": found,
        "assign": made,
        "remind": reminded,
        "sessions": {"cto_office": session(args.by), "training_lead": session(args.reader)},
        "collect_static_seconds": round(time.perf_counter() - began, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--course", type=int, help="default: the live course most enrolled on")
    parser.add_argument("--by", required=True, help="who assigns (and reads compliance)")
    parser.add_argument("--reader", required=True, help="the training lead owning the course")
    parser.add_argument("--due-days", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=1000)
    print(json.dumps(measure(parser.parse_args())))


if __name__ == "__main__":
    main()
