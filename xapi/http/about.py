"""The About resource: which xAPI versions this LRS speaks. Needs no credentials."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from xapi.http.request import error_response

ABOUT = {"version": ["1.0.0", "1.0.1", "1.0.2", "1.0.3", "2.0.0"], "extensions": {}}


@csrf_exempt
def about_view(request: HttpRequest):
    if request.method not in ("GET", "HEAD"):
        response = error_response(
            405, f"{request.method} is not allowed on /about.", {"Allow": "GET, HEAD"}
        )
    else:
        response = JsonResponse(ABOUT)
    requested = request.headers.get("X-Experience-API-Version", "")
    response["X-Experience-API-Version"] = "2.0.0" if requested.startswith("2.") else "1.0.3"
    return response
