"""A person's current level is the same wherever it is shown: their skills profile, their skills
report, their line manager's team page and the department report all read it from one place."""

import lxml.html
import pytest
from django.core.cache import cache
from django.urls import reverse

from competencies.models import Competency
from competencies.proficiency import Reported, Source, current_levels
from courses.loading import course_load
from courses.selectors import recommendations
from tests.analytics.scenario import OFFICER, THRESHOLD, build_organisation
from tests.analytics.test_evidence_trust import post_validation
from tests.courses.data import course_data
from tests.courses.helpers import form, lessons, right_answers
from tests.factories import make_person
from xapi.models import Statement
from xapi.services import lrs_client_upsert
from xapi.vocab import VERB_PASSED

LEVEL_HEADERS = {"Your level", "Current level", "Level"}


def text_of(element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def row_of(html: str, code: str, caption: str | None = None) -> dict[str, str]:
    """The cells of the table row headed by competency `code`, by column header; with
    `caption`, only in the table whose caption starts with it."""
    page = lxml.html.fromstring(html)
    for table in page.iter("table"):
        title = " ".join(table.xpath("string(caption)").split())
        if caption is not None and not title.startswith(caption):
            continue
        headers = [text_of(th) for th in table.xpath("thead/tr/th")]
        for row in table.xpath("tbody/tr"):
            cells = [text_of(cell) for cell in row.xpath("th|td")]
            if cells and cells[0].split(" ")[0] == code:
                return dict(zip(headers, cells, strict=False))
    raise AssertionError(f"no row for {code}")


def shown(row: dict[str, str]) -> tuple[int | None, str]:
    """(level, gap) as a page shows them: the leading number of the level cell, None for
    "Not known" or no level column at all."""
    level = next((row[h] for h in LEVEL_HEADERS if h in row), "")
    first = level.split(" ")[0] if level else ""
    return (int(first) if first.isdigit() else None, row["Gap"])


def everywhere(client, person, manager, department: str, code: str) -> dict[str, tuple]:
    """(level, gap) of `person` in competency `code` on each page that shows it: their skills
    profile and skills report, their line manager's team page and department report."""
    client.force_login(person)
    found = {
        "skills profile": shown(row_of(client.get(reverse("skills")).content.decode(), code)),
        "skills report": shown(row_of(client.get(reverse("my_report")).content.decode(), code)),
    }
    client.force_login(manager)
    team = client.get(reverse("team_member", args=[person.pk])).content.decode()
    report = client.get(reverse("department_report", args=[department])).content.decode()
    found["team page"] = shown(row_of(team, code))
    found["department report"] = shown(row_of(report, code, caption=f"Levels of {person}"))
    return found


def cell_of(client, manager, department: str, job_role: str, code: str) -> tuple:
    """(people, known, meeting, below) of a job role's group in the department report."""
    cache.clear()  # reports are fresh for a minute; each reading here wants the current one
    client.force_login(manager)
    grid = client.get(reverse("department_report", args=[department])).context["report"].grid
    cell = grid[(grid["job_role"] == job_role) & (grid["competency"] == code)].iloc[0]
    assert not cell["suppressed"]
    return tuple(int(cell[k]) for k in ("people", "known", "meeting", "below"))


@pytest.mark.django_db
@pytest.mark.parametrize("own_answer", [None, "0"], ids=["no self-assessment", "self-assessed 0"])
def test_a_passed_check_shows_the_same_level_on_every_page(
    client,
    settings,
    learner,
    department_lead,
    department,
    job_role,
    course,
    requirements,
    own_answer,
):
    # Enough colleagues in the learner's department and job role for the report to show them
    # (the lead has the job role too): none of them has any evidence.
    for _ in range(settings.ANALYTICS_MIN_GROUP_SIZE):
        make_person(department=department, job_role=job_role, line_manager=department_lead)
    da1 = Competency.objects.get(framework__slug="mini", code="DA.1")
    client.force_login(learner)
    if own_answer is not None:
        da2 = Competency.objects.get(framework__slug="mini", code="DA.2")
        client.post(
            reverse("self_assessment_area", args=["DA"]),
            {f"competency_{da1.pk}": own_answer, f"competency_{da2.pk}": "unknown"},
        )
    client.post(reverse("enrol", args=[course.pk]))
    first = lessons()[0]
    assert first.knowledge_check().value["competency"] == da1

    passed = client.post(reverse("submit_check", args=[first.pk]), form(right_answers(first)))

    assert passed.status_code == 302
    # The check evidences DA.1 at 2 and the job role needs 2: every page says 2 and meets,
    # and the report counts the learner, the only one known in the group, as meeting.
    assert everywhere(client, learner, department_lead, department.code, "DA.1") == {
        "skills profile": (2, "Meets"),
        "skills report": (2, "Meets"),
        "team page": (2, "Meets"),
        "department report": (2, "Meets"),
    }
    people = settings.ANALYTICS_MIN_GROUP_SIZE + 2
    assert cell_of(client, department_lead, department.code, job_role.code, "DA.1") == (
        people,
        1,
        1,
        0,
    )
    assert current_levels(learner, da1.framework)[da1.pk] == Reported(
        level=2,
        source=Source.CHECK,
        at=Statement.objects.get(verb_id=VERB_PASSED).timestamp,
        assessed=2,
        completion=None,
        self_level=None if own_answer is None else 0,
    )


@pytest.mark.django_db
def test_the_manager_confirming_a_level_sees_the_current_level(
    client, learner, department_lead, course, requirements
):
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    first = lessons()[0]
    client.post(reverse("submit_check", args=[first.pk]), form(right_answers(first)))
    client.force_login(department_lead)

    page = client.get(reverse("validate", args=[learner.pk, "DA.1"]))

    assert "Their current level: 2 Working, from a knowledge check." in text_of(
        lxml.html.fromstring(page.content.decode())
    )


@pytest.mark.django_db
def test_recommendations_follow_the_current_level(
    client, learner, training_lead, course, requirements
):
    deeper = course_load(
        course_data(
            slug="data-deeper",
            title="Data deeper",
            competency_targets=[{"code": "DA.1", "level": 2}],
        ),
        owner=training_lead,
    )
    client.force_login(learner)
    client.post(reverse("enrol", args=[course.pk]))
    assert [(r.course, r.closes) for r in recommendations(learner)] == [
        (deeper, [("DA.1", 2, None)])
    ]
    first = lessons()[0]

    client.post(reverse("submit_check", args=[first.pk]), form(right_answers(first)))

    # The check evidences DA.1 at 2, what the role needs: nothing is left to close.
    assert recommendations(learner) == []


@pytest.mark.django_db
def test_evidence_from_lrs_clients_counts_on_every_page_as_in_the_report(
    client, settings, framework
):
    """Only a client trusted for validations changes a level, on the pages as in the report."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    organisation = build_organisation()
    for name, key, trusted in (
        ("HR appraisal system", "appraisals", ["validation"]),
        ("Authoring tool", "tool", []),
    ):
        lrs_client_upsert(
            name=name,
            key=key,
            secret=f"{key}-secret",
            scopes=["statements/write"],
            trusted_evidence=trusted,
        )
    da1 = Competency.objects.get(framework__slug="mini", code="DA.1")
    o2, o3 = organisation.people["o2"], organisation.people["o3"]
    lead = organisation.managers["CRS"]
    officer = organisation.roles[OFFICER].code
    # Officers need DA.1 at 1: o2 answered 1 (meets), o3 answered 0 (below); 5 of 8 known.
    assert cell_of(client, lead, "CRS", officer, "DA.1") == (8, 5, 4, 1)

    post_validation(
        client, key="appraisals", secret="appraisals-secret", learner=o3, competency=da1, level=3
    )
    post_validation(client, key="tool", secret="tool-secret", learner=o2, competency=da1, level=0)

    for person, expected in ((o3, (3, "Meets")), (o2, (1, "Meets"))):
        assert everywhere(client, person, lead, "CRS", "DA.1") == {
            "skills profile": expected,
            "skills report": expected,
            "team page": expected,
            "department report": expected,
        }, person
    assert cell_of(client, lead, "CRS", officer, "DA.1") == (8, 5, 5, 0)
