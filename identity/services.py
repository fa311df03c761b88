"""Writes for identity providers: created or changed (from the CMS or the environment), audited."""

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.audit import audit_record, audit_snapshot
from accounts.models import User
from identity.models import IdentityProvider
from identity.oidc import client_secret_decrypt, client_secret_encrypt

# Everything but the client secret, which the trail only says was changed.
AUDITED_FIELDS = (
    "slug",
    "name",
    "protocol",
    "enabled",
    "issuer_url",
    "client_id",
    "metadata_url",
    "entity_id",
    "sso_url",
    "email_domains",
    "email_claim",
    "given_name_claim",
    "family_name_claim",
    "department_claim",
    "job_role_claim",
    "line_manager_claim",
    "employee_number_claim",
    "trusted_mfa_values",
)
# Fields an environment entry may set; the client secret comes in as plain text beside them.
CONFIGURABLE_FIELDS = frozenset(AUDITED_FIELDS) | {"x509_certificate"}


def identity_provider_snapshot(provider: IdentityProvider | None) -> dict[str, Any]:
    if provider is None:
        return {}
    snapshot = audit_snapshot(provider, AUDITED_FIELDS)
    certificate = provider.x509_certificate.strip()
    # A fingerprint says which certificate was trusted without copying it into the trail.
    snapshot["x509_certificate_sha256"] = (
        hashlib.sha256(certificate.encode()).hexdigest() if certificate else ""
    )
    snapshot["client_secret"] = "set" if provider.client_secret_encrypted else "not set"
    return snapshot


def identity_provider_audit(
    *,
    provider: IdentityProvider,
    before: Mapping[str, Any],
    actor: User | None = None,
    via: str = "",
    secret_changed: bool = False,
    deleted: bool = False,
) -> None:
    """One trail entry for a change; nothing when nothing changed. Never the secret itself."""
    after = {} if deleted else identity_provider_snapshot(provider)
    if secret_changed and not deleted:
        after["client_secret"] = "changed"  # noqa: S105 (a word for the trail)
    if not deleted and before == after:
        return
    audit_record(
        instance=provider,
        action="lms.identity_provider.change",
        actor=actor,
        before=before,
        after=after,
        via=via,
    )


@transaction.atomic
def identity_provider_upsert(
    *,
    slug: str,
    values: Mapping[str, Any],
    client_secret: str | None = None,
    actor: User | None = None,
    via: str = "",
) -> IdentityProvider:
    """Create the provider named by `slug` or bring it in line with `values` (idempotent).
    A `client_secret` of None keeps the stored one. Raises ValidationError on bad values."""
    unknown = set(values) - CONFIGURABLE_FIELDS
    if unknown:
        raise ValueError(f"Unknown identity provider settings: {', '.join(sorted(unknown))}")
    provider = IdentityProvider.objects.filter(slug=slug).first()
    before = identity_provider_snapshot(provider)
    provider = provider or IdentityProvider(slug=slug)
    for name, value in values.items():
        setattr(provider, name, value)
    secret_changed = client_secret is not None and client_secret != client_secret_decrypt(
        provider.client_secret_encrypted
    )
    if secret_changed:
        provider.client_secret_encrypted = client_secret_encrypt(client_secret)
    provider.full_clean()
    provider.save()
    identity_provider_audit(
        provider=provider, before=before, actor=actor, via=via, secret_changed=secret_changed
    )
    return provider


class ConfigurationError(ValueError):
    """An identity provider entry from the environment is malformed; the message says where."""


@transaction.atomic
def identity_providers_configure(*, text: str, via: str = "environment") -> list[IdentityProvider]:
    """Create or update providers from a JSON list of entries (IDENTITY_PROVIDERS_JSON):
    {"slug": ..., "name": ..., "protocol": ..., "client_secret": ..., <other fields>}.
    All or nothing: one bad entry writes none of them."""
    try:
        entries = json.loads(text)
    except json.JSONDecodeError as problem:
        raise ConfigurationError(f"Identity providers: not valid JSON ({problem}).") from None
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ConfigurationError("Identity providers: give a JSON list of objects.")
    providers = []
    for number, entry in enumerate(entries, start=1):
        values = dict(entry)
        slug = str(values.pop("slug", "")).strip()
        secret = values.pop("client_secret", None)
        where = f"Identity provider {number} ({slug or 'no slug'})"
        if not slug:
            raise ConfigurationError(f"{where}: give a slug.")
        try:
            providers.append(
                identity_provider_upsert(slug=slug, values=values, client_secret=secret, via=via)
            )
        except ValidationError as problem:
            details = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in problem.message_dict.items()
            )
            raise ConfigurationError(f"{where}: {details}") from None
        except ValueError as problem:
            raise ConfigurationError(f"{where}: {problem}") from None
    return providers
