"""Keeps the content origin and the platform apart: each answers only its own routes."""

from collections.abc import Callable
from http.cookies import SimpleCookie

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound

from .serving import CONTENT_PREFIX, is_content_origin_request, platform_origin


class ContentOriginMiddleware:
    """On the content origin, only `/package-content/` routes answer; on the platform, they 404.

    Responses from the content origin set no cookie, may be framed by the platform (and by the
    content origin itself, where the SCORM player frames a SCO), and never leak a referrer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        on_content_origin = is_content_origin_request(request)
        if on_content_origin != request.path.startswith(CONTENT_PREFIX):
            # Plain text: the platform's 404 page would run template code for a request whose
            # session and user were never loaded.
            return HttpResponseNotFound("Not found.", content_type="text/plain; charset=utf-8")
        response = self.get_response(request)
        if on_content_origin:
            self._harden(response)
        return response

    @staticmethod
    def _harden(response: HttpResponse) -> None:
        response.cookies = SimpleCookie()
        # The platform frames packages: X-Frame-Options cannot name another origin; CSP can.
        if "X-Frame-Options" in response.headers:
            del response.headers["X-Frame-Options"]
        response.headers["Content-Security-Policy"] = f"frame-ancestors {platform_origin()} 'self'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        # Packages are loaded by the platform's pages, which are on another site in development.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
