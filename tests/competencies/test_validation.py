"""Manager validation: only a person's line manager confirms or adjusts their level."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from competencies.models import Competency, ManagerValidation
from competencies.services import manager_validation_record
from tests.factories import make_person
from tests.html import heading, table, texts
from xapi.models import Statement
from xapi.vocab import extension_level_claimed, verb_validated

# The people and the framework are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("learner", "framework")

NONE = "\N{EN DASH}"  # an empty cell


@pytest.mark.django_db
def test_manager_sees_their_team_and_a_report_profile(
    client, department_lead, learner, framework, requirements
):
    client.force_login(learner)
    client.post(
        reverse("self_assessment_area", args=["DA"]),
        {
            f"competency_{Competency.objects.get(code='DA.1').pk}": "1",
            f"competency_{Competency.objects.get(code='DA.2').pk}": "unknown",
        },
    )
    client.force_login(department_lead)

    team = client.get(reverse("team")).content
    member = client.get(reverse("team_member", args=[learner.pk])).content

    assert texts(team, "//main//ul/li") == [f"{learner}, Citizen service officer"]
    assert heading(member) == str(learner)
    columns = [
        "Competency",
        "Role needs",
        "Gap",
        "Current level",
        "Self-assessed",
        "Confirmed by manager",
        "Action",
    ]
    # Each row: the role's need, the gap, the current level and where it comes from, the
    # person's own answer and the manager's confirmation (none yet).
    assert [table(member, "DA Data"), table(member, "SP Security")] == [
        [
            columns,
            [
                "DA.1 Data literacy",
                "2",
                "1 below",
                "1 from a self-assessment",
                "1",
                NONE,
                "Confirm DA.1",
            ],
            [
                "DA.2 Data ethics",
                "1",
                "Unknown",
                "Not yet assessed",
                "I don't know",
                NONE,
                "Confirm DA.2",
            ],
        ],
        [
            columns,
            [
                "SP.1 Cyber hygiene",
                "3",
                "Unknown",
                "Not yet assessed",
                "Not answered",
                NONE,
                "Confirm SP.1",
            ],
        ],
    ]


@pytest.mark.django_db
def test_manager_confirms_a_level_with_a_comment_kept_out_of_the_record(
    client, department_lead, learner, framework
):
    client.force_login(department_lead)

    response = client.post(
        reverse("validate", args=[learner.pk, "DA.1"]),
        {"level": "3", "comment": "Saw her build the permits dashboard"},
    )

    assert response.status_code == 302
    validation = ManagerValidation.objects.get()
    assert (validation.learner, validation.manager, validation.level) == (
        learner,
        department_lead,
        3,
    )
    statement = Statement.objects.get().data
    assert statement["verb"]["id"] == verb_validated()
    assert statement["result"]["extensions"][extension_level_claimed()] == 3
    assert "dashboard" not in str(statement)
    assert learner.email not in str(statement)


@pytest.mark.django_db
def test_only_the_line_manager_can_open_or_validate(client, learner, framework):
    stranger = make_person()
    client.force_login(stranger)

    assert client.get(reverse("team_member", args=[learner.pk])).status_code == 404
    assert (
        client.post(reverse("validate", args=[learner.pk, "DA.1"]), {"level": "3"}).status_code
        == 404
    )
    assert ManagerValidation.objects.count() == 0
    with pytest.raises(PermissionDenied):
        manager_validation_record(
            manager=stranger,
            learner=learner,
            competency=Competency.objects.get(code="DA.1"),
            level=2,
        )


@pytest.mark.django_db
def test_validation_needs_a_level(client, department_lead, learner, framework):
    client.force_login(department_lead)

    response = client.post(reverse("validate", args=[learner.pk, "DA.1"]), {"level": "12"})

    assert response.status_code == 200
    assert texts(response.content, "//ul[contains(@class, 'govuk-error-summary__list')]/li") == [
        "Select a valid choice. 12 is not one of the available choices."
    ]
    assert ManagerValidation.objects.count() == 0


@pytest.mark.django_db
def test_validated_level_counts_before_self_assessment_in_results(
    client, department_lead, learner, framework, requirements
):
    client.force_login(learner)
    client.post(
        reverse("self_assessment_area", args=["DA"]),
        {
            f"competency_{Competency.objects.get(code='DA.1').pk}": "1",
            f"competency_{Competency.objects.get(code='DA.2').pk}": "1",
        },
    )
    manager_validation_record(
        manager=department_lead,
        learner=learner,
        competency=Competency.objects.get(code="DA.1"),
        level=2,
    )

    rows = {
        row.competency.code: row
        for _, area in client.get(reverse("self_assessment_results")).context["profile"]
        for row in area
    }

    assert (rows["DA.1"].self_assessed, rows["DA.1"].validated, rows["DA.1"].gap) == (1, 2, 0)
