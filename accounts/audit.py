"""The audit trail: who changed whose access, when, and what it was before and after.

Entries are Wagtail's own model log entries (so they also show in the CMS's history of the
object), with a `data` of {"before": ..., "after": ..., "via": ...}. Every service that
changes a membership, a lead's scope, a role, the security policy, an LRS client, a forwarding
endpoint, an identity provider or a provisioning token records one here, in the same
transaction as the change.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from wagtail.models import ModelLogEntry

from accounts.models import User

# Action name -> label shown in the audit trail and the CMS's history filters.
AUDIT_ACTIONS: dict[str, str] = {
    "lms.membership.change": "Membership changed",
    "lms.membership.request": "Membership correction requested",
    "lms.membership.decide": "Membership correction decided",
    "lms.lead_scope.grant": "Department lead scope granted",
    "lms.lead_scope.revoke": "Department lead scope withdrawn",
    "lms.roles.change": "Roles changed",
    "lms.account.deactivate": "Account deactivated",
    "lms.account.reactivate": "Account reactivated",
    "lms.account.create": "Account created",
    "lms.account.email_change": "Account email address changed",
    "lms.learner.erase": "Learning records identity erased",
    "lms.security_policy.change": "Security policy changed",
    "lms.lrs_client.change": "LRS client changed",
    "lms.forwarding_endpoint.change": "Forwarding endpoint changed",
    "lms.identity_provider.change": "Identity provider changed",
    "lms.scim_token.change": "Provisioning token changed",
}


def audit_record(
    *,
    instance: models.Model,
    action: str,
    actor: User | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    via: str = "",
) -> ModelLogEntry:
    """Record one change. `actor` is the signed-in person who made it, or None when an
    authority did (the HR roster, the identity provider, SCIM): `via` then names it."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action: {action}")
    return ModelLogEntry.objects.log_action(
        instance,
        action,
        user=actor if actor is not None and actor.is_authenticated else None,
        data={"before": dict(before or {}), "after": dict(after or {}), "via": via},
    )


def audit_snapshot(instance: models.Model | None, fields: Iterable[str]) -> dict[str, Any]:
    """The fields of a row as plain, JSON-ready text, for an entry's before and after."""
    if instance is None:
        return {}
    snapshot: dict[str, Any] = {}
    for name in fields:
        value = getattr(instance, name)
        if value is not None and not isinstance(value, bool | int | str):
            value = str(value)  # models, dates: their text is what a reader of the trail needs
        snapshot[name] = value
    return snapshot


def audit_entries() -> models.QuerySet[ModelLogEntry]:
    return (
        ModelLogEntry.objects.filter(action__in=AUDIT_ACTIONS)
        .select_related("user", "content_type")
        .order_by("-timestamp", "-pk")
    )
