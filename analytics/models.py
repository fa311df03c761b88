"""The reporting store: evidence projected from statements, and each person's current level."""

from django.db import models

from competencies.proficiency import Source

# The store's keys are not foreign-key constraints in the database (db_constraint=False). A
# rebuild on PostgreSQL replaces the store's tables, and dropping a table with foreign keys
# locks every table they refer to outright (its checking triggers go), which would stop every
# read of learner identities and deadlock with statements being stored. The keys still hold:
# the projection only writes evidence of people and competencies it has just joined against,
# and deleting a person or a competency deletes their rows here (Django cascades it).


class Evidence(models.Model):
    """One piece of evidence of a person's level in a competency, from one statement."""

    # Indexed by evidence_learner_comp below, which starts with it.
    learner = models.ForeignKey(
        "xapi.LearnerIdentity",
        on_delete=models.CASCADE,
        related_name="evidence",
        db_index=False,
        db_constraint=False,
    )
    # No index of its own: evidence is read by person, and deleting a competency (rare, and
    # one statement for all its evidence) can afford a scan; every write of evidence could not
    # afford the upkeep.
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        related_name="evidence",
        db_index=False,
        db_constraint=False,
    )
    # None only for a self-assessment answered "I don't know".
    level = models.PositiveSmallIntegerField(null=True)
    source = models.CharField(max_length=30, choices=[(s.value, s.value) for s in Source])
    occurred_at = models.DateTimeField()
    statement_id = models.UUIDField()

    class Meta:
        indexes = [
            models.Index(fields=["learner", "competency"], name="evidence_learner_comp"),
            models.Index(fields=["statement_id"], name="evidence_statement"),
        ]
        permissions = [
            ("view_department_report", "Can see skill-gap reports for their own department"),
            ("view_all_reports", "Can see skill-gap reports for every department"),
        ]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.competency_id} {self.source} {self.level}"


class Proficiency(models.Model):
    """A person's levels in one competency by source, and the one reports use."""

    # Both keys are indexed by proficiency_once and proficiency_comp_level, which start with
    # them; separate indexes would only slow every write.
    learner = models.ForeignKey(
        "xapi.LearnerIdentity",
        on_delete=models.CASCADE,
        related_name="proficiencies",
        db_index=False,
        db_constraint=False,
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        on_delete=models.CASCADE,
        related_name="proficiencies",
        db_index=False,
        db_constraint=False,
    )
    assessed_level = models.PositiveSmallIntegerField(null=True)
    completion_level = models.PositiveSmallIntegerField(null=True)
    self_level = models.PositiveSmallIntegerField(null=True)
    level = models.PositiveSmallIntegerField(null=True)
    source = models.CharField(max_length=30, blank=True)
    # When the evidence behind `level` was recorded: older than ANALYTICS_STALE_AFTER_DAYS
    # makes it stale in reports.
    evidence_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "competency"], name="proficiency_once")
        ]
        indexes = [models.Index(fields=["competency", "level"], name="proficiency_comp_level")]

    def __str__(self) -> str:
        return f"{self.learner_id} {self.competency_id} = {self.level}"


class GapSnapshot(models.Model):
    """Department x competency figures as they stood at the end of a month, for trends."""

    month = models.DateField(help_text="The first day of the month the figures close.")
    department = models.CharField(max_length=20)
    competency = models.CharField(max_length=20)
    people = models.PositiveIntegerField()
    known = models.PositiveIntegerField()
    meeting = models.PositiveIntegerField()
    below = models.PositiveIntegerField()
    gap_total = models.FloatField(help_text="Sum of the known gaps, for mean gaps over groups.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "department", "competency"], name="snapshot_once"
            )
        ]
        indexes = [models.Index(fields=["department", "month"], name="snapshot_department")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department} {self.competency}"
