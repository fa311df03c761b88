"""Certificates: a PDF for the learner, and a verification page anyone can open."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.adapter import on_site
from courses.models import Certificate


def _certificate(code: str) -> Certificate:
    return get_object_or_404(
        Certificate.objects.select_related("enrolment__user", "enrolment__course"), code=code
    )


def verify(request: HttpRequest, code: str) -> HttpResponse:
    certificate = (
        Certificate.objects.select_related("enrolment__user", "enrolment__course")
        .filter(code=code)
        .first()
    )
    if certificate is None:
        # Anyone may follow a mistyped link: say so in the service's words, not a bare 404.
        return TemplateResponse(
            request, "courses/certificate_not_found.html", {"code": code}, status=404
        )
    return TemplateResponse(
        request, "courses/certificate_verify.html", {"certificate": certificate}
    )


@login_required
def download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    if certificate.enrolment.user_id != request.user.pk:
        raise Http404("No such certificate.")
    from weasyprint import HTML  # imported here: it loads native libraries, only needed now

    # The certificate travels: its address is the site's, never the Host the request named.
    verify_url = on_site(reverse("certificate_verify", args=[code]))
    html = render_to_string(
        "courses/certificate.html",
        {
            "certificate": certificate,
            "verify_url": verify_url,
            "service_name": settings.SERVICE_NAME,
        },
    )
    pdf = HTML(string=html, base_url=settings.SITE_URL).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    return response
