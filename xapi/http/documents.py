"""The document resources: State, Activity Profile and Agent Profile (ETags, merging)."""

import hashlib
import json
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import http_date

from xapi.agents import agent_key
from xapi.http.errors import XapiHttpError, bad_request
from xapi.http.request import LrsRequest, lrs_view
from xapi.models import Document
from xapi.validation import XapiValidationError
from xapi.validation.json_values import JsonValueError, load_json
from xapi.validation.primitives import UUID_RE, check_iri, parse_timestamp
from xapi.validation.statement import StatementValidator

Kind = Document.Kind


def parse_agent(request: LrsRequest, name: str = "agent") -> tuple[dict, str]:
    raw = request.params.get(name)
    if raw is None:
        raise bad_request(f"The {name} parameter is required.")
    try:
        agent = load_json(raw, name)
    except JsonValueError as error:
        raise bad_request(f"{error}.") from None
    except ValueError:
        raise bad_request(f"{name} must be a JSON Agent.") from None
    try:
        StatementValidator(request.version).actor(agent, name)
    except XapiValidationError as error:
        raise bad_request(str(error)) from None
    key = agent_key(agent)
    if key is None:
        raise bad_request(f"{name} must be an Agent or an identified Group.")
    return agent, key


def _etag(content: bytes) -> str:
    return f'"{hashlib.sha1(content, usedforsecurity=False).hexdigest()}"'


class DocumentResource:
    """One of the three document resources, told apart by the parameters that key it."""

    def __init__(self, kind: str, id_param: str, scope: str, key_params: tuple[str, ...]):
        self.kind, self.id_param, self.scope, self.key_params = kind, id_param, scope, key_params

    # -- request parsing ------------------------------------------------------------------

    def _key(self, request: LrsRequest) -> dict[str, str]:
        params = request.params
        allowed = {*self.key_params, self.id_param, "since", "registration"}
        if self.kind != Kind.STATE:
            allowed.discard("registration")
        unknown = set(params) - allowed
        if unknown:
            raise bad_request(f"Unknown parameters: {', '.join(sorted(unknown))}.")
        key = {"kind": self.kind}
        if "activityId" in self.key_params:
            if "activityId" not in params:
                raise bad_request("The activityId parameter is required.")
            key["activity_id"] = check_iri(params["activityId"], "activityId")
        if "agent" in self.key_params:
            key["agent_key"] = parse_agent(request)[1]
        if self.kind == Kind.STATE:
            registration = params.get("registration", "")
            if registration and not UUID_RE.match(registration):
                raise bad_request("registration must be a UUID.")
            key["registration"] = registration.lower()
        return key

    def _document_id(self, request: LrsRequest, *, required: bool) -> str | None:
        value = request.params.get(self.id_param)
        if required and not value:
            raise bad_request(f"The {self.id_param} parameter is required.")
        return value

    # -- concurrency ----------------------------------------------------------------------

    def _check_preconditions(self, request: LrsRequest, existing: Document | None) -> None:
        if_match = request.header("if-match")
        if_none_match = request.header("if-none-match")
        current = existing.etag if existing else None
        if if_match is not None:
            tags = {tag.strip() for tag in if_match.split(",")}
            if current is None or ("*" not in tags and current not in tags):
                raise XapiHttpError(412, "The document has changed since you read it (If-Match).")
        if if_none_match is not None:
            tags = {tag.strip() for tag in if_none_match.split(",")}
            if current is not None and ("*" in tags or current in tags):
                raise XapiHttpError(412, "The document already exists (If-None-Match).")
        if request.method != "PUT" or if_match is not None or if_none_match is not None:
            return
        # A PUT without a precondition creates a document that is absent (everyday clients
        # create profiles that way); overwriting needs one for profiles, and for state
        # documents from xAPI 2.0 on (1.0.3 clients put state without ETags).
        if existing is not None and (self.kind != Kind.STATE or request.is_v2):
            raise XapiHttpError(
                409,
                "The document exists: send If-Match with its ETag to overwrite it, or "
                "If-None-Match: * to create it only if it is absent.",
            )

    # -- handlers -------------------------------------------------------------------------

    def __call__(self, request: LrsRequest) -> HttpResponse:
        reading = request.method == "GET"
        allowed = (self.scope, "all/read") if reading else (self.scope,)
        if not request.client.allows(*allowed):
            raise XapiHttpError(403, f"This client may not use the {self.id_param} documents.")
        key = self._key(request)
        handler = getattr(self, f"_{request.method.lower()}")
        return handler(request, key)

    def _get(self, request: LrsRequest, key: dict) -> HttpResponse:
        document_id = self._document_id(request, required=False)
        if document_id is not None:
            if "since" in request.params:
                raise bad_request(f"since cannot be used with {self.id_param}.")
            document = Document.objects.filter(**key, document_id=document_id).first()
            if document is None:
                raise XapiHttpError(404, f"No document {document_id!r} was found.")
            response = HttpResponse(bytes(document.content), content_type=document.content_type)
            response["ETag"] = document.etag
            response["Last-Modified"] = http_date(document.updated.timestamp())
            return response
        documents = Document.objects.filter(**key)
        if "since" in request.params:
            documents = documents.filter(
                updated__gt=parse_timestamp(request.params["since"], "since")
            )
        ids = list(documents.order_by("updated").values_list("document_id", flat=True))
        latest = documents.order_by("-updated").values_list("updated", flat=True).first()
        response = HttpResponse(
            json.dumps(ids, ensure_ascii=False), content_type="application/json"
        )
        response["Last-Modified"] = http_date((latest or timezone.now()).timestamp())
        return response

    def _put(self, request: LrsRequest, key: dict) -> HttpResponse:
        document_id = self._document_id(request, required=True)
        content = self._content(request)
        existing = Document.objects.filter(**key, document_id=document_id).first()
        self._check_preconditions(request, existing)
        self._save(
            existing, key, document_id, content, request.content_type or "application/octet-stream"
        )
        return HttpResponse(status=204)

    def _post(self, request: LrsRequest, key: dict) -> HttpResponse:
        document_id = self._document_id(request, required=True)
        content = self._content(request)
        existing = Document.objects.filter(**key, document_id=document_id).first()
        self._check_preconditions(request, existing)
        content_type = request.content_type or "application/octet-stream"
        if existing is not None:
            old = _json_object(bytes(existing.content), existing.content_type)
            new = _json_object(content, content_type)
            if old is None or new is None:
                raise bad_request(
                    "POST merges JSON objects: both the stored document and the new one must be "
                    "application/json objects. Use PUT to replace a document."
                )
            content = json.dumps({**old, **new}, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        elif content_type == "application/json" and _json_object(content, content_type) is None:
            raise bad_request("POST merges JSON objects: the document must be a JSON object.")
        self._save(existing, key, document_id, content, content_type)
        return HttpResponse(status=204)

    def _delete(self, request: LrsRequest, key: dict) -> HttpResponse:
        document_id = self._document_id(request, required=self.kind != Kind.STATE)
        if "since" in request.params:
            raise bad_request("since cannot be used with DELETE.")
        documents = Document.objects.filter(**key)
        if document_id is not None:
            documents = documents.filter(document_id=document_id)
            existing = documents.first()
            if request.header("if-match") or request.header("if-none-match"):
                self._check_preconditions(request, existing)
        documents.delete()
        return HttpResponse(status=204)

    # -- storage ----------------------------------------------------------------------------

    def _content(self, request: LrsRequest) -> bytes:
        content = request.body
        if request.content_type == "application/json":
            try:
                load_json(content, "the document")
            except JsonValueError as error:
                raise bad_request(f"{error}.") from None
            except (UnicodeDecodeError, ValueError):
                raise bad_request(
                    "The document is declared as JSON but is not valid JSON."
                ) from None
        return content

    def _save(self, existing, key, document_id, content: bytes, content_type: str) -> None:
        now = timezone.now()
        if existing is None:
            Document.objects.create(
                **key,
                document_id=document_id,
                content=content,
                content_type=content_type,
                etag=_etag(content),
                updated=now,
            )
        else:
            existing.content, existing.content_type = content, content_type
            existing.etag, existing.updated = _etag(content), now
            existing.save(update_fields=["content", "content_type", "etag", "updated"])


def _json_object(content: bytes, content_type: str) -> dict | None:
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    try:
        value: Any = load_json(content, "the document")
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


state_view = lrs_view(
    DocumentResource(Kind.STATE, "stateId", "state", ("activityId", "agent")),
    methods={"GET", "PUT", "POST", "DELETE"},
)
activity_profile_view = lrs_view(
    DocumentResource(Kind.ACTIVITY_PROFILE, "profileId", "profile", ("activityId",)),
    methods={"GET", "PUT", "POST", "DELETE"},
)
agent_profile_view = lrs_view(
    DocumentResource(Kind.AGENT_PROFILE, "profileId", "profile", ("agent",)),
    methods={"GET", "PUT", "POST", "DELETE"},
)
