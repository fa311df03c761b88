"""A small organisation and two one-lesson courses for the assignment tests, built once per
module (with `shared.build` in a module fixture), and a way to complete a course for real."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

from accounts.roles import Role
from courses.loading import course_load
from courses.selectors import course_lessons
from courses.services import enrolment_create, lesson_mark_complete
from organisations.services import membership_set
from tests.courses.data import course_data, lesson
from tests.factories import DepartmentFactory, JobRoleFactory, make_person

# Tests run at fixed moments; every due date lies after TODAY.
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
TODAY = date(2027, 3, 1)


def tiny_course(slug: str, title: str, owner=None):
    """A published course of one lesson without a check: reading it completes the course."""
    data = course_data(
        slug=slug,
        title=title,
        competency_targets=[],
        modules=[
            {
                "title": "Only module",
                "summary": "Only.",
                "lessons": [lesson("Reading", with_check=False)],
            }
        ],
    )
    return course_load(data, owner=owner)


def complete_course(user, course):
    """Enrol and read the one lesson, as a learner does: the course completes (and tells its
    listeners)."""
    enrolment = enrolment_create(user=user, course=course)
    lesson_mark_complete(enrolment=enrolment, lesson=course_lessons(course)[0])
    enrolment.refresh_from_db()
    return enrolment


def organisation(department, other_department, job_role, department_lead, learner):
    """CRS with a sub-department, FIN, and people placed in each by an administrator.

    department_lead leads CRS (and so CRS-SUB); learner (CRS, citizen service officer) reports
    to them."""
    sub = DepartmentFactory(code="CRS-SUB", name="Civil registration counters", parent=department)
    analyst = JobRoleFactory(code="data-analyst", name="Data analyst")

    def person(name, place, role, manager=None, **extra):
        user = make_person(first_name=name, last_name="Example")
        membership_set(user=user, department=place, job_role=role, line_manager=manager, **extra)
        return user

    org = SimpleNamespace(
        crs=department,
        sub=sub,
        fin=other_department,
        officer=job_role,
        analyst=analyst,
        lead=department_lead,
        learner=learner,
        # Also reports to the lead, in the sub-department.
        counter=person("Counter", sub, job_role, department_lead),
        crs_analyst=person("Analyst", department, analyst),
        fin_officer=person("Finance", other_department, job_role),
        fin_lead=make_person(
            roles=[Role.LEARNER, Role.DEPARTMENT_LEAD], department=other_department
        ),
        # Still has a membership in CRS, but their last working day has passed.
        leaver=person("Leaver", department, job_role, leaving_date=date(2027, 2, 1)),
    )
    closed = person("Closed", department, job_role)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    org.closed = closed
    return org


def organisation_of(shared):
    """`organisation` of a module's shared people: its SHARED names department,
    other_department, job_role, department_lead and learner."""
    return organisation(
        *(
            shared[name]
            for name in ("department", "other_department", "job_role", "department_lead", "learner")
        )
    )
