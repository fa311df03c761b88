"""Writes for the LRS. `statements_store` is the one path every statement takes, whether it
arrives over HTTP, from a pull, or from the LMS itself."""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record, audit_snapshot
from accounts.models import User
from lms.bulk_insert import insert_numbered_rows, insert_rows
from xapi.agents import statement_activity_refs, statement_agent_refs
from xapi.comparison import statements_equivalent
from xapi.models import (
    Activity,
    Attachment,
    ForwardingEndpoint,
    LrsClient,
    OutboxEntry,
    Statement,
    StatementActivity,
    StatementAgent,
    StatementOrigin,
)
from xapi.models.clients import TRUSTED_EVIDENCE_NAMES
from xapi.signals import statements_stored
from xapi.signatures import SIGNATURE_USAGE, check_signature
from xapi.targeting import inherit_target_matches
from xapi.validation import XapiValidationError, validate_statement
from xapi.validation.primitives import parse_timestamp
from xapi.vocab import VERB_VOIDED


class StatementConflict(Exception):
    """A statement id is already stored with different content (HTTP 409)."""


@dataclass(frozen=True)
class AttachmentPart:
    """Raw attachment content that arrived beside the statements (multipart/mixed)."""

    sha2: str
    content_type: str
    content: bytes


def statements_store(
    *,
    statements: Sequence[dict],
    client: LrsClient | None,
    version: str = "1.0.3",
    attachments: Mapping[str, AttachmentPart] | None = None,
    authority: dict | None = None,
    source_endpoint_id: int | None = None,
) -> list[str]:
    """Validate and store statements, all or none; returns their ids in order.

    A statement whose id is already stored with the same content is accepted without change;
    with different content it raises StatementConflict. Every stored statement is queued for
    each enabled forwarding endpoint in the same transaction, except the endpoint it was
    pulled from (`source_endpoint_id`), so that nothing is sent back where it came from.

    Each row records who stored it: the client, a pull, or (neither given) the platform itself,
    with the evidence the client was trusted to send at this moment.
    """
    attachments = dict(attachments or {})
    for index, statement in enumerate(statements):
        validate_statement(statement, version=version)
        _check_attachments(statement, attachments, f"statements[{index}]")
    ids = [str(s.get("id") or uuid.uuid4()).lower() for s in statements]
    if len(set(ids)) != len(ids):
        raise XapiValidationError("two statements in one request share an id", "statements")
    referenced = {a["sha2"] for s in statements for a in s.get("attachments", [])}
    unused = sorted(set(attachments) - referenced)
    if unused:
        raise XapiValidationError(
            f"attachment parts match no statement's attachments: {', '.join(unused)}",
            "attachments",
        )

    stored_at = timezone.now()
    authority = authority or (client.authority if client else None)
    with transaction.atomic():
        existing = {
            str(row.statement_id): row
            for row in Statement.objects.filter(statement_id__in=ids).only("statement_id", "data")
        }
        fresh = []
        for statement_id, statement in zip(ids, statements, strict=True):
            if statement_id in existing:
                if not statements_equivalent(existing[statement_id].data, statement):
                    raise StatementConflict(
                        f"statement {statement_id} is already stored with different content"
                    )
                continue
            fresh.append(_prepared(statement, statement_id, stored_at, authority, version))
        if fresh:
            _insert(
                fresh,
                client=client,
                pulled=source_endpoint_id is not None,
                attachments=attachments,
                skip_endpoint_id=source_endpoint_id,
            )
    return ids


def _prepared(
    statement: dict, statement_id: str, stored_at: datetime, authority: dict | None, version: str
) -> dict:
    prepared = _context_activities_as_lists(dict(statement))
    prepared["id"] = statement_id
    prepared["stored"] = _iso(stored_at)
    prepared.setdefault("timestamp", prepared["stored"])
    if authority is not None:
        prepared["authority"] = authority
    prepared.setdefault("version", "2.0.0" if version.startswith("2.") else "1.0.0")
    return prepared


def _context_activities_as_lists(statement: dict) -> dict:
    """Store every contextActivities value as an array, as the LRS must return them."""
    for node in (statement, statement.get("object", {})):
        context = node.get("context")
        if isinstance(context, dict) and isinstance(context.get("contextActivities"), dict):
            activities = context["contextActivities"]
            node["context"] = {
                **context,
                "contextActivities": {
                    k: v if isinstance(v, list) else [v] for k, v in activities.items()
                },
            }
    return statement


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _insert(
    prepared: list[dict],
    *,
    client: LrsClient | None,
    pulled: bool,
    attachments: dict[str, AttachmentPart],
    skip_endpoint_id: int | None,
) -> None:
    if client is not None:
        origin, trusted = StatementOrigin.CLIENT, sorted(client.trusted_evidence)
    else:
        origin, trusted = (StatementOrigin.PULLED if pulled else StatementOrigin.PLATFORM), []
    rows = []
    for data in prepared:
        target = data["object"]
        registration = data.get("context", {}).get("registration")
        rows.append(
            Statement(
                statement_id=data["id"],
                data=data,
                verb_id=data["verb"]["id"],
                object_statement_id=(
                    target["id"] if target.get("objectType") == "StatementRef" else None
                ),
                registration=registration,
                timestamp=parse_timestamp(data["timestamp"], "timestamp"),
                stored=parse_timestamp(data["stored"], "stored"),
                client=client,
                client_number=client.pk if client is not None else None,
                origin=origin,
                trusted_evidence=trusted,
            )
        )
    _insert_statements(rows)
    for model, reference, references_of in (
        (StatementAgent, "agent_key", statement_agent_refs),
        (StatementActivity, "activity_id", statement_activity_refs),
    ):
        insert_rows(
            model,
            ("statement", reference, "principal"),
            (
                (row.seq, key, principal)
                for row in rows
                for key, principal in references_of(row.data).items()
            ),
        )
    _apply_voiding(rows)
    inherit_target_matches(rows)
    _store_attachments(attachments)
    _update_activity_definitions(prepared)
    _enqueue(rows, skip_endpoint_id=skip_endpoint_id)
    # Listeners (the reporting projection) run inside this transaction: a statement and what
    # is derived from it are stored together, or not at all.
    statements_stored.send(sender=Statement, rows=rows)


STATEMENT_COLUMNS = (
    "statement_id",
    "data",
    "verb_id",
    "object_statement_id",
    "registration",
    "timestamp",
    "stored",
    "voided",
    "client",
    "client_number",
    "origin",
    "trusted_evidence",
)


def _insert_statements(rows: list[Statement]) -> None:
    """Insert the new rows and give each its sequence number, as bulk_create would."""
    values = [
        tuple(getattr(row, "client_id" if name == "client" else name) for name in STATEMENT_COLUMNS)
        for row in rows
    ]
    for row, seq in zip(
        rows, insert_numbered_rows(Statement, STATEMENT_COLUMNS, values), strict=True
    ):
        row.seq = seq
        row._state.adding, row._state.db = False, Statement.objects.db


def _apply_voiding(rows: list[Statement]) -> None:
    """Void the targets of voiding statements, and new statements already targeted by one.

    A voiding statement itself is never voided, whatever targets it.
    """
    voiding_targets = [row.object_statement_id for row in rows if row.verb_id == VERB_VOIDED]
    if voiding_targets:
        Statement.objects.filter(statement_id__in=voiding_targets).exclude(
            verb_id=VERB_VOIDED
        ).update(voided=True)
    new_ids = [row.statement_id for row in rows if row.verb_id != VERB_VOIDED]
    already_targeted = Statement.objects.filter(
        verb_id=VERB_VOIDED, object_statement_id__in=new_ids
    ).values_list("object_statement_id", flat=True)
    if new_ids and already_targeted:
        Statement.objects.filter(statement_id__in=list(already_targeted)).update(voided=True)


def _store_attachments(attachments: dict[str, AttachmentPart]) -> None:
    if not attachments:
        return
    known = set(Attachment.objects.filter(sha2__in=attachments).values_list("sha2", flat=True))
    Attachment.objects.bulk_create(
        [
            Attachment(
                sha2=part.sha2,
                content_type=part.content_type,
                content=part.content,
                length=len(part.content),
            )
            for sha2, part in attachments.items()
            if sha2 not in known
        ]
    )


def _update_activity_definitions(prepared: list[dict]) -> None:
    """Keep the latest definition of each activity, merging language maps (canonical data)."""
    definitions: dict[str, dict] = {}
    for data in prepared:
        for activity in _activities_with_definitions(data):
            merged = definitions.setdefault(activity["id"], {})
            _merge_definition(merged, activity["definition"])
    if not definitions:
        return
    ids = sorted(definitions)
    # Two requests may define the same new activity at once: create what is missing without
    # failing on the other's row, then merge under row locks taken in a fixed order (so
    # concurrent merges cannot deadlock).
    known = set(Activity.objects.filter(activity_id__in=ids).values_list("activity_id", flat=True))
    Activity.objects.bulk_create(
        [Activity(activity_id=i, definition=definitions[i]) for i in ids if i not in known],
        ignore_conflicts=True,
    )
    if not known:
        return
    locked = Activity.objects.select_for_update().filter(activity_id__in=sorted(known))
    for activity in locked.order_by("activity_id"):
        merged = dict(activity.definition)
        _merge_definition(merged, definitions[activity.activity_id])
        if merged != activity.definition:
            activity.definition = merged
            activity.save(update_fields=["definition", "updated"])


def _activities_with_definitions(data: dict):
    def visit(activity):
        if (
            isinstance(activity, dict)
            and activity.get("objectType", "Activity") == "Activity"
            and activity.get("definition")
        ):
            yield activity

    def context(ctx):
        for value in (ctx.get("contextActivities") or {}).values():
            for activity in value if isinstance(value, list) else [value]:
                yield from visit(activity)

    target = data["object"]
    yield from visit(target)
    yield from context(data.get("context", {}))
    if target.get("objectType") == "SubStatement":
        yield from visit(target["object"])
        yield from context(target.get("context", {}))


def _merge_definition(into: dict, definition: dict) -> None:
    for key, value in definition.items():
        if key in ("name", "description") and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value


def _enqueue(rows: list[Statement], *, skip_endpoint_id: int | None) -> None:
    endpoints = ForwardingEndpoint.objects.filter(enabled=True).exclude(pk=skip_endpoint_id)
    endpoint_ids = list(endpoints.values_list("pk", flat=True))
    if not endpoint_ids:
        return
    now = timezone.now()
    OutboxEntry.objects.bulk_create(
        [
            OutboxEntry(endpoint_id=endpoint_id, statement=row, next_attempt_at=now)
            for row in rows
            for endpoint_id in endpoint_ids
        ]
    )


def _check_attachments(statement: dict, parts: dict[str, AttachmentPart], path: str) -> None:
    """Attachments without a fileUrl must arrive as parts; signatures must verify."""
    declared = list(statement.get("attachments", []))
    target = statement.get("object", {})
    if target.get("objectType") == "SubStatement":
        declared += target.get("attachments", [])
    for index, attachment in enumerate(statement.get("attachments", [])):
        where = f"{path}.attachments[{index}]"
        part = parts.get(attachment["sha2"])
        if part is None and "fileUrl" not in attachment:
            raise XapiValidationError(
                "has no fileUrl and no attachment part with this sha2 was sent", where
            )
        if attachment["usageType"] == SIGNATURE_USAGE:
            if part is None:
                raise XapiValidationError("a signature must be sent as an attachment part", where)
            check_signature(statement, attachment, part.content, where)


def lrs_client_snapshot(client: LrsClient | None) -> dict:
    """What the audit trail keeps of a client: never its secret or the secret's hash."""
    if client is None:
        return {}
    return {
        **audit_snapshot(client, ("name", "key")),
        "scopes": [str(scope) for scope in client.scopes],
        "trusted_evidence": [str(kind) for kind in client.trusted_evidence],
        "is_active": client.is_active,
    }


def lrs_client_audit(
    *,
    client: LrsClient,
    before: dict,
    actor: User | None = None,
    via: str = "",
    secret_changed: bool = False,
    deleted: bool = False,
) -> None:
    """Record a change to a client made here or in the CMS, if anything changed."""
    after = {} if deleted else lrs_client_snapshot(client)
    if secret_changed:
        after["secret_changed"] = True  # that it changed, never what it is
    if after != before:
        audit_record(
            instance=client,
            action="lms.lrs_client.change",
            actor=actor,
            before=before,
            after=after,
            via=via,
        )


@transaction.atomic
def lrs_client_upsert(
    *,
    name: str,
    key: str,
    secret: str,
    scopes: Sequence[str],
    trusted_evidence: Sequence[str] | None = None,
    actor: User | None = None,
    via: str = "",
) -> tuple[LrsClient, bool]:
    """Create an LRS client, or update the one with this name (idempotent on name).
    `trusted_evidence` None keeps an existing client's trust (none for a new one). Audited."""
    if not key or ":" in key:
        raise ValueError("The key must be non-empty and contain no colon.")
    if len(secret) < 8:
        raise ValueError("The secret must be at least 8 characters long.")
    unknown = set(trusted_evidence or ()) - TRUSTED_EVIDENCE_NAMES
    if unknown:
        raise ValueError(f"Unknown kinds of trusted evidence: {', '.join(sorted(unknown))}.")
    client = LrsClient.objects.filter(name=name).first()
    created = client is None
    before = lrs_client_snapshot(client)
    if created:
        client = LrsClient(name=name)
    secret_changed = created or not client.check_secret(secret)
    client.key, client.scopes, client.is_active = key, list(scopes), True
    if trusted_evidence is not None:
        client.trusted_evidence = sorted(set(trusted_evidence))
    if secret_changed:
        client.set_secret(secret)
    client.full_clean()
    client.save()
    lrs_client_audit(
        client=client, before=before, actor=actor, via=via, secret_changed=secret_changed
    )
    return client, created
