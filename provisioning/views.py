"""The SCIM 2.0 endpoints under /scim/v2/: bearer tokens only, SCIM JSON in and out."""

import functools
import json
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError
from django.views.decorators.csrf import csrf_exempt

from provisioning import selectors, services
from provisioning.resources import ALL_RESOURCES, GROUPS, USERS, ScimResource
from provisioning.scim.documents import apply_patch, canonical_document, require_schemas
from provisioning.scim.errors import (
    ScimError,
    error_response,
    invalid_syntax,
    not_found,
    scim_response,
)
from provisioning.scim.listing import list_query, list_response, project
from provisioning.scim.schemas import (
    PATCH_SCHEMA,
    SCHEMAS,
    SEARCH_SCHEMA,
    resource_types,
    service_provider_config,
)

logger = logging.getLogger(__name__)

READ, WRITE = "read", "write"


def base_url() -> str:
    return f"{settings.SITE_URL}/scim/v2"


def scim_endpoint(methods: dict[str, str], resource: str | None = None):
    """Authenticate the bearer token (never a session), check its scope for the method, and
    answer every failure as a SCIM error. `methods` maps each allowed method to read or write;
    `resource` ("users" or "groups") names the scope family, None for discovery."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                token = _authenticate(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not allowed here.")
                if resource is not None:
                    scope = f"{resource}:{methods[request.method]}"
                    if scope not in token.scopes:
                        raise ScimError(403, f"This token lacks the scope {scope}.")
                services.provisioning_token_used(token=token)
                request.scim_token = token
                return view(request, *args, **kwargs)
            except ScimError as error:
                return error_response(error)
            except IntegrityError:
                logger.info("SCIM write refused by a database constraint", exc_info=True)
                return error_response(
                    ScimError(409, "This conflicts with an existing resource.", "uniqueness")
                )

        return wrapped

    return decorator


def _authenticate(request):
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ScimError(401, "A bearer token is required.")
    token = selectors.token_by_secret(secret.strip())
    if token is None:
        raise ScimError(401, "The bearer token is not valid, or has been revoked.")
    return token


def _body(request) -> dict:
    try:
        payload = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise invalid_syntax("The request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise invalid_syntax("The request body must be a JSON object.")
    return payload


def _scim_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise not_found() from None


# Discovery


@scim_endpoint({"GET": READ})
def service_provider_config_view(request):
    return scim_response(service_provider_config(base_url()))


@scim_endpoint({"GET": READ})
def resource_types_view(request, name=None):
    found = resource_types(base_url())
    if name is None:
        return scim_response(_discovered(found))
    match = next((item for item in found if item["id"] == name), None)
    if match is None:
        raise not_found(f"No resource type {name!r}.")
    return scim_response(match)


@scim_endpoint({"GET": READ})
def schemas_view(request, schema_id=None):
    if schema_id is None:
        return scim_response(_discovered([s.describe(base_url()) for s in SCHEMAS.values()]))
    schema = SCHEMAS.get(schema_id)
    if schema is None:
        raise not_found(f"No schema {schema_id!r}.")
    return scim_response(schema.describe(base_url()))


def _discovered(resources: list[dict]) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


def _listed(resources, query, known=None):
    return scim_response(list_response(resources, query, base_url=base_url(), known=known))


@scim_endpoint({"POST": READ})
def root_search_view(request):
    """A SearchRequest over every resource type the token may read (RFC 7644 §3.4.3)."""
    payload = _body(request)
    require_schemas(payload, SEARCH_SCHEMA)
    query = list_query(payload)
    readable = [r for r in ALL_RESOURCES if f"{r.scope}:{READ}" in request.scim_token.scopes]
    if not readable:
        raise ScimError(403, "This token lacks the scopes users:read and groups:read.")
    # Which attributes a filter may name does not depend on the token: those of every type.
    return _listed(readable, query, known=ALL_RESOURCES)


@scim_endpoint({"GET": READ, "POST": READ, "PUT": READ, "PATCH": READ, "DELETE": READ})
def unknown_view(request, path=""):
    raise not_found(f"There is no SCIM endpoint /{path}.")


# Users and Groups: the same endpoints for each resource type.


def _resource_response(resource: ScimResource, record, request, status=200):
    document = project(
        resource.document(resource.records().get(pk=record.pk), base_url()),
        list_query(request.GET),
        core_schema=resource.core_schema,
    )
    headers = {"Location": document["meta"]["location"]} if status == 201 else None
    return scim_response(document, status=status, headers=headers)


def _written(resource: ScimResource, payload: dict) -> dict:
    """A POST or PUT body: the whole document, in its canonical form."""
    require_schemas(payload, resource.core_schema, allowed=resource.extension_ids)
    return canonical_document(payload, resource.schema, resource.extensions)


def collection_view(resource: ScimResource):
    """/Users or /Groups: list (GET) and create (POST)."""

    @scim_endpoint({"GET": READ, "POST": WRITE}, resource=resource.scope)
    def view(request):
        if request.method == "POST":
            data = resource.read(_written(resource, _body(request)))
            record = resource.create(data=data, token=request.scim_token)
            return _resource_response(resource, record, request, status=201)
        return _listed([resource], list_query(request.GET))

    return view


def search_view(resource: ScimResource):
    """/Users/.search or /Groups/.search: a SearchRequest over one resource type."""

    @scim_endpoint({"POST": READ}, resource=resource.scope)
    def view(request):
        payload = _body(request)
        require_schemas(payload, SEARCH_SCHEMA)
        return _listed([resource], list_query(payload))

    return view


def item_view(resource: ScimResource):
    """/Users/{id} or /Groups/{id}: read, replace, patch and delete one resource."""

    @scim_endpoint(
        {"GET": READ, "PUT": WRITE, "PATCH": WRITE, "DELETE": WRITE}, resource=resource.scope
    )
    def view(request, scim_id):
        record = resource.records().filter(scim_id=_scim_id(scim_id)).first()
        if record is None:
            raise not_found(f"No {resource.name.lower()} has the id {scim_id}.")
        token = request.scim_token
        if request.method == "DELETE":
            resource.delete(record=record, token=token)
            return scim_response(None, status=204)
        if request.method == "GET":
            return _resource_response(resource, record, request)
        payload = _body(request)
        if request.method == "PUT":
            document = _written(resource, payload)
        else:
            require_schemas(payload, PATCH_SCHEMA)
            current = canonical_document(
                resource.document(record, base_url()), resource.schema, resource.extensions
            )
            document = apply_patch(current, payload, resource.schema, resource.extensions)
        record = resource.update(record=record, data=resource.read(document), token=token)
        return _resource_response(resource, record, request)

    return view


users_view, users_search_view, user_view = (
    collection_view(USERS),
    search_view(USERS),
    item_view(USERS),
)
groups_view, groups_search_view, group_view = (
    collection_view(GROUPS),
    search_view(GROUPS),
    item_view(GROUPS),
)
