"""cmi5's routes on the content origin, beside the package files an AU is served from: the
one-time fetch URL, and the LRS endpoint AUs are given (the platform's LRS, mounted here so an
AU's requests are same-origin)."""

import functools

from django.urls import re_path

from cmi5 import views
from xapi.http.about import about_view
from xapi.http.documents import activity_profile_view, agent_profile_view, state_view
from xapi.http.statements import statements_view


def for_content(view):
    """The LRS as an AU's script in a browser needs it.

    A browser meeting a Basic challenge in a script's request asks the learner for a password,
    and the AU stalls behind the dialog: here a 401 says no without challenging. And nothing is
    cached: a document read from the browser's cache would not count as read (cmi5 11), and a
    learner's records have no business staying in a shared machine's cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if "WWW-Authenticate" in response.headers:
            del response.headers["WWW-Authenticate"]
        response.headers["Cache-Control"] = "no-store"
        return response

    return wrapped


urlpatterns = [
    re_path(r"^fetch/(?P<token>[A-Za-z0-9_\-]{1,64})$", views.fetch_view, name="cmi5_fetch"),
    re_path(r"^xapi/statements/?$", for_content(statements_view)),
    re_path(r"^xapi/activities/state/?$", for_content(state_view)),
    re_path(r"^xapi/activities/profile/?$", for_content(activity_profile_view)),
    re_path(r"^xapi/agents/profile/?$", for_content(agent_profile_view)),
    re_path(r"^xapi/about/?$", about_view),
]
