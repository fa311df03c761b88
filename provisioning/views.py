"""The SCIM 2.0 endpoints under /scim/v2/: bearer tokens only, SCIM JSON in and out."""

import functools
import json
import logging
import uuid

from django.conf import settings
from django.db import IntegrityError
from django.views.decorators.csrf import csrf_exempt

from provisioning import selectors, services
from provisioning.scim.documents import apply_patch, canonical_document, require_schemas
from provisioning.scim.errors import (
    ScimError,
    error_response,
    invalid_syntax,
    not_found,
    scim_response,
)
from provisioning.scim.groups import GROUP_FILTER_FIELDS, group_document, group_input
from provisioning.scim.listing import list_query, list_response, project
from provisioning.scim.schemas import (
    ENTERPRISE_SCHEMA,
    ENTERPRISE_USER,
    GROUP,
    GROUP_SCHEMA,
    PATCH_SCHEMA,
    SCHEMAS,
    SEARCH_SCHEMA,
    USER,
    USER_SCHEMA,
    resource_types,
    service_provider_config,
)
from provisioning.scim.users import USER_FILTER_FIELDS, user_document, user_input

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
        return scim_response(_listed(found))
    match = next((item for item in found if item["id"] == name), None)
    if match is None:
        raise not_found(f"No resource type {name!r}.")
    return scim_response(match)


@scim_endpoint({"GET": READ})
def schemas_view(request, schema_id=None):
    if schema_id is None:
        return scim_response(_listed([s.describe(base_url()) for s in SCHEMAS.values()]))
    schema = SCHEMAS.get(schema_id)
    if schema is None:
        raise not_found(f"No schema {schema_id!r}.")
    return scim_response(schema.describe(base_url()))


def _listed(resources: list[dict]) -> dict:
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": len(resources),
        "startIndex": 1,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }


@scim_endpoint({"POST": READ, "GET": READ})
def root_search_view(request):
    raise ScimError(501, "Searching several resource types at once is not supported.")


@scim_endpoint({"GET": READ, "POST": READ, "PUT": READ, "PATCH": READ, "DELETE": READ})
def unknown_view(request, path=""):
    raise not_found(f"There is no SCIM endpoint /{path}.")


# Users


def _user_response(record, request, status=200):
    document = project(
        user_document(selectors.users().get(pk=record.pk), base_url()),
        list_query(request.GET),
        core_schema=USER_SCHEMA,
    )
    headers = {"Location": document["meta"]["location"]} if status == 201 else None
    return scim_response(document, status=status, headers=headers)


@scim_endpoint({"GET": READ, "POST": WRITE}, resource="users")
def users_view(request):
    if request.method == "POST":
        payload = _body(request)
        require_schemas(payload, USER_SCHEMA, allowed=[ENTERPRISE_SCHEMA])
        document = canonical_document(payload, USER, [ENTERPRISE_USER])
        record = services.scim_user_create(data=user_input(document), token=request.scim_token)
        return _user_response(record, request, status=201)
    return _users_listed(list_query(request.GET))


@scim_endpoint({"POST": READ}, resource="users")
def users_search_view(request):
    payload = _body(request)
    require_schemas(payload, SEARCH_SCHEMA)
    return _users_listed(list_query(payload))


def _users_listed(query):
    return scim_response(
        list_response(
            selectors.users(),
            query,
            fields=USER_FILTER_FIELDS,
            core_schema=USER_SCHEMA,
            document=lambda record: user_document(record, base_url()),
        )
    )


@scim_endpoint({"GET": READ, "PUT": WRITE, "PATCH": WRITE, "DELETE": WRITE}, resource="users")
def user_view(request, scim_id):
    record = selectors.users().filter(scim_id=_scim_id(scim_id)).first()
    if record is None:
        raise not_found(f"No user has the id {scim_id}.")
    token = request.scim_token
    if request.method == "DELETE":
        services.scim_user_delete(record=record, token=token)
        return scim_response(None, status=204)
    if request.method == "GET":
        return _user_response(record, request)
    payload = _body(request)
    if request.method == "PUT":
        require_schemas(payload, USER_SCHEMA, allowed=[ENTERPRISE_SCHEMA])
        document = canonical_document(payload, USER, [ENTERPRISE_USER])
    else:
        require_schemas(payload, PATCH_SCHEMA)
        current = canonical_document(user_document(record, base_url()), USER, [ENTERPRISE_USER])
        document = apply_patch(current, payload, USER, [ENTERPRISE_USER])
    record = services.scim_user_update(record=record, data=user_input(document), token=token)
    return _user_response(record, request)


# Groups


def _group_response(record, request, status=200):
    document = project(
        group_document(selectors.groups().get(pk=record.pk), base_url()),
        list_query(request.GET),
        core_schema=GROUP_SCHEMA,
    )
    headers = {"Location": document["meta"]["location"]} if status == 201 else None
    return scim_response(document, status=status, headers=headers)


@scim_endpoint({"GET": READ, "POST": WRITE}, resource="groups")
def groups_view(request):
    if request.method == "POST":
        payload = _body(request)
        require_schemas(payload, GROUP_SCHEMA)
        document = canonical_document(payload, GROUP)
        record = services.scim_group_create(data=group_input(document), token=request.scim_token)
        return _group_response(record, request, status=201)
    return _groups_listed(list_query(request.GET))


@scim_endpoint({"POST": READ}, resource="groups")
def groups_search_view(request):
    payload = _body(request)
    require_schemas(payload, SEARCH_SCHEMA)
    return _groups_listed(list_query(payload))


def _groups_listed(query):
    return scim_response(
        list_response(
            selectors.groups(),
            query,
            fields=GROUP_FILTER_FIELDS,
            core_schema=GROUP_SCHEMA,
            document=lambda record: group_document(record, base_url()),
        )
    )


@scim_endpoint({"GET": READ, "PUT": WRITE, "PATCH": WRITE, "DELETE": WRITE}, resource="groups")
def group_view(request, scim_id):
    record = selectors.groups().filter(scim_id=_scim_id(scim_id)).first()
    if record is None:
        raise not_found(f"No group has the id {scim_id}.")
    token = request.scim_token
    if request.method == "DELETE":
        services.scim_group_delete(record=record, token=token)
        return scim_response(None, status=204)
    if request.method == "GET":
        return _group_response(record, request)
    payload = _body(request)
    if request.method == "PUT":
        require_schemas(payload, GROUP_SCHEMA)
        document = canonical_document(payload, GROUP)
    else:
        require_schemas(payload, PATCH_SCHEMA)
        current = canonical_document(group_document(record, base_url()), GROUP)
        document = apply_patch(current, payload, GROUP, [])
    record = services.scim_group_update(record=record, data=group_input(document), token=token)
    return _group_response(record, request)
