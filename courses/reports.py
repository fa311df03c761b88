"""Reads for authors' reports: how many learners enrol on, complete and pass each course, in one
query however many courses there are."""

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Revision, WorkflowState

from accounts.models import User
from courses.figures import whole_percent
from courses.models import CoursePage, Enrolment, KnowledgeCheckAttempt


def _count(rows: QuerySet, *, per: str, **where) -> Coalesce:
    """A correlated COUNT(*) of `rows` for the outer course (0 when there are none)."""
    counted = rows.filter(**where).order_by().values(per).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def course_report(*, owner: User | None) -> QuerySet[CoursePage]:
    """Courses owned by `owner` (every course when None), drafts included, ordered by title;
    in English, whose records their translations share.

    Each is annotated with counts: `enrolled`, `completed` (enrolments), `attempts`,
    `attempts_passed`, `first_attempts`, `first_attempts_passed` (knowledge-check attempts),
    `in_review` (a review is under way) and `scheduled` (an approved version waits for its
    go-live date).
    """
    # A translation's learners are the English course's (they share one record), so courses are
    # reported once, in English; translators find their copies in the page explorer.
    english = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    courses = CoursePage.objects.filter(locale__language_code=english)
    if owner is not None:
        courses = courses.filter(owner=owner)
    enrolments = Enrolment.objects.filter(course=OuterRef("pk"))
    attempts = KnowledgeCheckAttempt.objects.filter(enrolment__course=OuterRef("pk"))
    # Workflow states and revisions name a page by its base type and its id as text.
    this_page = {
        "base_content_type__app_label": "wagtailcore",
        "base_content_type__model": "page",
        "object_id": Cast(OuterRef("pk"), output_field=CharField()),
    }
    reviews = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS, **this_page)
    schedules = Revision.objects.filter(approved_go_live_at__isnull=False, **this_page)
    return (
        courses.select_related("owner")
        .annotate(
            enrolled=_count(enrolments, per="course"),
            completed=_count(enrolments, per="course", completed_at__isnull=False),
            attempts=_count(attempts, per="enrolment__course"),
            attempts_passed=_count(attempts, per="enrolment__course", passed=True),
            first_attempts=_count(attempts, per="enrolment__course", number=1),
            first_attempts_passed=_count(attempts, per="enrolment__course", number=1, passed=True),
            in_review=Exists(reviews),
            scheduled=Exists(schedules),
        )
        .order_by("title", "pk")
    )


def percent(part: int, whole: int) -> int | None:
    """`part` as a whole percentage of `whole`; None when there is nothing to divide by."""
    return whole_percent(100 * part / whole) if whole else None
