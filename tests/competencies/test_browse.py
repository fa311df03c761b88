"""Public framework pages: areas, competencies, descriptors, roles that need them, crosswalk."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competencies.models import Framework


@pytest.mark.django_db
def test_framework_list_shows_only_published_frameworks(client, framework):
    Framework.objects.create(slug="draft", name="Draft framework", version="0.1")

    html = client.get(reverse("frameworks")).content.decode()

    assert "Mini framework" in html
    assert "Draft framework" not in html


@pytest.mark.django_db
def test_framework_page_lists_levels_areas_and_competencies(client, framework):
    html = client.get(reverse("framework", args=["mini"])).content.decode()

    for text in ("4 Expert", "DA Data", "DA.1 Data literacy", "SP.1 Cyber hygiene"):
        assert text in html


@pytest.mark.django_db
def test_competency_page_shows_descriptors_roles_and_crosswalk(client, framework, requirements):
    html = client.get(reverse("competency", args=["mini", "DA.1"])).content.decode()

    assert "Builds a chart." in html
    assert "Citizen service officer" in html
    assert "Browsing, searching and filtering data" in html  # resolved DigComp link
    assert "Not yet verified" in html  # the e-CF code


@pytest.mark.django_db
def test_undescribed_levels_say_so(client, framework):
    html = client.get(reverse("competency", args=["mini", "DA.2"])).content.decode()

    assert "Not described for this competency." in html


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
