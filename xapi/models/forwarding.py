"""Forwarding to other LRSs through a durable outbox, and resumable pulls from them."""

from django.db import models

from xapi.credentials import password_decrypt, password_encrypt


class ForwardingEndpoint(models.Model):
    class Version(models.TextChoices):
        V1_0_3 = "1.0.3", "xAPI 1.0.3"
        V2_0_0 = "2.0.0", "xAPI 2.0.0"

    name = models.CharField(max_length=100, unique=True)
    url = models.URLField(
        max_length=500, help_text="The LRS base address, e.g. https://lrs.example.gov/xapi/"
    )
    version = models.CharField(max_length=5, choices=Version.choices, default=Version.V1_0_3)
    username = models.CharField(max_length=200, blank=True)
    # The worker must send the password, so it cannot be hashed: it is kept as a Fernet token.
    password_encrypted = models.TextField(blank=True, editable=False)
    enabled = models.BooleanField(default=True)
    batch_size = models.PositiveIntegerField(default=100)
    timeout_seconds = models.PositiveIntegerField(default=10)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Back-off of the whole endpoint: after a failed send it is not called again before
    # `backoff_until`; `failures` counts the failed sends in a row, and a success resets both.
    failures = models.PositiveIntegerField(default=0, editable=False)
    backoff_until = models.DateTimeField(null=True, blank=True, editable=False)
    # When it was last turned off: statements stored since then were not queued for it, and
    # an administrator turning it back on may choose to send them.
    disabled_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_password(self, plain: str) -> None:
        self.password_encrypted = password_encrypt(plain)

    def get_password(self) -> str:
        return password_decrypt(self.password_encrypted)


class OutboxEntry(models.Model):
    """One statement waiting to reach (or sent to) one endpoint; written with the statement."""

    endpoint = models.ForeignKey(
        ForwardingEndpoint, on_delete=models.CASCADE, related_name="outbox"
    )
    statement = models.ForeignKey("xapi.Statement", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    # Refusals of the statement's content (a 4xx other than 401/403/408/429), counted apart from
    # outages so that hours of a peer being down do not use up a statement's chances.
    rejections = models.PositiveIntegerField(default=0)
    # When the entry is next due; while a worker holds it, the end of that worker's lease.
    next_attempt_at = models.DateTimeField()
    # The worker holding the entry (a random token per claim), so a worker renews and records
    # only what is still its own after another worker has taken over an expired lease.
    claimed_by = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set when the peer refused the statement's content too many times: it is no longer sent,
    # and stays listed with its error until someone queues it again.
    given_up_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "outbox entries"
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "statement"], name="xapi_outbox_once")
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                condition=models.Q(sent_at__isnull=True, given_up_at__isnull=True),
                name="xapi_outbox_due",
            )
        ]

    def __str__(self) -> str:
        return f"Outbox entry {self.pk}"


class PullCursor(models.Model):
    """Where a pull from another LRS stopped, so the next run resumes there."""

    endpoint = models.OneToOneField(
        ForwardingEndpoint, on_delete=models.CASCADE, related_name="pull_cursor"
    )
    more_url = models.TextField(blank=True)
    since = models.CharField(max_length=40, blank=True)
    pulled = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Pull from {self.endpoint}"
