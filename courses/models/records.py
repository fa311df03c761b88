"""What learners do: enrolments, lesson completions, knowledge-check attempts, certificates and
learning plans."""

import secrets
import uuid

from django.conf import settings
from django.db import models


class CurrentEnrolments(models.Manager):
    """Each person's current attempt at each course: what every page, report and rule reads
    as "the" enrolment. Attempts a retake superseded keep their records (completion, lessons,
    checks, certificate) and are reached through `Enrolment.all_attempts`."""

    def get_queryset(self):
        return super().get_queryset().filter(superseded_at__isnull=True)


class Enrolment(models.Model):
    """One attempt at a course. A person has at most one current attempt per course; taking a
    completed course again supersedes it and starts another (a new xAPI registration).

    `objects` (the default manager, and so `user.enrolments` and `course.enrolments`) sees
    current attempts only. Following a foreign key to an enrolment (`certificate.enrolment`),
    refreshing one and deleting a person or course use the plain base manager, which sees
    every attempt, so an old certificate still names its enrolment and nothing is orphaned."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        "courses.CoursePage", on_delete=models.CASCADE, related_name="enrolments"
    )
    # xAPI context.registration: ties every statement of this enrolment together.
    registration = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrolled_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_lesson = models.ForeignKey(
        "courses.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the person took the course again: this attempt is history from then on.
    superseded_at = models.DateTimeField(null=True, blank=True)

    # Every attempt, superseded ones included (`attempts` names an enrolment's knowledge checks).
    all_attempts = models.Manager()
    # The default manager (Meta.default_manager_name): current attempts only.
    objects = CurrentEnrolments()

    class Meta:
        default_manager_name = "objects"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course"],
                condition=models.Q(superseded_at__isnull=True),
                name="enrol_once",
            )
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.course_id}"


class LessonVisit(models.Model):
    """The first time a learner opened a lesson (recorded once as "experienced")."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="visits")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    first_visited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="visit_lesson_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class LessonCompletion(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="completions")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(auto_now_add=True)
    # How it was completed: by passing its check, by a placement check, or by reading it.
    via = models.CharField(max_length=20, default="check")

    class Meta:
        # Two tabs completing the same lesson at once still make one completion.
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="complete_lesson_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id}"


class KnowledgeCheckAttempt(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    answers = models.JSONField(help_text="Question id -> chosen option ids.")
    correct = models.PositiveIntegerField()
    total = models.PositiveIntegerField()
    passed = models.BooleanField()
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson", "number"], name="attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id} #{self.number}"


# Crockford's base32 without 0 and 1: none of I, L, O, U, 0 or 1, the characters people read
# or type one for another. A reference is 16 of them in groups of 4 (about 78 random bits).
CERTIFICATE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CERTIFICATE_GROUPS = 4


def _certificate_code() -> str:
    characters = "".join(
        secrets.choice(CERTIFICATE_ALPHABET) for _ in range(4 * CERTIFICATE_GROUPS)
    )
    return "-".join(characters[i : i + 4] for i in range(0, len(characters), 4))


def certificate_reference_normalise(text: str) -> str | None:
    """A reference as typed or read aloud (any case, spaces or dashes anywhere) in its stored
    form, or None when it cannot be one. References issued before this form existed are
    looked up exactly as they were issued."""
    separators = "-_.\u2010\u2011\u2012\u2013\u2014"
    compact = "".join(ch for ch in text.upper() if not (ch.isspace() or ch in separators))
    if len(compact) != 4 * CERTIFICATE_GROUPS or not set(compact) <= set(CERTIFICATE_ALPHABET):
        return None
    return "-".join(compact[i : i + 4] for i in range(0, len(compact), 4))


class Certificate(models.Model):
    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="certificate"
    )
    code = models.CharField(max_length=32, unique=True, default=_certificate_code, editable=False)
    issued_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class LearningPlanItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_items"
    )
    course = models.ForeignKey("courses.CoursePage", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "position"]
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="plan_course_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.course_id} at {self.position}"


class PackageEvidence(models.Model):
    """The evidence statement recorded when a learner first passed a lesson's course package:
    one per enrolment and lesson, however often the package reports the pass."""

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="package_evidence"
    )
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    package = models.ForeignKey("packages.Package", on_delete=models.CASCADE, related_name="+")
    statement_id = models.UUIDField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="package_evidence_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_id} ({self.package_id})"
