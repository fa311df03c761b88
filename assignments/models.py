"""Required training: an assignment of a course or programme to an audience, and the people it
currently reaches, one row per person and recertification cycle (what reminders, dashboards
and compliance reports read)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PERSON = "person", _("One person")
    # Chosen once by the platform (the people below target in a gap row); nobody joins later.
    PEOPLE = "people", _("Selected people")
    TEAM = "team", _("A line manager's team")
    JOB_ROLE = "job_role", _("Everyone in a job role")
    DEPARTMENT = "department", _("Everyone in a department")
    EVERYONE = "everyone", _("Everyone")


# Which field names the members of each audience (everyone: none).
AUDIENCE_FIELDS = {
    Audience.PERSON: "person",
    Audience.PEOPLE: None,
    Audience.TEAM: "team_manager",
    Audience.JOB_ROLE: "job_role",
    Audience.DEPARTMENT: "department",
    Audience.EVERYONE: None,
}


class Assignment(models.Model):
    """A course or programme that an audience is asked to complete by a date."""

    # A live CoursePage or ProgrammePage (checked by assignments.services).
    item = models.ForeignKey("wagtailcore.Page", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A job role alone, or within `department` when both are set.
    job_role = models.ForeignKey(
        "organisations.JobRole", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Sub-departments included.
    department = models.ForeignKey(
        "organisations.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    due_date = models.DateField(help_text=_("When the people in the audience today must be done."))
    joiner_days = models.PositiveIntegerField(
        default=30, help_text=_("People who join the audience later are due this many days after.")
    )
    mandatory = models.BooleanField(default=False)
    reason = models.TextField(help_text=_("Why, in a sentence the learner will see."))
    recurs_months = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Recertification: due again this many months later.")
    )
    window_days = models.PositiveIntegerField(
        default=60,
        help_text=_(
            "For a recurring assignment: how long before each due date a completion counts."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Where it was made from, e.g. {"department": "CRS", "competency": "DA.1"} for a gap row.
    source = models.JSONField(default=dict, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The assignment's activity IRI in statements (contextActivities.grouping) is built from this.
    stable_id = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Assignment {self.pk} of page {self.item_id} to {self.audience}"


class AssignedPerson(models.Model):
    """One person's part in one cycle of an assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="people")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    cycle = models.PositiveIntegerField(default=1)
    assigned_at = models.DateTimeField()
    due_at = models.DateTimeField()
    # A completion counts for this cycle only from this moment (None: any completion counts).
    window_opens_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set when the person left the audience (or the assignment was withdrawn).
    removed_at = models.DateTimeField(null=True, blank=True)
    # Whether the "assigned" statement has been stored yet (a periodic job sends them in bulk).
    statement_sent = models.BooleanField(default=False)
    # For a recurring assignment: completed_at + recurs_months, when the cycle's completion
    # lapses (kept on the row so reports can tell "expired" in SQL without date arithmetic).
    expires_at = models.DateTimeField(null=True, blank=True)
    # Whether the "missed due date" statement has been stored (once per row).
    missed_statement_sent = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "user", "cycle"], name="assigned_once_per_cycle"
            )
        ]
        indexes = [
            models.Index(fields=["user", "removed_at", "due_at"], name="assigned_user_open"),
            models.Index(fields=["assignment", "removed_at"], name="assigned_assignment"),
            models.Index(fields=["due_at", "completed_at"], name="assigned_due"),
            models.Index(
                fields=["statement_sent"],
                name="assigned_statement_pending",
                condition=models.Q(statement_sent=False),
            ),
            models.Index(
                fields=["expires_at"],
                name="assigned_expiring",
                condition=models.Q(expires_at__isnull=False, removed_at__isnull=True),
            ),
            models.Index(
                fields=["due_at"],
                name="assigned_missed_pending",
                condition=models.Q(missed_statement_sent=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in assignment {self.assignment_id}, cycle {self.cycle}"
