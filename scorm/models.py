"""SCORM package structures and learners' attempts with their CMI data."""

import secrets
import uuid

from django.conf import settings
from django.db import models

from packages.models import Package


class ScormPackage(models.Model):
    """What the manifest says about the package as a whole."""

    package = models.OneToOneField(Package, on_delete=models.CASCADE, related_name="scorm")
    version = models.CharField(max_length=8)  # "1.2" or "2004"
    edition = models.CharField(max_length=64, blank=True)
    manifest_identifier = models.CharField(max_length=255, blank=True)
    organization = models.CharField(max_length=255, blank=True)
    # IMS Simple Sequencing controlMode of the organisation (SCORM 1.2: choice and flow).
    choice = models.BooleanField(default=True)
    flow = models.BooleanField(default=False)
    forward_only = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"SCORM {self.version}: {self.package.title}"


class Sco(models.Model):
    """A launchable item of the package, in the order the learner meets it. Assets (no API)
    are kept too, with is_sco False: they count as completed once opened."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="scos")
    # The SCO's activity IRI is built from it; never reused.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    identifier = models.CharField(max_length=255)
    resource_identifier = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    href = models.CharField(max_length=2000)
    position = models.PositiveIntegerField()
    is_sco = models.BooleanField(default=True)
    mastery_score = models.FloatField(null=True, blank=True)
    scaled_passing_score = models.FloatField(null=True, blank=True)
    completion_threshold = models.FloatField(null=True, blank=True)
    launch_data = models.TextField(blank=True)
    max_time_allowed = models.CharField(max_length=64, blank=True)
    time_limit_action = models.CharField(max_length=64, blank=True)
    objective_ids = models.JSONField(default=list, blank=True)
    counts_for_completion = models.BooleanField(default=True)
    counts_for_success = models.BooleanField(default=True)
    # SCORM 2004 sequencing read from the manifest (scorm/sequencing.py evaluates it).
    primary_objective = models.CharField(max_length=255, blank=True)
    objective_maps = models.JSONField(default=dict, blank=True)
    preconditions = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["package", "position"]
        constraints = [
            models.UniqueConstraint(fields=["package", "identifier"], name="scorm_sco_identifier"),
            models.UniqueConstraint(fields=["package", "position"], name="scorm_sco_position"),
        ]

    def __str__(self) -> str:
        return self.title


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Attempt(models.Model):
    """One learner's go at a package; a new one starts when the last was completed or passed
    and the learner comes back. Its uuid is the statements' registration."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scorm_attempts"
    )
    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="scorm_attempts")
    number = models.PositiveIntegerField()
    # Authenticates the player and its commits on the content origin, which never sees the
    # learner's session cookie.
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    return_url = models.CharField(max_length=2000, blank=True)
    current_sco = models.ForeignKey(Sco, null=True, blank=True, on_delete=models.SET_NULL)
    # The package's rolled-up result, as last reported in statements and package_outcome.
    completed = models.BooleanField(default=False)
    passed = models.BooleanField(null=True, blank=True)
    score_scaled = models.FloatField(null=True, blank=True)
    duration_seconds = models.FloatField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["package", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "package", "number"], name="scorm_attempt_number"
            ),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.number} of {self.package_id} by {self.user_id}"

    @property
    def finished(self) -> bool:
        return self.completed or self.passed is True


class ScoState(models.Model):
    """A SCO's CMI data in an attempt: the JSON as the runtime last committed it, plus the
    columns rollup and reports read."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="states")
    sco = models.ForeignKey(Sco, on_delete=models.CASCADE, related_name="+")
    cmi = models.JSONField(default=dict)
    # SCORM 2004 terms; a 1.2 lesson_status is split into them when stored.
    completion_status = models.CharField(max_length=16, default="not attempted")
    success_status = models.CharField(max_length=16, default="unknown")
    score_scaled = models.FloatField(null=True, blank=True)
    total_seconds = models.FloatField(default=0)
    # Time before the session that is running now; a commit's session_time adds to it.
    session_base_seconds = models.FloatField(default=0)
    exit = models.CharField(max_length=16, blank=True)
    commits = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["attempt", "sco__position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "sco"], name="scorm_state_sco"),
        ]

    def __str__(self) -> str:
        return f"{self.sco} in attempt {self.attempt_id}"

    @property
    def completed(self) -> bool:
        return self.completion_status == "completed"
