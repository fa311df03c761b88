"""Provisioning tokens, and SCIM's own record of the people and groups it provisions."""

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    USERS_READ = "users:read", _("Read people")
    USERS_WRITE = "users:write", _("Create, change and deprovision people")
    GROUPS_READ = "groups:read", _("Read groups")
    GROUPS_WRITE = "groups:write", _("Create and change groups and their members (roles)")


def token_digest(token: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so one SHA-256 is enough and
    lets a request find its token with one indexed lookup (no slow password hash needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ProvisioningTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at=None)


class ProvisioningToken(models.Model):
    """A bearer token an administrator gave an identity provider. Only its hash is kept."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text=_("Who uses it, for example 'Entra ID (production)'."),
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ProvisioningTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("SCIM provisioning token")

    def __str__(self) -> str:
        return self.name


class ProvisionedUser(models.Model):
    """A person as SCIM knows them: their SCIM id, userName and externalId. A deleted record
    is kept (deleted_at) so the account and its learning records stay, hidden from SCIM."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_record"
    )
    scim_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    user_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            # userName is case-insensitive (RFC 7643 §4.1.1); unique among records in use.
            models.UniqueConstraint(
                Lower("user_name"),
                condition=models.Q(deleted_at=None),
                name="one_live_scim_user_per_user_name",
            )
        ]

    def __str__(self) -> str:
        return self.user_name


class ProvisionedGroup(models.Model):
    """A Django group as SCIM knows it. The groups named for the platform's roles give their
    members that role; any other group is a plain group an administrator may give permissions."""

    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="scim_record")
    scim_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    external_id = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.group.name
