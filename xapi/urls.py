"""The LRS's resources under /xapi/."""

from django.urls import re_path

from xapi.http.about import about_view
from xapi.http.activities import activities_view
from xapi.http.agents import agents_view
from xapi.http.documents import activity_profile_view, agent_profile_view, state_view
from xapi.http.statements import statements_view

# Clients write these with and without a trailing slash; both work, without a redirect.
urlpatterns = [
    re_path(r"^statements/?$", statements_view, name="xapi_statements"),
    re_path(r"^activities/state/?$", state_view, name="xapi_state"),
    re_path(r"^activities/profile/?$", activity_profile_view, name="xapi_activity_profile"),
    re_path(r"^activities/?$", activities_view, name="xapi_activities"),
    re_path(r"^agents/profile/?$", agent_profile_view, name="xapi_agent_profile"),
    re_path(r"^agents/?$", agents_view, name="xapi_agents"),
    re_path(r"^about/?$", about_view, name="xapi_about"),
]
