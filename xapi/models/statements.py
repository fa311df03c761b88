"""Statements, stored whole as JSON, with indexed columns and side tables for every filter."""

from django.db import models


class StatementOrigin(models.TextChoices):
    """Who stored a statement: the platform itself, an LRS client, or a pull from another LRS."""

    PLATFORM = "platform", "This platform"
    CLIENT = "client", "LRS client"
    PULLED = "pulled", "Pulled from another LRS"


class Statement(models.Model):
    # A sequence gives a total order for paging ("more" links) that never skips a statement.
    seq = models.BigAutoField(primary_key=True)
    statement_id = models.UUIDField(unique=True)
    data = models.JSONField(help_text="The statement as stored, with id, stored and authority.")
    verb_id = models.TextField()
    # The statement a StatementRef object points at (voiding, and references between statements).
    object_statement_id = models.UUIDField(null=True, blank=True)
    registration = models.UUIDField(null=True, blank=True)
    timestamp = models.DateTimeField()
    stored = models.DateTimeField()
    voided = models.BooleanField(default=False)
    client = models.ForeignKey(
        "xapi.LrsClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The id of the client that stored it, kept when the client is deleted (the column above
    # then empties): whether a voiding statement came from the client that stored its target
    # must be answered the same way for as long as both are stored.
    client_number = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # Recorded when stored, never read from the statement's own (client-written) JSON: the
    # client column empties when a client is deleted, and a pulled statement names whatever
    # authority the other LRS wrote.
    origin = models.CharField(
        max_length=10, choices=StatementOrigin.choices, default=StatementOrigin.PLATFORM
    )
    # The kinds of authority-claiming evidence (xapi.models.clients.TRUSTED_EVIDENCE) the
    # client was trusted with when it stored this statement. Trust is judged once, at storing,
    # so a statement's standing, and every report built on it, never changes afterwards.
    trusted_evidence = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["verb_id", "seq"], name="xapi_stmt_verb_seq"),
            models.Index(fields=["registration", "seq"], name="xapi_stmt_registration_seq"),
            models.Index(fields=["stored", "seq"], name="xapi_stmt_stored_seq"),
            models.Index(fields=["object_statement_id"], name="xapi_stmt_object_stmt"),
            models.Index(fields=["client", "seq"], name="xapi_stmt_client_seq"),
        ]

    def __str__(self) -> str:
        return str(self.statement_id)


class StatementAgent(models.Model):
    """An agent a statement names. `principal`: the actor or object (the `agent` filter);
    otherwise only related (authority, instructor, team, sub-statement: `related_agents`)."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="agent_refs", db_index=False
    )
    agent_key = models.TextField()
    principal = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["agent_key", "principal", "statement"], name="xapi_agentref_lookup"
            ),
            models.Index(fields=["statement"], name="xapi_agentref_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.agent_key}"


class StatementActivity(models.Model):
    """An activity a statement names. `principal`: the object (the `activity` filter);
    otherwise only related (context activities, sub-statement: `related_activities`)."""

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="activity_refs", db_index=False
    )
    activity_id = models.TextField()
    principal = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(
                fields=["activity_id", "principal", "statement"], name="xapi_activityref_lookup"
            ),
            models.Index(fields=["statement"], name="xapi_activityref_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.activity_id}"


class StatementTargetMatch(models.Model):
    """A verb or registration a statement matches through the statement it targets.

    xAPI lets a statement whose object is a StatementRef match a query when its target does
    (recursively). The target's agents and activities are copied into the two tables above;
    its verb and registration, single columns on Statement, are copied here.
    """

    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, related_name="target_matches", db_index=False
    )
    verb_id = models.TextField()
    registration = models.UUIDField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["verb_id", "statement"], name="xapi_targetmatch_verb"),
            models.Index(fields=["registration", "statement"], name="xapi_targetmatch_reg"),
            models.Index(fields=["statement"], name="xapi_targetmatch_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id} via {self.verb_id}"


class Attachment(models.Model):
    """Attachment content, stored once per SHA-256 and shared by every statement naming it."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    length = models.PositiveBigIntegerField()

    def __str__(self) -> str:
        return self.sha2
