"""Evidence from a passed course package is named by its package in the reports: in a person's
own evidence list (/reports/me/) and in a department's drill-down of a competency."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from courses.loading import course_load
from courses.models import Enrolment
from packages.models import Package
from packages.outcomes import PackageOutcome, package_outcome
from tests.courses.data import course_data, lesson
from tests.html import table

WHEN = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def golf(db):
    return Package.objects.create(title="Golf explained", kind=Package.Kind.SCORM_12)


@pytest.fixture
def passed(requirements, training_lead, learner, department_lead, golf):
    """The learner passed the package of a lesson mapped to DA.1 at level 2; the department
    lead passed it on no lesson of theirs, so has no evidence."""
    data = course_data()
    quiz = lesson("Golf rules", with_check=False)
    quiz["body"].append(
        {
            "type": "package",
            "value": {"package": "golf", "competency": "DA.1", "evidences_level": 2},
        }
    )
    data["modules"][1]["lessons"].append(quiz)
    course = course_load(data, owner=training_lead, packages={"golf": golf})
    Enrolment.objects.create(user=learner, course=course)
    package_outcome.send(
        sender=Package,
        outcome=PackageOutcome(
            user_id=learner.pk,
            package_id=golf.pk,
            completed=True,
            passed=True,
            score_scaled=0.9,
            duration_seconds=None,
            occurred_at=WHEN,
        ),
    )


@pytest.mark.django_db
def test_my_report_names_the_package_behind_the_level(client, learner, passed):
    client.force_login(learner)

    html = client.get(reverse("my_report")).content.decode()

    assert table(html, "DA Data") == [
        ["Competency", "Role needs", "Gap", "Your level", "Evidence"],
        [
            "DA.1 Data literacy",
            "2",
            "Meets",
            "2 Working from a knowledge check",
            "Course package “Golf explained”: level 2, 2 March 2026",
        ],
        ["DA.2 Data ethics", "1", "Unknown", "Not yet assessed", "None yet"],
    ]


@pytest.mark.django_db
def test_the_department_drill_down_names_the_package_as_a_source(
    client, settings, department_lead, passed
):
    settings.ANALYTICS_MIN_GROUP_SIZE = 1
    client.force_login(department_lead)

    response = client.get(reverse("department_competency", args=["CRS", "DA.1"]))

    assert table(response.content, "Where the known levels come from") == [
        ["Evidence", "People"],
        ["Course package “Golf explained”", "1"],
    ]
