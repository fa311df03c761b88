"""The SCORM player and its commit endpoint, both on the content origin and authenticated by the
attempt's token in the address (the content origin never sees the learner's session)."""

import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from lms.languages import is_supported
from packages.models import Package
from packages.serving import platform_origin
from scorm.cmi import MAX_COMMIT_BYTES, CmiInvalid
from scorm.models import Attempt, Sco
from scorm.player import player_page
from scorm.selectors import attempt_unavailable
from scorm.services import attempt_commit, preview_read, resume_target, sco_open


def _attempt(token: str) -> Attempt:
    attempt = Attempt.objects.select_related("package__scorm", "user").filter(token=token).first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def _sco(package: Package, identifier: str | None) -> Sco | None:
    if identifier is None:
        return None
    sco = package.scos.filter(identifier=identifier).first()
    if sco is None:
        raise Http404("This package has no such item.")
    return sco


def _language(user) -> str:
    """The learner's language: the player is on the content origin, whose addresses carry no
    language of their own."""
    if user is not None and is_supported(user.language):
        return user.language
    return settings.LANGUAGE_CODE


def _render(request: HttpRequest, page, user) -> HttpResponse:
    with translation.override(_language(user)):
        return render(
            request,
            "scorm/player.html",
            {"page": page, "platform": platform_origin(), "settings": page.runtime_settings()},
        )


def _attempt_page(request: HttpRequest, token: str, attempt, *, opening: bool):
    """The player page for an attempt's SCO (the one asked for, else where resume says).
    `opening`: the SCO is being opened, so its session starts unless sequencing disables it."""
    package = attempt.package
    scos = list(package.scos.all())
    sco = _sco(package, request.GET.get("sco")) or resume_target(attempt=attempt, scos=scos)
    blocked = attempt_unavailable(attempt=attempt, scos=scos)
    # A SCO that sequencing disables is not opened: no session starts, nothing is recorded.
    opened = opening and "disabled" not in blocked[sco.identifier]
    return player_page(
        package=package,
        sco=sco,
        player_url=reverse("scorm:player", args=[token]),
        attempt=attempt,
        state=sco_open(attempt=attempt, sco=sco) if opened else None,
        user=attempt.user,
        return_url=attempt.return_url,
        blocked=blocked,
    )


@require_GET
@never_cache
def player(request: HttpRequest, token: str) -> HttpResponse:
    attempt = _attempt(token)
    return _render(request, _attempt_page(request, token, attempt, opening=True), attempt.user)


@require_GET
@never_cache
def preview(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = preview_read(token)
    except signing.SignatureExpired:
        return HttpResponse(
            gettext("This preview link has expired. Open the preview again from the lesson."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    except signing.BadSignature:
        raise Http404("No such preview.") from None
    package = Package.objects.select_related("scorm").filter(pk=data["p"]).first()
    user = get_user_model().objects.filter(pk=data["u"]).first()
    if package is None or user is None or not hasattr(package, "scorm"):
        raise Http404("No such preview.")
    sco = _sco(package, request.GET.get("sco")) or package.scos.order_by("position").first()
    page = player_page(
        package=package,
        sco=sco,
        player_url=reverse("scorm:preview", args=[token]),
        attempt=None,
        state=None,
        user=user,
        return_url=data["r"],
    )
    return _render(request, page, user)


@require_GET
@never_cache
def navigation(request: HttpRequest, token: str) -> JsonResponse:
    """The player's navigation as it stands now (a commit may have made the next part
    available), for the player to redraw without reloading the SCO."""
    attempt = _attempt(token)
    page = _attempt_page(request, token, attempt, opening=False)
    settings = page.runtime_settings()
    return JsonResponse(
        {
            "html": _navigation_html(request, page, attempt.user),
            "previousUrl": settings["previousUrl"],
            "nextUrl": settings["nextUrl"],
            "choiceUrls": settings["choiceUrls"],
        }
    )


def _navigation_html(request: HttpRequest, page, user) -> str:
    with translation.override(_language(user)):
        return render_to_string("scorm/navigation.html", {"page": page}, request=request)


def _refuse(message: str, status: int) -> JsonResponse:
    # The runtime reads "result" and "errorCode" (101: general exception); people read "message".
    return JsonResponse({"result": "false", "errorCode": 101, "message": message}, status=status)


@csrf_exempt  # no cookie authenticates this: the attempt's token in the address does
@never_cache
def commit(request: HttpRequest, token: str, sco_uuid) -> JsonResponse:
    if request.method != "POST":
        response = _refuse("Commit with POST.", 405)
        response["Allow"] = "POST"
        return response
    attempt = Attempt.objects.select_related("package__scorm", "user").filter(token=token).first()
    if attempt is None:
        return _refuse("No such attempt.", 404)
    sco = attempt.package.scos.filter(uuid=sco_uuid).first()
    if sco is None:
        return _refuse("This package has no such SCO.", 404)
    if len(request.body) > MAX_COMMIT_BYTES:
        return _refuse(f"The commit is larger than {MAX_COMMIT_BYTES // 1024} KB.", 413)
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _refuse("The commit is not JSON.", 400)
    try:
        attempt_commit(attempt=attempt, sco=sco, payload=payload)
    except CmiInvalid as error:
        return _refuse(f"The commit was not stored: {error.message}.", 400)
    return JsonResponse({"result": "true", "errorCode": 0})
