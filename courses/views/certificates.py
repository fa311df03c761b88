"""Certificates: a PDF for the learner, and a verification page anyone can open."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.adapter import on_site
from courses import selectors


def verify(request: HttpRequest, code: str) -> HttpResponse:
    # A reference read off paper may be typed in any case, with or without its dashes.
    certificate = selectors.certificate_by_reference(code)
    if certificate is None:
        # Anyone may follow a mistyped link: say so in the service's words, not a bare 404.
        return TemplateResponse(
            request, "courses/certificate_not_found.html", {"code": code}, status=404
        )
    return TemplateResponse(
        request,
        "courses/certificate_verify.html",
        {
            "certificate": certificate,
            "competencies": selectors.certificate_competencies(certificate),
        },
    )


@login_required
def download(request: HttpRequest, code: str) -> HttpResponse:
    certificate = selectors.certificate_by_reference(code)
    if certificate is None or certificate.enrolment.user_id != request.user.pk:
        raise Http404("No such certificate.")
    code = certificate.code
    from weasyprint import HTML  # imported here: it loads native libraries, only needed now

    # The certificate travels: its address is the site's, never the Host the request named.
    verify_url = on_site(reverse("certificate_verify", args=[code]))
    html = render_to_string(
        "courses/certificate.html",
        {
            "certificate": certificate,
            "competencies": selectors.certificate_competencies(certificate),
            "verify_url": verify_url,
            "service_name": settings.SERVICE_NAME,
            "organisation_name": settings.ORGANISATION_NAME,
        },
    )
    pdf = HTML(string=html, base_url=settings.SITE_URL).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{code}.pdf"'
    return response
