"""Serves a package's unpacked files on the content origin."""

import mimetypes

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .models import Package
from .serving import package_file_path

# Types packages rely on that some systems' mime tables lack or get wrong.
_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webp": "image/webp",
    ".mp4": "video/mp4",
    ".vtt": "text/vtt",
    ".wasm": "application/wasm",
}


def content_type_for(name: str) -> str:
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    # No charset is added: older packages declare their own in a <meta> tag, which then holds.
    return _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


@require_safe
def package_file(request: HttpRequest, package_uuid, path: str) -> FileResponse:
    package = get_object_or_404(Package, uuid=package_uuid)
    file_path = package_file_path(package, path)
    if file_path is None:
        raise Http404("No such file in this package.")
    response = FileResponse(file_path.open("rb"), content_type=content_type_for(file_path.name))
    # A package's files never change: a new version is a new upload with a new address.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
