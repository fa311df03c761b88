"""The Agents resource: a Person object for one Agent."""

import json

from django.http import HttpResponse

from xapi.http.documents import parse_agent
from xapi.http.errors import XapiHttpError, bad_request
from xapi.http.request import LrsRequest, lrs_view


def agents_resource(request: LrsRequest) -> HttpResponse:
    if not request.client.allows("all/read", "statements/read", "profile", "state"):
        raise XapiHttpError(403, "This client may not read agents.")
    if set(request.params) != {"agent"}:
        raise bad_request("GET /agents takes exactly one parameter: agent.")
    agent, _ = parse_agent(request)
    person = {"objectType": "Person"}
    if "name" in agent:
        person["name"] = [agent["name"]]
    for key in ("mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return HttpResponse(json.dumps(person, ensure_ascii=False), content_type="application/json")


agents_view = lrs_view(agents_resource, methods={"GET"})
