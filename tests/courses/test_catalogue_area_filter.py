"""The catalogue's competency filter follows the chosen skill area, without JavaScript: the
area narrows the competency list, and a competency from another area is set aside."""

import re

import pytest
from django.urls import reverse

from courses.loading import course_load
from tests.courses.data import course_data

pytestmark = pytest.mark.django_db


# The people and the courses are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("course",)


@pytest.fixture(scope="module", autouse=True)
def security_habits(shared):
    security = course_data(
        slug="security-habits",
        title="Security habits",
        competency_targets=[{"code": "SP.1", "level": 2}],
    )
    return shared.build(course_load, security, owner=shared["training_lead"])


@pytest.fixture
def courses(shared, course, security_habits):
    return {"data": course, "security": shared.fresh(security_habits)}


def competency_select(html: str) -> list[tuple[str, str, str]]:
    """(group, value, label) of each option of the competency list, "*" after a chosen one."""
    select = re.search(r'<select name="competency"[^>]*>(.*?)</select>', html, re.S)[1]
    found, group = [], ""
    for tag in re.finditer(
        r'<optgroup label="([^"]*)">|<option value="([^"]*)"( selected)?>([^<]*)', select
    ):
        if tag[1] is not None:
            group = tag[1]
        else:
            found.append((group, tag[2], tag[4] + ("*" if tag[3] else "")))
    return found


def test_without_an_area_every_competency_is_offered_grouped_by_area(client, courses):
    html = client.get(reverse("catalogue")).content.decode()

    assert competency_select(html) == [
        ("", "", "Any competency*"),
        ("DA Data", "DA.1", "DA.1 Data literacy"),
        ("DA Data", "DA.2", "DA.2 Data ethics"),
        ("SP Security", "SP.1", "SP.1 Cyber hygiene"),
    ]


def test_choosing_an_area_offers_only_its_competencies(client, courses):
    response = client.get(reverse("catalogue"), {"area": "DA"})

    assert competency_select(response.content.decode()) == [
        ("", "", "Any competency*"),
        ("", "DA.1", "DA.1 Data literacy"),
        ("", "DA.2", "DA.2 Data ethics"),
    ]
    assert [c.title for c in response.context["courses"]] == ["Data basics"]


def test_a_competency_of_the_chosen_area_narrows_the_results(client, courses):
    response = client.get(reverse("catalogue"), {"area": "SP", "competency": "SP.1"})

    assert competency_select(response.content.decode()) == [
        ("", "", "Any competency"),
        ("", "SP.1", "SP.1 Cyber hygiene*"),
    ]
    assert [c.title for c in response.context["courses"]] == ["Data basics", "Security habits"]
    assert response.context["competency_set_aside"] is None


def test_a_competency_from_another_area_is_set_aside_and_the_area_wins(client, courses):
    response = client.get(reverse("catalogue"), {"area": "SP", "competency": "DA.2"})
    html = response.content.decode()

    assert response.status_code == 200
    assert [c.title for c in response.context["courses"]] == ["Data basics", "Security habits"]
    assert competency_select(html) == [
        ("", "", "Any competency*"),
        ("", "SP.1", "SP.1 Cyber hygiene"),
    ]
    assert "govuk-error-summary" not in html
    assert (
        '<div class="govuk-inset-text" id="competency-set-aside">Data ethics (DA.2) is not in '
        "the skill area you chose, so these results show the whole area."
    ) in html


def test_an_unknown_competency_is_still_an_error(client, courses):
    response = client.get(reverse("catalogue"), {"area": "SP", "competency": "ZZ.9"})

    assert response.context["invalid"] is True
    assert response.context["form"].errors == {
        "competency": ["Select a valid choice. ZZ.9 is not one of the available choices."]
    }
