"""Certificates: a PDF for the learner only, and a public verification page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from courses.models import Certificate, Enrolment
from tests.factories import make_person


@pytest.fixture
def certificate(learner, course):
    from django.utils import timezone

    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    return Certificate.objects.create(enrolment=enrolment)


@pytest.mark.django_db
def test_learner_downloads_their_certificate_as_pdf(client, learner, certificate):
    client.force_login(learner)

    response = client.get(reverse("certificate_download", args=[certificate.code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_certificate_names_its_verification_address_on_site_url_whatever_the_host(
    client, learner, certificate, settings
):
    settings.SITE_URL = "https://learning.city.example.gov"
    settings.SERVICE_NAME = "City Learning"
    client.force_login(learner)

    response = client.get(
        reverse("certificate_download", args=[certificate.code]), HTTP_HOST="localhost"
    )

    assert response.status_code == 200
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    assert text.startswith("City Learning Certificate of completion")
    verify = reverse("certificate_verify", args=[certificate.code])
    assert text.endswith(
        f"Reference {certificate.code}. Check this certificate at "
        f"https://learning.city.example.gov{verify}"
    )


@pytest.mark.django_db
def test_nobody_else_downloads_it(client, certificate):
    client.force_login(make_person())

    assert client.get(reverse("certificate_download", args=[certificate.code])).status_code == 404


@pytest.mark.django_db
def test_anyone_can_verify_a_certificate(client, learner, certificate):
    html = client.get(reverse("certificate_verify", args=[certificate.code])).content.decode()

    assert "Certificate is valid" in html
    assert learner.get_full_name() in html
    assert "Data basics" in html


@pytest.mark.django_db
def test_unknown_certificate_says_certificate_not_found_in_the_service_style(client, settings):
    settings.SERVICE_NAME = "City Learning"

    response = client.get(reverse("certificate_verify", args=["made-up"]))

    assert response.status_code == 404
    assert response.templates[0].name == "courses/certificate_not_found.html"
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Certificate not found</h1>' in html
    assert "There is no certificate with the reference <strong" in html
    assert ">made-up</strong>" in html
    assert '<a class="govuk-link" href="/">Go to the home page of City Learning</a>' in html
    assert "<title>Certificate not found" in html
