"""The Activities resource: the LRS's canonical definition of one activity."""

import json

from django.http import HttpResponse

from xapi import selectors
from xapi.http.errors import XapiHttpError, bad_request
from xapi.http.request import LrsRequest, lrs_view
from xapi.validation.primitives import check_iri


def activities_resource(request: LrsRequest) -> HttpResponse:
    if not request.client.allows("all/read", "statements/read", "define", "profile", "state"):
        raise XapiHttpError(403, "This client may not read activities.")
    params = request.params
    if set(params) != {"activityId"}:
        raise bad_request("GET /activities takes exactly one parameter: activityId.")
    activity_id = check_iri(params["activityId"], "activityId")
    definition = selectors.activity_definition(activity_id)
    body = {"objectType": "Activity", "id": activity_id}
    if definition:
        body["definition"] = definition
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


activities_view = lrs_view(activities_resource, methods={"GET"})
