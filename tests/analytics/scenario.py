"""A small organisation of 30 people whose skill-gap figures are worked out by hand.

Everything is built through the services the product uses: people through `make_person`, role
requirements through `role_requirements_load`, evidence through `self_assessment_save` and
`manager_validation_record`, so the projection fills the reporting store as it does live.

Two job roles on the mini framework (DA.1, DA.2, SP.1):
  officer  needs DA.1 at 1 and SP.1 at 2 (DA.2 not at all)
  analyst  needs DA.1 at 3, DA.2 at 2 and SP.1 at 1
Three departments: CRS (8 officers, 6 analysts), FIN (8 officers, 2 analysts) and
TRN (3 officers, 3 analysts). DA.2 is needed by analysts only, so its FIN (2) and TRN (3)
groups are too small and are hidden.

The figures are worked out for groups shown from 5 people up, that is with
ANALYTICS_MIN_GROUP_SIZE = THRESHOLD = 4 people besides any one viewer: tests that use them
set it (the `settings` fixture).
"""

from dataclasses import dataclass

from accounts.roles import Role
from competencies.models import Competency
from competencies.services import (
    manager_validation_record,
    role_requirements_load,
    self_assessment_save,
)
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

THRESHOLD = 4
OFFICER, ANALYST = "officer", "analyst"
DONT_KNOW = None  # a self-assessment answer of "I don't know"

# (key, department, role, self-assessment answers, levels confirmed by the line manager).
# A confirmed level outranks the person's own answer; "I don't know" stays unknown.
PEOPLE = [
    ("o1", "CRS", OFFICER, {"DA.1": 2, "SP.1": 2}, {}),
    ("o2", "CRS", OFFICER, {"DA.1": 1, "SP.1": 1}, {}),
    ("o3", "CRS", OFFICER, {"DA.1": 0, "SP.1": 2}, {}),
    ("o4", "CRS", OFFICER, {"DA.1": 3, "SP.1": 3}, {"DA.1": 1}),
    ("o5", "CRS", OFFICER, {"SP.1": 0}, {}),
    ("o6", "CRS", OFFICER, {"DA.1": DONT_KNOW, "SP.1": 1}, {}),
    ("o7", "CRS", OFFICER, {}, {}),
    ("o8", "CRS", OFFICER, {"DA.1": 2}, {}),
    ("a1", "CRS", ANALYST, {"DA.1": 3, "DA.2": 2, "SP.1": 1}, {}),
    ("a2", "CRS", ANALYST, {"DA.1": 2, "DA.2": 1, "SP.1": 0}, {}),
    ("a3", "CRS", ANALYST, {"DA.1": 1, "SP.1": 2}, {}),
    ("a4", "CRS", ANALYST, {"DA.2": 0}, {"DA.1": 3}),
    ("a5", "CRS", ANALYST, {}, {}),
    ("a6", "CRS", ANALYST, {"DA.1": 4, "DA.2": 2, "SP.1": 1}, {}),
    ("f1", "FIN", OFFICER, {"DA.1": 1, "SP.1": 2}, {}),
    ("f2", "FIN", OFFICER, {"DA.1": 1, "SP.1": 2}, {}),
    ("f3", "FIN", OFFICER, {"DA.1": 0, "SP.1": 1}, {}),
    ("f4", "FIN", OFFICER, {"DA.1": 2, "SP.1": 0}, {}),
    ("f5", "FIN", OFFICER, {"SP.1": 2}, {}),
    ("f6", "FIN", OFFICER, {}, {}),
    ("f7", "FIN", OFFICER, {}, {"SP.1": 3}),
    ("f8", "FIN", OFFICER, {"DA.1": 1, "SP.1": DONT_KNOW}, {}),
    ("fa1", "FIN", ANALYST, {"DA.1": 2, "DA.2": 2, "SP.1": 1}, {}),
    ("fa2", "FIN", ANALYST, {"DA.1": 3, "DA.2": 1}, {}),
    ("t1", "TRN", OFFICER, {"DA.1": 1, "SP.1": 1}, {}),
    ("t2", "TRN", OFFICER, {"DA.1": 0, "SP.1": 2}, {}),
    ("t3", "TRN", OFFICER, {}, {}),
    ("ta1", "TRN", ANALYST, {"DA.1": 2, "DA.2": 2, "SP.1": 1}, {}),
    ("ta2", "TRN", ANALYST, {"DA.1": 3, "DA.2": 0, "SP.1": 1}, {}),
    ("ta3", "TRN", ANALYST, {"DA.2": 1}, {}),
]

DEPARTMENT_NAMES = {
    "CRS": "Civil Registration and Citizen Services",
    "FIN": "Finance, Revenue and Procurement",
    "TRN": "Transport and Mobility",
}


@dataclass
class Organisation:
    people: dict  # key -> User
    managers: dict  # department code -> User (the department lead, who manages everyone there)
    departments: dict
    roles: dict


def build_organisation() -> Organisation:
    """The 30 people, their department leads, requirements and evidence (needs `framework`)."""
    departments = {
        code: DepartmentFactory(code=code, name=name) for code, name in DEPARTMENT_NAMES.items()
    }
    roles = {
        OFFICER: JobRoleFactory(code="citizen-service-officer", name="Citizen service officer"),
        ANALYST: JobRoleFactory(code="data-analyst", name="Data analyst"),
    }
    role_requirements_load(
        {
            "framework": "mini",
            "profiles": {
                roles[OFFICER].code: {"DA": 1, "SP": 2},
                roles[ANALYST].code: {"DA": 3, "SP": 1},
            },
            "competency_overrides": {
                roles[OFFICER].code: {"DA.2": 0},
                roles[ANALYST].code: {"DA.2": 2},
            },
        }
    )
    # Department leads have no job role, so they are outside every group (nothing to count).
    managers = {
        code: make_person(
            roles=[Role.LEARNER, Role.DEPARTMENT_LEAD],
            department=department,
            first_name="Lead",
            last_name=code,
        )
        for code, department in departments.items()
    }
    competencies = {c.code: c for c in Competency.objects.filter(framework__slug="mini")}
    people = {}
    for key, department, role, answers, confirmed in PEOPLE:
        person = make_person(
            department=departments[department],
            job_role=roles[role],
            line_manager=managers[department],
            first_name="Person",
            last_name=key.upper(),
        )
        if answers:
            self_assessment_save(
                user=person, answers={competencies[c]: level for c, level in answers.items()}
            )
        for code, level in confirmed.items():
            manager_validation_record(
                manager=managers[department],
                learner=person,
                competency=competencies[code],
                level=level,
            )
        people[key] = person
    return Organisation(people, managers, departments, roles)
