"""The LMS as an xAPI client: tincan statements recorded through the LRS's own write path."""

import copy
import json
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from tincan import Statement, Verb
from tincan.serializable_base import SerializableBase

from xapi.agents import agent_key
from xapi.identity import site_authority
from xapi.services import statements_store
from xapi.validation import XapiValidationError
from xapi.vocab import verb_display

# tincan 1.0.0 speaks xAPI 1.0.0 to 1.0.3 only, and stamps "version": "1.0.3" on what it writes.
XAPI_VERSION = "1.0.3"
# Namespace of the LMS's deterministic statement ids. Never change it: every id derives from it.
STATEMENT_ID_NAMESPACE = uuid.UUID("4c6b3494-9cd9-4e63-98de-04e5da985c4c")
_AGENT_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
# Statements recorded inside `statements_batched`, waiting to be stored (None outside it).
_batched: ContextVar[dict | None] = ContextVar("xapi_statements_batched", default=None)


def verb(verb_id: str) -> Verb:
    """A tincan Verb with its en-GB display name from the vocabulary."""
    return Verb(id=verb_id, display=verb_display(verb_id))


def statement_record(statement: Statement, *, attempt: str = "") -> str:
    """Validate and store one statement exactly as the LRS stores one from HTTP; returns its id.

    Without an id the statement gets a deterministic one (see `statement_id`), so recording the
    same event again changes nothing. Raises XapiValidationError when the statement is not
    valid xAPI, and StatementConflict when its id is stored with other content: two different
    events of one actor, verb and object need different attempts.
    """
    return statements_record([statement], attempts=[attempt])[0]


def statements_record(
    statements: Sequence[Statement], *, attempts: Sequence[str] | None = None
) -> list[str]:
    """`statement_record` for many statements in one transaction: all are stored, or none."""
    attempts = list(attempts) if attempts is not None else [""] * len(statements)
    if len(attempts) != len(statements):
        raise ValueError("give one attempt per statement")
    batch: dict[str, dict] = {}
    ids = []
    for statement, attempt in zip(statements, attempts, strict=True):
        data = statement_json(statement)
        data.setdefault("id", _deterministic_id(data, attempt))
        # The LRS refuses a request that repeats an id; a bulk path re-sending an identical
        # event is a no-op, like a re-send in a later request.
        if batch.get(data["id"], data) != data:
            raise XapiValidationError("two different statements share an id", "statements")
        batch[data["id"]] = data
        ids.append(data["id"])
    waiting = _batched.get()
    if waiting is None:
        _store(list(batch.values()))
        return ids
    for statement_id, data in batch.items():
        if waiting["statements"].get(statement_id, data) != data:
            raise XapiValidationError("two different statements share an id", "statements")
        waiting["statements"][statement_id] = data
    if len(waiting["statements"]) >= waiting["size"]:
        _store(list(waiting["statements"].values()))
        waiting["statements"].clear()
    return ids


@contextmanager
def statements_batched(*, size: int = 5000) -> Iterator[None]:
    """Inside this block, `statements_record` stores what it is given `size` statements at a
    time, and the rest when the block ends (nothing more if it raises). For writers of many
    records at once, such as the demo's synthetic learners: the statements and their ids are
    the ones recording them one by one would store, in the same order, with far fewer trips
    through the LRS's write path."""
    if _batched.get() is not None:
        yield  # an enclosing block stores them
        return
    waiting: dict = {"statements": {}, "size": size}
    token = _batched.set(waiting)
    try:
        yield
        if waiting["statements"]:
            _store(list(waiting["statements"].values()))
    finally:
        _batched.reset(token)


def _store(statements: list[dict]) -> None:
    statements_store(
        statements=statements,
        client=None,
        version=XAPI_VERSION,
        authority=site_authority(),
    )


def statement_id(statement: Statement, *, attempt: str = "") -> str:
    """The id `statement_record` gives a statement that has none: a UUID version 5 over the
    actor, verb, object and attempt. Timestamps, results and context do not count, so a
    re-send of one event keeps its id whatever else the caller rebuilt."""
    return _deterministic_id(statement_json(statement), attempt)


def _deterministic_id(data: dict, attempt: str) -> str:
    for required in ("actor", "verb", "object"):
        if required not in data:
            # Let the validator report it, with its path, when the statement is stored.
            return str(uuid.uuid4())
    key = [_actor_key(data["actor"]), data["verb"].get("id"), _object_key(data["object"]), attempt]
    return str(uuid.uuid5(STATEMENT_ID_NAMESPACE, json.dumps(key, separators=(",", ":"))))


def _actor_key(actor: dict) -> str:
    try:
        key = agent_key(actor)
    except (KeyError, TypeError):
        key = None
    # An anonymous Group has no identifier: its whole content is its identity.
    return key or _canonical(actor)


def _object_key(target: dict) -> str:
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        return f"activity:{target.get('id')}"
    if kind == "StatementRef":
        return f"statement:{str(target.get('id')).lower()}"
    if kind in ("Agent", "Group"):
        return _actor_key(target)
    return _canonical(target)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))


def statement_json(statement: Statement) -> dict:
    """The statement as xAPI 1.0.3 JSON, with every date and time in UTC, ready to store.

    tincan writes a naive datetime without an offset (`2026-03-02T09:30:00`): invalid in xAPI
    2.0 and read as UTC by a 1.0.3 LRS, whatever zone it was meant in. This is the one place
    that works around it: naive values are taken in the site's time zone, as Django takes
    them, and every datetime (timestamps and extension values alike) is converted to UTC.
    """
    # Copied only when a date needs converting: most statements are dated in UTC already.
    aware = statement if _in_utc(statement) else _make_aware(copy.deepcopy(statement))
    # tincan stringifies datetimes only where it expects them, not inside extension values.
    data = json.loads(json.dumps(aware.as_version(XAPI_VERSION), default=_json_default))
    # The LRS sets stored and authority itself; a value from elsewhere must not look trusted.
    data.pop("stored", None)
    data.pop("authority", None)
    _check_pseudonymous(data)
    return data


def _in_utc(node: Any) -> bool:
    """Whether every datetime in a tincan object tree is aware and in UTC already."""
    if isinstance(node, datetime):
        return node.tzinfo is UTC
    if isinstance(node, dict):
        return all(_in_utc(value) for value in node.values())
    if isinstance(node, list):
        return all(_in_utc(value) for value in node)
    if isinstance(node, SerializableBase):
        return all(_in_utc(value) for value in vars(node).values())
    return True


def _make_aware(node: Any) -> Any:
    """Replace, in place, every datetime in a tincan object tree by the same moment in UTC."""
    if isinstance(node, datetime):
        if timezone.is_naive(node):
            node = timezone.make_aware(node, timezone.get_default_timezone())
        return node.astimezone(UTC)
    if isinstance(node, dict):
        # LanguageMap and Extensions are dicts, so extension values are reached here.
        for key, value in list(node.items()):
            node[key] = _make_aware(value)
    elif isinstance(node, list):
        # Item by item: tincan's typed lists would take a slice assignment as one new item.
        for index, value in enumerate(node):
            node[index] = _make_aware(value)
    elif isinstance(node, SerializableBase):
        # tincan keeps each property in an underscored attribute, which is what it serialises.
        for name, value in list(vars(node).items()):
            vars(node)[name] = _make_aware(value)
    return node


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _check_pseudonymous(data: Any, path: str = "statement") -> None:
    """Refuse statements naming a person by name, email or OpenID: statements are pseudonymous.

    Personal data written into an immutable record cannot be erased later, so it must never
    get in. Extensions are left alone: their content is the vocabulary's business.
    """
    if isinstance(data, dict):
        kind = data.get("objectType")
        if kind == "Agent" or (kind is None and any(ifi in data for ifi in _AGENT_IFIS)):
            personal: tuple[str, ...] = ("name", "mbox", "mbox_sha1sum", "openid")
        elif kind == "Group":
            # A group's name (a team, a department) is not about a person; its email may be.
            personal = ("mbox", "mbox_sha1sum", "openid")
        else:
            personal = ()
        for key in personal:
            if key in data:
                raise XapiValidationError(
                    "the LMS identifies people by their site account only", f"{path}.{key}"
                )
        for key, value in data.items():
            if key != "extensions":
                _check_pseudonymous(value, f"{path}.{key}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _check_pseudonymous(value, f"{path}[{index}]")
