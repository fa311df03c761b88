"""Public framework pages: areas, competencies, descriptors, roles that need them, crosswalk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Framework
from tests.html import heading, summary, table, texts

# The framework is built once for the module; each test runs in a savepoint inside its
# transaction (tests/conftest.py).
SHARED = ("framework",)


@pytest.mark.django_db
def test_framework_list_shows_only_published_frameworks(client, framework):
    Framework.objects.create(slug="draft", name="Draft framework", version="0.1")

    html = client.get(reverse("frameworks")).content.decode()

    assert texts(html, "//main//h2") == ["DigComp (test subset)", "Mini framework"]


@pytest.mark.django_db
def test_framework_page_lists_levels_areas_and_competencies(client, framework):
    html = client.get(reverse("framework", args=["mini"])).content.decode()

    assert heading(html) == "Mini framework"
    assert summary(html) == {
        "Published by": "Test publisher",
        "Source": "Written for tests",
        "Licence": "CC BY 4.0",
        "0 Not yet": "No evidence yet.",
        "1 Awareness": "Knows the idea.",
        "2 Working": "Applies it in routine work.",
        "3 Practitioner": "Handles the unusual.",
        "4 Expert": "Sets direction.",
    }
    assert texts(html, "//main//h2") == ["Proficiency levels", "DA Data", "SP Security"]
    assert texts(html, "//main//ul/li/a") == [
        "DA.1 Data literacy",
        "DA.2 Data ethics",
        "SP.1 Cyber hygiene",
    ]


@pytest.mark.django_db
def test_competency_page_shows_descriptors_roles_and_crosswalk(client, framework, requirements):
    html = client.get(reverse("competency", args=["mini", "DA.1"])).content.decode()

    assert heading(html) == "DA.1 Data literacy"
    assert summary(html) == {
        "0 Not yet": "Not described for this competency.",
        "1 Awareness": "Reads a chart.",
        "2 Working": "Builds a chart.",
        "3 Practitioner": "Designs a dashboard.",
        "4 Expert": "Sets data strategy.",
    }
    assert table(html, "Levels needed by job role") == [
        ["Job role", "Level needed"],
        ["Citizen service officer", "2 Working"],
    ]
    # The DigComp code resolves to its competency; the e-CF code is flagged as unverified.
    assert texts(html, "//main//ul[contains(@class, 'govuk-list--bullet')]/li") == [
        "DigComp 2.2: 1.1 Browsing, searching and filtering data",
        "e-CF: D.7 Not yet verified",
    ]


@pytest.mark.django_db
def test_undescribed_levels_say_so(client, framework):
    html = client.get(reverse("competency", args=["mini", "DA.2"])).content.decode()

    assert summary(html) == {
        "0 Not yet": "Not described for this competency.",
        "1 Awareness": "Not described for this competency.",
        "2 Working": "Spots an ethical risk.",
        "3 Practitioner": "Not described for this competency.",
        "4 Expert": "Not described for this competency.",
    }


@pytest.mark.django_db
def test_unknown_framework_or_competency_is_404(client, framework):
    assert client.get(reverse("framework", args=["nothing"])).status_code == 404
    assert client.get(reverse("competency", args=["mini", "XX.9"])).status_code == 404


@pytest.mark.django_db
def test_competency_page_query_count_does_not_grow_with_requirements(
    client, framework, requirements, department
):
    from competencies.models import Competency, RoleRequirement
    from tests.factories import JobRoleFactory

    url = reverse("competency", args=["mini", "DA.1"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    competency = Competency.objects.get(code="DA.1")
    for _ in range(5):
        RoleRequirement.objects.create(job_role=JobRoleFactory(), competency=competency, level=2)
    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
