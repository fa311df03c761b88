"""A programme's certificate, for the person who holds it."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from courses import programmes


@login_required
def certificate(request: HttpRequest, code: str) -> HttpResponse:
    completion = programmes.programme_completion_by_reference(code)
    # Someone else's certificate is answered as one that does not exist: a reference alone
    # must not reveal who completed what.
    if completion is None or completion.user_id != request.user.pk:
        raise Http404("No such certificate.")
    return TemplateResponse(
        request,
        "courses/programme_certificate.html",
        {
            "completion": completion,
            "programme": completion.programme,
            "courses": programmes.programme_courses_completed(completion),
            "competencies": programmes.programme_competencies(completion.programme),
            "service_name": settings.SERVICE_NAME,
            "organisation_name": settings.ORGANISATION_NAME,
        },
    )
