"""cmi5's HTTP surface: the one-time fetch URL (content origin) and the administrators'
automation API (platform origin), which test suites such as ADL's cmi5 LMS test suite drive.

The automation API is for signed-in administrators and, like every form on the platform, needs
the CSRF token: a script signs in as a person does and sends the token in X-CSRFToken.
"""

import json
import secrets

from django.db.models import ProtectedError, RestrictedError
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.roles import Role
from accounts.selectors import user_role_names
from cmi5.models import AssignableUnit, Registration, Session
from cmi5.services import (
    LaunchRefused,
    au_launch,
    au_waive,
    endpoint_url,
    session_abandon,
    session_fetch,
)
from packages.errors import PackageRejected
from packages.models import Package
from packages.services import package_delete, package_import
from xapi.services import lrs_client_upsert

READER_NAME = "cmi5 automation reader"


@csrf_exempt  # the AU posts from the content origin, where no cookie is ever set
@require_POST
def fetch_view(request: HttpRequest, token: str) -> JsonResponse:
    response = JsonResponse(session_fetch(token=token))
    response["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def administrators_only(view):
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return _error(401, gettext("Sign in as an administrator first."))
        if (
            Role.ADMINISTRATOR not in user_role_names(request.user)
            and not request.user.is_superuser
        ):
            return _error(403, gettext("Only administrators may use the cmi5 automation API."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return require_POST(wrapped)


def _json(request: HttpRequest) -> dict:
    if not request.body:
        return {}
    try:
        data = json.loads(request.body)
    except ValueError:
        raise LaunchRefused(gettext("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise LaunchRefused(gettext("The request body must be a JSON object."))
    return data


@administrators_only
def import_view(request: HttpRequest) -> JsonResponse:
    upload = request.FILES.get("package")
    if upload is None:
        return _error(400, gettext("Send the package as the multipart field 'package'."))
    try:
        package = package_import(
            upload=upload, filename=upload.name, uploaded_by=request.user, title=""
        )
    except PackageRejected as rejected:
        return JsonResponse({"error": rejected.message, "rejected": True}, status=400)
    if package.kind != Package.Kind.CMI5:
        package_delete(package=package)
        return JsonResponse(
            {"error": gettext("That package is not a cmi5 course."), "rejected": True}, status=400
        )
    return JsonResponse({"id": str(package.uuid)}, status=201)


@administrators_only
def delete_view(request: HttpRequest, package_uuid) -> JsonResponse:
    package = get_object_or_404(Package, uuid=package_uuid, kind=Package.Kind.CMI5)
    try:
        package_delete(package=package)
    except (ProtectedError, RestrictedError):
        return _error(409, gettext("A lesson uses this course; take it out of the lesson first."))
    return JsonResponse({"deleted": str(package_uuid)})


def _au(package_uuid, index) -> AssignableUnit:
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise LaunchRefused(gettext("auIndex must be a whole number from 0."))
    au = (
        AssignableUnit.objects.select_related("course__package")
        .filter(course__package__uuid=package_uuid, position=index)
        .first()
    )
    if au is None:
        raise LaunchRefused(gettext("The course has no AU at index %(index)s.") % {"index": index})
    return au


@administrators_only
def launch_url_view(request: HttpRequest, package_uuid) -> JsonResponse:
    try:
        data = _json(request)
        au = _au(package_uuid, data.get("auIndex"))
        registration = None
        if data.get("registration"):
            registration = (
                Registration.objects.filter(
                    uuid=data["registration"], course=au.course, user=request.user, preview=False
                ).first()
                if _is_uuid(data["registration"])
                else None
            )
            if registration is None:
                raise LaunchRefused(gettext("That registration is not yours for this course."))
        url = au_launch(
            user=request.user,
            au=au,
            return_url=str(data.get("returnUrl") or ""),
            launch_mode=str(data.get("launchMode") or "Normal"),
            registration=registration,
        )
    except LaunchRefused as refused:
        return _error(400, refused.message)
    return JsonResponse({"url": url})


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


@administrators_only
def waive_view(request: HttpRequest, registration_uuid) -> JsonResponse:
    registration = get_object_or_404(Registration, uuid=registration_uuid, preview=False)
    try:
        data = _json(request)
        au = _au(registration.course.package.uuid, data.get("auIndex"))
        au_waive(registration=registration, au=au, reason=str(data.get("reason") or ""))
    except LaunchRefused as refused:
        return _error(400, refused.message)
    return JsonResponse({"waived": au.publisher_id})


@administrators_only
def abandon_view(request: HttpRequest, session_uuid) -> JsonResponse:
    session = get_object_or_404(Session, uuid=session_uuid)
    if not session_abandon(session=session):
        return _error(409, gettext("That session has already ended."))
    return JsonResponse({"abandoned": str(session_uuid)})


@administrators_only
def lrs_reader_view(request: HttpRequest) -> JsonResponse:
    """Read-only LRS credentials for checking what launches recorded: issued (and re-issued,
    with a new secret) to an administrator, audited like any LRS client change."""
    secret = secrets.token_urlsafe(24)
    client, _ = lrs_client_upsert(
        name=READER_NAME,
        key="cmi5-automation-reader",
        secret=secret,
        scopes=["all/read"],
        actor=request.user,
        via="cmi5 automation API",
    )
    return JsonResponse(
        {
            "endpoint": request.build_absolute_uri("/xapi/"),
            "key": client.key,
            "secret": secret,
            "sessionEndpoint": endpoint_url(),
        }
    )
