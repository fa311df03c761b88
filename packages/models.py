"""A bought-in package as the platform keeps it: what kind it is, where its files are, and who
brought it in. The kind's own structure (cmi5 AUs, SCORM SCOs) lives in the cmi5 and scorm apps."""

import uuid

from django.conf import settings
from django.db import models


class Package(models.Model):
    class Kind(models.TextChoices):
        CMI5 = "cmi5", "cmi5"
        SCORM_12 = "scorm12", "SCORM 1.2"
        SCORM_2004 = "scorm2004", "SCORM 2004"

    # Names the package's folder on the content origin and in storage; never reused.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    attribution = models.TextField(
        blank=True, help_text="Who made the package and under which licence it is used."
    )
    # Blank for a standalone cmi5.xml whose AUs live elsewhere (fully qualified URLs).
    content_root = models.CharField(max_length=64, blank=True, editable=False)
    file_count = models.PositiveIntegerField(default=0, editable=False)
    unpacked_bytes = models.PositiveBigIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_kind_display()})"
