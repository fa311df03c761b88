"""Framework pages, self-assessment and manager validation in a real browser: axe-core, 320 px,
no JavaScript."""

import re

import pytest
from playwright.sync_api import expect

import content_fixtures
from accounts.roles import Role
from competencies.models import ManagerValidation, SelfAssessment
from competencies.services import framework_load, role_requirements_load
from organisations.models import Department, JobRole
from organisations.services import organisation_load
from tests.browser.axe import axe_violations, horizontal_overflow
from tests.browser.conftest import once_per_module
from tests.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def seeded(request, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "pcdcf"
    return once_per_module(request, build_seeded)


def build_seeded():
    organisation = content_fixtures.read("organisation")
    organisation_load(departments=organisation["departments"], job_roles=organisation["job_roles"])
    framework_load(content_fixtures.read("frameworks/digcomp-2-2"))
    framework_load(content_fixtures.read("frameworks/people-centred-digital-capacity"))
    role_requirements_load(content_fixtures.read("frameworks/role-requirements"))
    crs = Department.objects.get(code="CRS")
    manager = make_person(
        roles=[Role.LEARNER, Role.DEPARTMENT_LEAD],
        department=crs,
        job_role=JobRole.objects.get(code="department-director"),
        first_name="Grace",
        last_name="Mwangi",
    )
    learner = make_person(
        department=crs,
        job_role=JobRole.objects.get(code="citizen-service-officer"),
        line_manager=manager,
        first_name="Amina",
        last_name="Okafor",
    )
    return {"manager": manager, "learner": learner}


PUBLIC_PAGES = [
    "/frameworks/",
    "/frameworks/pcdcf/",
    "/frameworks/pcdcf/DA.5/",
    "/frameworks/digcomp22/1.1/",
]
LEARNER_PAGES = ["/self-assessment/", "/self-assessment/DA/", "/self-assessment/results/"]


def test_pages_pass_axe_at_desktop_and_320px(new_page, sign_in_as, seeded):
    learner = seeded["learner"].pk
    visits = [
        (seeded["learner"], PUBLIC_PAGES + LEARNER_PAGES),
        (seeded["manager"], ["/team/", f"/team/{learner}/", f"/team/{learner}/DA.1/"]),
    ]
    seen = {}
    for person, paths in visits:
        # One page per person, loading each path afresh at each width.
        page = new_page()
        sign_in_as(page, person)
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 800})
            for path in paths:
                status = page.goto(path).status
                seen[(path, width)] = (status, axe_violations(page), horizontal_overflow(page))

    assert seen == {
        (path, width): (200, [], 0)
        for _, paths in visits
        for path in paths
        for width in (1280, 320)
    }


def test_learner_assesses_an_area_without_javascript_on_a_phone(new_page, sign_in_as, seeded):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, seeded["learner"])

    page.goto("/")
    page.locator("#navigation").get_by_role("link", name="Assess your skills").click()
    page.get_by_role("link", name="DA Data").click()
    page.get_by_role("button", name="Save your answers").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []

    for index, group in enumerate(page.locator("fieldset").all()):
        choice = "I don't know" if index == 1 else re.compile(r"^2 Working")
        group.get_by_label(choice).check()
    page.get_by_role("button", name="Save your answers").click()
    expect(page.get_by_text("Your answers for Data are saved")).to_be_visible()

    page.get_by_role("link", name="See your results against your job role").click()
    expect(page.get_by_role("heading", name="Your results")).to_be_visible()
    answers = dict(
        SelfAssessment.objects.filter(user=seeded["learner"]).values_list(
            "competency__code", "level"
        )
    )
    assert answers["DA.1"] == 2
    assert answers["DA.2"] is None
    assert len(answers) == 5


def test_manager_confirms_a_level_without_javascript(new_page, sign_in_as, seeded):
    page = new_page(width=320, javascript=False)
    sign_in_as(page, seeded["manager"])

    page.goto("/team/")
    page.get_by_role("link", name="Amina Okafor").click()
    page.get_by_role("link", name="Confirm DA.1").click()
    page.get_by_label(re.compile(r"^3 Practitioner")).check()
    page.get_by_label("Comment (optional)").fill("Ran the data clinic for the counter team.")
    page.get_by_role("button", name="Record this level").click()

    expect(page.get_by_text("Level recorded for DA.1.")).to_be_visible()
    validation = ManagerValidation.objects.get()
    assert (validation.learner, validation.level) == (seeded["learner"], 3)
