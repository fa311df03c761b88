"""cmi5's routes on the content origin, beside the package files an AU is served from: the
one-time fetch URL, and the LRS endpoint AUs are given (the platform's LRS, mounted here so an
AU in a package is same-origin with it).

AUs of a standalone course structure are hosted elsewhere, so this endpoint, unlike the
platform's /xapi/, grants cross-origin access. That is safe here: the content origin never
holds a cookie, so a request carries only the credentials its script holds (a session's token
from the fetch URL, which only the launch URL names), and those work only within their session.
"""

import functools

from django.http import HttpResponse
from django.urls import re_path

from cmi5 import views
from xapi.http.about import about_view
from xapi.http.documents import activity_profile_view, agent_profile_view, state_view
from xapi.http.statements import statements_view

ALLOWED_HEADERS = "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match"
EXPOSED_HEADERS = (
    "ETag, Last-Modified, X-Experience-API-Version, X-Experience-API-Consistent-Through"
)


def _cross_origin(response: HttpResponse) -> HttpResponse:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response


def for_content(view, *, methods: str = "GET, HEAD, PUT, POST, DELETE"):
    """The LRS as an AU's script in a browser needs it.

    A browser meeting a Basic challenge in a script's request asks the learner for a password,
    and the AU stalls behind the dialog: here a 401 says no without challenging. Nothing is
    cached: a document read from the browser's cache would not count as read (cmi5 11), and a
    learner's records have no business staying in a shared machine's cache. Preflights from AUs
    hosted elsewhere are answered."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response.headers["Access-Control-Allow-Methods"] = methods
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
            return _cross_origin(response)
        response = view(request, *args, **kwargs)
        if "WWW-Authenticate" in response.headers:
            del response.headers["WWW-Authenticate"]
        response.headers["Cache-Control"] = "no-store"
        return _cross_origin(response)

    return wrapped


urlpatterns = [
    re_path(
        r"^fetch/(?P<token>[A-Za-z0-9_\-]{1,64})$",
        for_content(views.fetch_view, methods="POST"),
        name="cmi5_fetch",
    ),
    re_path(r"^xapi/statements/?$", for_content(statements_view)),
    re_path(r"^xapi/activities/state/?$", for_content(state_view)),
    re_path(r"^xapi/activities/profile/?$", for_content(activity_profile_view)),
    re_path(r"^xapi/agents/profile/?$", for_content(agent_profile_view)),
    re_path(r"^xapi/about/?$", for_content(about_view, methods="GET, HEAD")),
]
