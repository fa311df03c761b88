"""cmi5 course structures, registrations and launch sessions."""

import uuid

from django.conf import settings
from django.db import models


class MoveOn(models.TextChoices):
    NOT_APPLICABLE = "NotApplicable"
    PASSED = "Passed"
    COMPLETED = "Completed"
    COMPLETED_AND_PASSED = "CompletedAndPassed"
    COMPLETED_OR_PASSED = "CompletedOrPassed"


class LaunchMode(models.TextChoices):
    NORMAL = "Normal"
    BROWSE = "Browse"
    REVIEW = "Review"


class Course(models.Model):
    """A package's course structure. The platform's activity ids come from `uuid`, never from
    the publisher's ids, so two imports of one course keep separate records (cmi5 8.1.5)."""

    package = models.OneToOneField(
        "packages.Package", on_delete=models.CASCADE, related_name="cmi5_course"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    publisher_id = models.TextField()
    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    # Objectives as the structure defines them: publisher id -> title.
    objectives = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.title


class Block(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="blocks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="sub_blocks"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    publisher_id = models.TextField()
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField()
    objective_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["course", "position"]

    def __str__(self) -> str:
        return self.title or self.publisher_id


class AssignableUnit(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="aus")
    block = models.ForeignKey(
        Block, null=True, blank=True, on_delete=models.CASCADE, related_name="aus"
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    publisher_id = models.TextField()
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    # The AU's place in the course, from 0, in the structure's document order.
    position = models.PositiveIntegerField()
    url = models.TextField()
    move_on = models.CharField(max_length=20, choices=MoveOn.choices)
    mastery_score = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    launch_method = models.CharField(max_length=10, default="AnyWindow")
    launch_parameters = models.TextField(blank=True)
    entitlement_key = models.TextField(blank=True)
    activity_type = models.TextField(blank=True)
    objective_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["course", "position"]
        verbose_name = "assignable unit"
        constraints = [
            models.UniqueConstraint(fields=["course", "position"], name="cmi5_au_position")
        ]

    def __str__(self) -> str:
        return self.title or self.publisher_id


class Registration(models.Model):
    """A learner's enrolment in one course: every session of every AU shares it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="registrations")
    # Empty for a preview: a reviewer's look at a course records nothing about the reviewer.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    preview = models.BooleanField(default=False)
    actor = models.JSONField(help_text="The pseudonymous Agent the AUs see.")
    satisfied_blocks = models.JSONField(default=list, blank=True)
    satisfied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "user"],
                condition=models.Q(preview=False),
                name="cmi5_one_registration_per_learner",
            )
        ]

    def __str__(self) -> str:
        return str(self.uuid)


class AuProgress(models.Model):
    """Where a registration stands in one AU, from the AU's statements and the LMS's waivers."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="progress"
    )
    au = models.ForeignKey(AssignableUnit, on_delete=models.CASCADE, related_name="+")
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)
    waived = models.BooleanField(default=False)
    satisfied = models.BooleanField(default=False)
    score_scaled = models.FloatField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["registration", "au"], name="cmi5_progress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id}/{self.au_id}"


class Session(models.Model):
    """One launch of one AU. Its credentials work from the fetch until it ends."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="sessions"
    )
    au = models.ForeignKey(AssignableUnit, on_delete=models.CASCADE, related_name="+")
    launch_mode = models.CharField(max_length=10, choices=LaunchMode.choices)
    return_url = models.TextField(blank=True)
    launch_url = models.TextField(help_text="The AU's URL, without the launch's parameters.")
    # The one-time fetch URL's secret part; emptied once used.
    fetch_token = models.CharField(max_length=64, blank=True, db_index=True)
    # SHA-256 of the secret handed out by the fetch URL (high-entropy, so a fast hash is safe).
    secret_digest = models.CharField(max_length=64, blank=True)
    launched_at = models.DateTimeField(auto_now_add=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    # The AU must read the learner's preferences before it initializes (cmi5 11.0).
    preferences_read_at = models.DateTimeField(null=True, blank=True)
    initialized_at = models.DateTimeField(null=True, blank=True)
    terminated_at = models.DateTimeField(null=True, blank=True)
    abandoned_at = models.DateTimeField(null=True, blank=True)
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(default=False)
    failed = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["registration", "au"], name="cmi5_session_reg_au")]

    def __str__(self) -> str:
        return str(self.uuid)

    @property
    def is_open(self) -> bool:
        return self.terminated_at is None and self.abandoned_at is None
