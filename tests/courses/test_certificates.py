"""Certificates: a PDF for the learner only, and a public verification page."""

import io
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from pypdf import PdfReader

from courses.models import Certificate, Enrolment
from tests.factories import make_person
from tests.html import heading, texts

# The people and the course are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("learner", "course")


@pytest.fixture
def certificate(learner, course):
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

    completed_on = dateformat.format(
        timezone.localtime(certificate.enrolment.completed_at), "j F Y"
    )
    assert heading(html) == "Certificate is valid"
    assert texts(html, "//div[contains(@class, 'govuk-panel__body')]") == [
        f"Reference {certificate.code}"
    ]
    assert texts(html, "//main//p[contains(@class, 'govuk-body')]")[0] == (
        f"{learner.get_full_name()} completed Data basics on {completed_on}."
    )


@pytest.mark.django_db
def test_unknown_certificate_says_certificate_not_found_in_the_service_style(client, settings):
    settings.SERVICE_NAME = "City Learning"

    response = client.get(reverse("certificate_verify", args=["made-up"]))

    assert response.status_code == 404
    assert response.templates[0].name == "courses/certificate_not_found.html"
    html = response.content.decode()
    assert heading(html) == "Certificate not found"
    assert texts(html, "//main//p") == [
        "There is no certificate with the reference made-up.",
        "Check the reference against the certificate, character by character, and try the web "
        "address again.",
        "If the reference is right, ask the person who shared the certificate to send you its "
        "verification link from the certificate itself.",
        "Go to the home page of City Learning",
    ]
    assert texts(html, "//main//strong") == ["made-up"]
    assert texts(html, "//main//a[@href='/']") == ["Go to the home page of City Learning"]
    assert texts(html, "//title") == ["Certificate not found \u2013 City Learning"]


UNAMBIGUOUS = re.compile(r"[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){3}")


@pytest.mark.django_db
def test_new_references_use_no_character_that_reads_as_another(learner, course):
    from courses.models.records import _certificate_code

    references = {_certificate_code() for _ in range(500)}

    assert len(references) == 500
    assert [code for code in references if not UNAMBIGUOUS.fullmatch(code)] == []
    assert set("".join(references)) & set("IiLlOoUu01") == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code.lower(),
        lambda code: code.replace("-", ""),
        lambda code: " ".join(code.lower().split("-")),
        lambda code: code.replace("-", "\u2013"),  # an en dash from a word processor
    ],
)
def test_a_reference_is_found_whatever_its_case_and_separators(client, certificate, typed):
    response = client.get(reverse("certificate_verify", args=[typed(certificate.code)]))

    assert response.status_code == 200
    assert response.context["certificate"] == certificate


@pytest.mark.django_db
def test_references_issued_before_keep_working_exactly_as_issued(client, learner, course):
    enrolment = Enrolment.objects.create(user=learner, course=course, completed_at=timezone.now())
    old = Certificate.objects.create(enrolment=enrolment, code="Ol1I-xZ_9qLkVb0A")

    verify = client.get(reverse("certificate_verify", args=[old.code]))
    assert (verify.status_code, heading(verify.content)) == (200, "Certificate is valid")
    assert texts(verify.content, "//div[contains(@class, 'govuk-panel__body')]") == [
        "Reference Ol1I-xZ_9qLkVb0A"
    ]
    client.force_login(learner)
    pdf = client.get(reverse("certificate_download", args=[old.code]))
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")


def summary_rows(html: str) -> list[tuple[str, str]]:
    block = html.split('id="evidenced-competencies"', 1)[1].split("</dl>", 1)[0]
    return re.findall(
        r'<dt class="govuk-summary-list__key">([^<]*)</dt>\s*'
        r'<dd class="govuk-summary-list__value">([^<]*)</dd>',
        block,
    )


@pytest.mark.django_db
def test_the_verification_page_names_the_competencies_and_levels_evidenced(client, certificate):
    html = client.get(reverse("certificate_verify", args=[certificate.code])).content.decode()

    assert texts(html, "//main//h2") == ["Skills and levels this course confirms"]
    assert summary_rows(html) == [
        ("Data literacy (DA.1)", "Level 2: Working"),
        ("Cyber hygiene (SP.1)", "Level 1: Awareness"),
    ]


@pytest.mark.django_db
def test_the_pdf_names_the_competencies_and_levels_evidenced(client, learner, certificate):
    client.force_login(learner)

    response = client.get(reverse("certificate_download", args=[certificate.code.lower()]))

    assert response.status_code == 200
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(pages[0].extract_text().split())
    assert len(pages) == 1
    assert (
        "Skills and levels this course confirms Code Competency Level "
        "DA.1 Data literacy Level 2: Working "
        "SP.1 Cyber hygiene Level 1: Awareness"
    ) in text
    assert f"Reference {certificate.code}." in text
