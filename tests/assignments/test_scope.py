"""Who may assign what to whom: a whole row of audiences per person, checked at once."""

import pytest

from accounts.roles import Role
from assignments.errors import AssignmentRefused
from assignments.models import Audience
from assignments.scope import assignable_departments, can_assign, check_audience
from tests.assignments.helpers import organisation
from tests.factories import make_person

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
    "cto_office",
    "administrator",
)

pytestmark = pytest.mark.django_db

OUTSIDE = "You can only assign training to people in the departments you lead."
NO_PERMISSION = "You do not have permission to assign training."


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation(
            *(
                shared[name]
                for name in (
                    "department",
                    "other_department",
                    "job_role",
                    "department_lead",
                    "learner",
                )
            )
        )
        # Works in CRS but was granted FIN only: their own place grants nothing.
        made.lead_elsewhere = make_person(
            roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=made.crs, leads=made.fin
        )
        # Holds the role, but no authority granted them a department.
        made.lead_of_nothing = make_person(roles=[Role.LEARNER, Role.DEPARTMENT_LEAD])
        return made

    return shared.build(build)


def audiences(org):
    """Each audience a person might try, by name."""
    return {
        "person in CRS": (Audience.PERSON, {"person": org.learner}),
        "person in CRS-SUB": (Audience.PERSON, {"person": org.counter}),
        "person in FIN": (Audience.PERSON, {"person": org.fin_officer}),
        "people in CRS": (Audience.PEOPLE, {"people": [org.learner, org.counter]}),
        "people across": (Audience.PEOPLE, {"people": [org.learner, org.fin_officer]}),
        "own team": (Audience.TEAM, {"team_manager": org.lead}),
        "FIN lead's team": (Audience.TEAM, {"team_manager": org.fin_lead}),
        "CRS": (Audience.DEPARTMENT, {"department": org.crs}),
        "CRS-SUB": (Audience.DEPARTMENT, {"department": org.sub}),
        "FIN": (Audience.DEPARTMENT, {"department": org.fin}),
        "role in CRS": (Audience.JOB_ROLE, {"job_role": org.officer, "department": org.crs}),
        "role in FIN": (Audience.JOB_ROLE, {"job_role": org.officer, "department": org.fin}),
        "role everywhere": (Audience.JOB_ROLE, {"job_role": org.officer}),
        "everyone": (Audience.EVERYONE, {}),
    }


def outcomes(user, org) -> dict[str, str]:
    found = {}
    for name, (audience, fields) in audiences(org).items():
        try:
            check_audience(user, audience, **fields)
            found[name] = "yes"
        except AssignmentRefused as refused:
            found[name] = refused.message
    return found


ALL_YES = dict.fromkeys(
    [
        "person in CRS",
        "person in CRS-SUB",
        "person in FIN",
        "people in CRS",
        "people across",
        "own team",
        "FIN lead's team",
        "CRS",
        "CRS-SUB",
        "FIN",
        "role in CRS",
        "role in FIN",
        "role everywhere",
        "everyone",
    ],
    "yes",
)


@pytest.mark.parametrize("persona", ["training_lead", "cto_office", "administrator"])
def test_organisation_wide_roles_assign_to_anyone(persona, request, org):
    user = request.getfixturevalue(persona)
    assert (can_assign(user), outcomes(user, org)) == (True, ALL_YES)
    assert assignable_departments(user).count() == 3


def test_department_lead_assigns_inside_the_granted_department_only(department_lead, org):
    assert outcomes(department_lead, org) == {
        "person in CRS": "yes",
        "person in CRS-SUB": "yes",
        "person in FIN": OUTSIDE,
        "people in CRS": "yes",
        "people across": OUTSIDE,
        "own team": "yes",
        "FIN lead's team": "You can only assign training to your own team.",
        "CRS": "yes",
        "CRS-SUB": "yes",
        "FIN": OUTSIDE,
        "role in CRS": "yes",
        "role in FIN": OUTSIDE,
        "role everywhere": (
            "Choose one of your departments: you can assign to a job role only within it."
        ),
        "everyone": "Only the training team and the CTO office can assign to everyone.",
    }
    assert [d.code for d in assignable_departments(department_lead)] == ["CRS", "CRS-SUB"]


def test_department_lead_scope_comes_from_the_grant_not_their_own_department(org):
    found = outcomes(org.lead_elsewhere, org)
    assert (found["person in CRS"], found["CRS"], found["person in FIN"], found["FIN"]) == (
        OUTSIDE,
        OUTSIDE,
        "yes",
        "yes",
    )
    assert [d.code for d in assignable_departments(org.lead_elsewhere)] == ["FIN"]


@pytest.mark.parametrize("who", ["learner", "lead_of_nothing", "closed"])
def test_nobody_else_assigns_anything(who, org):
    user = getattr(org, who)
    assert (can_assign(user), outcomes(user, org)) == (False, dict.fromkeys(ALL_YES, NO_PERMISSION))
    assert list(assignable_departments(user)) == []
