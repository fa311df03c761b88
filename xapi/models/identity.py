"""The pseudonym a person appears under in learning records."""

import uuid

from django.conf import settings
from django.db import models


class LearnerIdentity(models.Model):
    """Maps a person to the opaque account name used as their xAPI actor.

    Statements never carry a name or an email. Deleting this row (when a person is erased)
    leaves their statements intact but no longer linkable to them.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="learner_identity",
    )
    account_name = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.account_name)
