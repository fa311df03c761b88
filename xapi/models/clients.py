"""LRS clients: Basic-auth key and secret (stored hashed) with scopes, and the evidence an
administrator trusts them to send."""

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils.translation import gettext_lazy as _

SCOPES = (
    ("all", _("Everything")),
    ("all/read", _("Read everything")),
    ("statements/write", _("Write statements")),
    ("statements/read", _("Read all statements")),
    ("statements/read/mine", _("Read the statements this client wrote")),
    ("state", _("Read and write state documents")),
    ("define", _("Define activities")),
    ("profile", _("Read and write profile documents")),
)
SCOPE_NAMES = {name for name, _label in SCOPES}

# Evidence that claims an authority the sender must hold: a line manager's validation, or an
# assessor's judgement (a knowledge check passed at a level). The platform's own statements
# carry both; a client carries only those an administrator trusts it with.
TRUSTED_EVIDENCE = (
    ("validation", _("Manager validations")),
    ("assessment", _("Assessed levels (knowledge checks passed at a level)")),
)
TRUSTED_EVIDENCE_NAMES = frozenset(name for name, _label in TRUSTED_EVIDENCE)


class LrsClient(models.Model):
    name = models.CharField(max_length=100, unique=True)
    key = models.CharField(max_length=100, unique=True, help_text=_("The Basic-auth user name."))
    secret_hash = models.CharField(max_length=256, editable=False)
    scopes = models.JSONField(default=list, help_text="Scope names, e.g. all or statements/write.")
    trusted_evidence = models.JSONField(
        default=list,
        blank=True,
        help_text="Kinds of evidence that claim authority which this client may send: "
        "validation, assessment. Such statements from a client not trusted for them are stored "
        "but are not evidence of a level.",
    )
    is_active = models.BooleanField(default=True)
    last_version = models.CharField(
        max_length=5,
        default="2.0.0",
        editable=False,
        help_text="The xAPI version this client last used; errors to requests that name no "
        "version are answered in it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "LRS client"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def set_secret(self, secret: str) -> None:
        self.secret_hash = make_password(secret)

    def check_secret(self, secret: str) -> bool:
        return check_password(secret, self.secret_hash)

    @property
    def authority(self) -> dict:
        """The Agent recorded as the authority of every statement this client sends."""
        return {
            "objectType": "Agent",
            "name": self.name,
            "account": {"homePage": settings.SITE_URL, "name": f"lrs-client/{self.key}"},
        }

    def allows(self, *scopes: str) -> bool:
        held = set(self.scopes)
        return "all" in held or bool(held & set(scopes))
