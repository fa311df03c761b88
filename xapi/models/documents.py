"""The document resources (state, activity profile, agent profile) and activity definitions."""

from django.db import models


class Document(models.Model):
    class Kind(models.TextChoices):
        STATE = "state", "State"
        ACTIVITY_PROFILE = "activity_profile", "Activity profile"
        AGENT_PROFILE = "agent_profile", "Agent profile"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Parts of the key that a kind does not use are empty strings, never NULL, so that the
    # unique constraint holds on every database.
    activity_id = models.TextField(blank=True, default="")
    agent_key = models.TextField(blank=True, default="")
    registration = models.CharField(max_length=36, blank=True, default="")
    document_id = models.TextField()
    content = models.BinaryField()
    content_type = models.CharField(max_length=255)
    etag = models.CharField(max_length=64)
    updated = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "activity_id", "agent_key", "registration", "document_id"],
                name="xapi_document_unique_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["kind", "activity_id", "agent_key", "registration", "updated"],
                name="xapi_document_listing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}"


class Activity(models.Model):
    """The LRS's canonical definition of an activity, merged from the statements it receives."""

    activity_id = models.TextField(unique=True)
    definition = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.activity_id
