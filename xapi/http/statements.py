"""The Statement resource: PUT, POST (single, batch, multipart) and GET (single or query)."""

import json
import re
import uuid
from dataclasses import asdict
from datetime import UTC, datetime

from django.core import signing
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from xapi import selectors
from xapi.agents import agent_key
from xapi.formats import activity_ids_in, as_canonical, as_ids, parse_accept_language
from xapi.http.errors import XapiHttpError, bad_request
from xapi.http.multipart import attachment_parts, build_multipart, parse_multipart
from xapi.http.request import LrsRequest, lrs_view
from xapi.services import AttachmentPart, StatementConflict, statements_store
from xapi.validation import XapiValidationError
from xapi.validation.json_values import JsonValueError, load_json
from xapi.validation.primitives import UUID_RE, check_iri, parse_timestamp
from xapi.validation.statement import StatementValidator

QUERY_PARAMETERS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}
SINGLE_PARAMETERS = {"statementId", "voidedStatementId"}
FORMATS = {"exact", "ids", "canonical"}
MORE_SALT = "xapi.statements.more"
LIMIT_RE = re.compile(r"^[0-9]+\Z")


def statements_resource(request: LrsRequest) -> HttpResponse:
    if request.method == "GET":
        return _get(request)
    if not request.client.allows("statements/write"):
        raise XapiHttpError(403, "This client may not write statements.")
    statements, parts = _parse_body(request)
    if request.method == "PUT":
        return _put(request, statements, parts)
    return _post(request, statements, parts)


# -- writing --------------------------------------------------------------------------------


def _parse_body(request: LrsRequest) -> tuple[list, dict[str, AttachmentPart]]:
    if request.content_type == "multipart/mixed":
        parts = parse_multipart(request.body, request.content_params.get("boundary", ""))
        if parts[0].content_type != "application/json":
            raise bad_request("The first part of a multipart request must be application/json.")
        first = LrsRequest(**{**request.__dict__, "body": parts[0].content})
        payload = first.json_body("the multipart statement part")
        attachments = {
            sha2: AttachmentPart(sha2=sha2, content_type=content_type, content=content)
            for sha2, (content_type, content) in attachment_parts(parts[1:]).items()
        }
    elif request.content_type == "application/json" or not request.content_type:
        payload = request.json_body()
        attachments = {}
    else:
        raise bad_request(
            f"Statements must be sent as application/json or multipart/mixed, "
            f"not {request.content_type}."
        )
    return payload, attachments


def _store(request: LrsRequest, statements: list, parts) -> list[str]:
    try:
        return statements_store(
            statements=statements,
            client=request.client,
            version=request.version,
            attachments=parts,
        )
    except StatementConflict as conflict:
        raise XapiHttpError(409, str(conflict)) from None


def _put(request: LrsRequest, payload, parts) -> HttpResponse:
    statement_id = request.params.get("statementId")
    if not statement_id:
        raise bad_request("PUT needs a statementId parameter.")
    if not UUID_RE.match(statement_id):
        raise bad_request("statementId must be a UUID.")
    extra = set(request.params) - {"statementId"}
    if extra:
        raise bad_request(f"Unexpected parameters: {', '.join(sorted(extra))}.")
    if not isinstance(payload, dict):
        raise bad_request("PUT takes a single statement object.")
    if "id" in payload and str(payload["id"]).lower() != statement_id.lower():
        raise bad_request("The statement's id does not match the statementId parameter.")
    payload = {**payload, "id": statement_id.lower()}
    _store(request, [payload], parts)
    return HttpResponse(status=204)


def _post(request: LrsRequest, payload, parts) -> HttpResponse:
    if request.params:
        raise bad_request(f"Unexpected parameters: {', '.join(sorted(request.params))}.")
    statements = payload if isinstance(payload, list) else [payload]
    if not statements:
        raise bad_request("The request contains no statements.")
    ids = _store(request, statements, parts)
    return _json(ids, status=200)


# -- reading --------------------------------------------------------------------------------


def _get(request: LrsRequest) -> HttpResponse:
    client = request.client
    if not client.allows("statements/read", "all/read", "statements/read/mine"):
        raise XapiHttpError(403, "This client may not read statements.")
    only_mine = not client.allows("statements/read", "all/read")
    consistent = timezone.now()
    try:
        params = request.params
        if "more" in params:
            response = _page(request, _decode_more(params), only_mine)
        elif SINGLE_PARAMETERS & set(params):
            response = _single(request, only_mine)
        else:
            response = _page(request, _parse_query(request, only_mine), only_mine)
    except XapiHttpError as error:
        error.headers["X-Experience-API-Consistent-Through"] = _iso(consistent)
        raise
    except XapiValidationError as error:
        raise XapiHttpError(
            400, str(error), headers={"X-Experience-API-Consistent-Through": _iso(consistent)}
        ) from None
    response["X-Experience-API-Consistent-Through"] = _iso(consistent)
    return response


def _bool(params, name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false.")
    return value == "true"


def _format(params) -> str:
    value = params.get("format", "exact")
    if value not in FORMATS:
        raise bad_request("format must be exact, ids or canonical.")
    return value


def _single(request: LrsRequest, only_mine: bool) -> HttpResponse:
    params = request.params
    names = SINGLE_PARAMETERS & set(params)
    if len(names) > 1:
        raise bad_request("Use statementId or voidedStatementId, not both.")
    extra = set(params) - names - {"format", "attachments"}
    if extra:
        raise bad_request(
            f"With {names.pop()}, only format and attachments are allowed, not "
            f"{', '.join(sorted(extra))}."
        )
    name = names.pop()
    statement_id = params[name]
    if not UUID_RE.match(statement_id):
        raise bad_request(f"{name} must be a UUID.")
    statement_format, with_attachments = _format(params), _bool(params, "attachments")
    row = selectors.statement_by_id(statement_id.lower(), voided=name == "voidedStatementId")
    if row is None or (only_mine and row.client_id != request.client.pk):
        raise XapiHttpError(404, f"No statement {statement_id} was found.")
    body = _formatted([row.data], statement_format, request)[0]
    response = _respond(body, [row.data], with_attachments)
    response["Last-Modified"] = http_date(parse_timestamp(row.data["stored"], "stored").timestamp())
    return response


def _parse_query(request: LrsRequest, only_mine: bool) -> dict:
    params = request.params
    unknown = set(params) - QUERY_PARAMETERS
    if unknown:
        raise bad_request(f"Unknown parameters: {', '.join(sorted(unknown))}.")
    query: dict = {}
    if "agent" in params:
        try:
            agent = load_json(params["agent"], "agent")
        except JsonValueError as error:
            raise bad_request(f"{error}.") from None
        except ValueError:
            raise bad_request("agent must be a JSON Agent or Group.") from None
        StatementValidator(request.version).actor(agent, "agent")
        key = agent_key(agent)
        if key is None:
            raise bad_request("agent must be an Agent or an identified Group.")
        query["agent_key"] = key
    if "verb" in params:
        query["verb_id"] = check_iri(params["verb"], "verb")
    if "activity" in params:
        query["activity_id"] = check_iri(params["activity"], "activity")
    if "registration" in params:
        if not UUID_RE.match(params["registration"]):
            raise bad_request("registration must be a UUID.")
        query["registration"] = params["registration"].lower()
    for name in ("since", "until"):
        if name in params:
            query[name] = parse_timestamp(params[name], name).isoformat()
    if "limit" in params:
        digits = params["limit"]
        if not LIMIT_RE.match(digits):
            raise bad_request("limit must be a whole number of zero or more.")
        # Any limit above the page size means the page size; keep int() off huge digit runs.
        digits = digits.lstrip("0") or "0"
        query["limit"] = int(digits) if len(digits) <= 9 else 10**9
    query["related_agents"] = _bool(params, "related_agents")
    query["related_activities"] = _bool(params, "related_activities")
    query["ascending"] = _bool(params, "ascending")
    query["format"] = _format(params)
    query["attachments"] = _bool(params, "attachments")
    if only_mine:
        query["client_id"] = request.client.pk
    return query


def _page(request: LrsRequest, query: dict, only_mine: bool) -> HttpResponse:
    statement_format = query.pop("format", "exact")
    with_attachments = query.pop("attachments", False)
    if only_mine and query.get("client_id") != request.client.pk:
        raise XapiHttpError(403, "This more link belongs to another client's query.")
    for name in ("since", "until"):
        if query.get(name):
            query[name] = datetime.fromisoformat(query[name])
    exact = statement_format == "exact" and not with_attachments
    rows, following = selectors.statements_page(selectors.StatementQuery(**query), raw=exact)
    more = _more_link(request, following, statement_format, with_attachments) if following else ""
    if exact:
        # Statements go out exactly as stored: join their stored JSON text, decoding nothing.
        encoded = b"".join(
            [
                b'{"statements":[',
                ",".join(row.raw for row in rows).encode("utf-8"),
                b'],"more":',
                json.dumps(more).encode("utf-8"),
                b"}",
            ]
        )
        return HttpResponse(encoded, content_type="application/json; charset=utf-8")
    statements = [row.data for row in rows]
    body = {"statements": _formatted(statements, statement_format, request), "more": more}
    return _respond(body, statements, with_attachments)


def _more_link(request, query, statement_format, with_attachments) -> str:
    state = asdict(query)
    for name in ("since", "until"):
        if state[name]:
            state[name] = state[name].isoformat()
    state.update(format=statement_format, attachments=with_attachments)
    token = signing.dumps(state, salt=MORE_SALT, compress=True)
    path = request.django_request.path if request.django_request else "/xapi/statements"
    return f"{path}?more={token}"


def _decode_more(params) -> dict:
    if set(params) != {"more"}:
        raise bad_request("A more link takes no other parameters.")
    try:
        return signing.loads(params["more"], salt=MORE_SALT)
    except signing.BadSignature:
        raise bad_request("The more link is not one this LRS issued.") from None


def _formatted(statements: list[dict], statement_format: str, request: LrsRequest) -> list[dict]:
    if statement_format == "ids":
        return [as_ids(s) for s in statements]
    if statement_format == "canonical":
        languages = parse_accept_language(
            request.django_request.headers.get("Accept-Language")
            if request.django_request
            else None
        )
        ids = set().union(*(activity_ids_in(s) for s in statements)) if statements else set()
        definitions = selectors.canonical_definitions(ids)
        return [as_canonical(s, languages, definitions) for s in statements]
    return statements


def _respond(body, statements: list[dict], with_attachments: bool) -> HttpResponse:
    encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if not with_attachments:
        return HttpResponse(encoded, content_type="application/json; charset=utf-8")
    boundary = uuid.uuid4().hex
    parts = [
        (a.sha2, a.content_type, bytes(a.content)) for a in selectors.attachments_for(statements)
    ]
    return HttpResponse(
        build_multipart(encoded, parts, boundary),
        content_type=f"multipart/mixed; boundary={boundary}",
    )


def _json(value, status: int = 200) -> HttpResponse:
    return HttpResponse(
        json.dumps(value, ensure_ascii=False).encode("utf-8"),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


statements_view = lrs_view(statements_resource, methods={"GET", "PUT", "POST"})
