"""What others read: a learner's assigned items, and which assignments a person may see; with a
programme as the item (started through any of its courses, completed through its courses)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assignments.models import AssignedPerson, Assignment, Audience
from assignments.selectors import (
    AssignedItem,
    assigned_items_for,
    assignments_visible_to,
    open_items_for,
)
from assignments.services import assignment_create, end_of_day
from assignments.status import Status
from courses.loading import programme_load
from courses.models import ProgrammeCompletion
from courses.services import enrolment_create
from tests.assignments.helpers import complete_course, organisation_of, tiny_course

SHARED = (
    "department",
    "other_department",
    "job_role",
    "department_lead",
    "learner",
    "training_lead",
    "cto_office",
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def org(shared):
    def build():
        made = organisation_of(shared)
        owner = shared["training_lead"]
        made.first = tiny_course("first", "First steps", owner=owner)
        made.second = tiny_course("second", "Second steps", owner=owner)
        made.third = tiny_course("third", "Third steps", owner=owner)
        made.programme = programme_load(
            {
                "slug": "steps",
                "title": "All the steps",
                "summary": "Both steps.",
                "courses": [{"slug": "first"}, {"slug": "second"}],
            },
            owner=owner,
        )
        return made

    return shared.build(build)


def assign(by, item, person, *, due_in, days_ago=0, **fields):
    now = timezone.now()
    return assignment_create(
        by=by,
        item=item,
        audience=Audience.PERSON,
        person=person,
        due_date=timezone.localdate(now) + timedelta(days=due_in),
        reason=f"Reason for {item.title}.",
        now=now - timedelta(days=days_ago),
        **fields,
    )


def test_a_learner_sees_their_own_items_overdue_first_and_done_last(training_lead, org):
    programme = assign(training_lead, org.programme, org.learner, due_in=20, mandatory=True)
    overdue = assign(training_lead, org.third, org.learner, due_in=-2, days_ago=30)
    done = assign(training_lead, org.second, org.learner, due_in=10)
    soon = assign(training_lead, org.first, org.counter, due_in=5)  # someone else's
    # Started the programme by enrolling on one of its courses; finished another course.
    enrolment_create(user=org.learner, course=org.first)
    finished = complete_course(org.learner, org.second).completed_at

    def item(assignment, status, completed_at=None):
        row = AssignedPerson.objects.get(assignment=assignment)
        page = assignment.item.specific
        return AssignedItem(
            assigned_person_id=row.pk,
            assignment_id=assignment.pk,
            item_id=page.pk,
            title=page.title,
            url=page.url,
            due_at=end_of_day(assignment.due_date),
            mandatory=assignment.mandatory,
            reason=assignment.reason,
            status=status,
            cycle=1,
            completed_at=completed_at,
        )

    now = timezone.now()
    assert assigned_items_for(org.learner, now) == [
        item(overdue, Status.OVERDUE),
        item(programme, Status.IN_PROGRESS),
        item(done, Status.DONE_ON_TIME, finished),
    ]
    assert open_items_for(org.learner, now) == [
        item(overdue, Status.OVERDUE),
        item(programme, Status.IN_PROGRESS),
    ]
    assert open_items_for(org.counter, now) == [item(soon, Status.NOT_STARTED)]
    assert [each.url for each in open_items_for(org.learner, now)] == [
        "/courses/third/",
        "/courses/steps/",
    ]
    # Statuses come from the same query as the rows; the site's root paths from the cache.
    with CaptureQueriesContext(connection) as queries:
        assigned_items_for(org.learner, now)
    assert len(queries) == 1


def test_completing_a_programme_completes_its_assigned_rows(training_lead, org):
    assignment = assign(training_lead, org.programme, org.learner, due_in=20)
    complete_course(org.learner, org.first)
    complete_course(org.learner, org.second)
    completion = ProgrammeCompletion.objects.get(user=org.learner, programme=org.programme)
    row = AssignedPerson.objects.get(assignment=assignment)
    assert row.completed_at == completion.completed_at


def test_who_sees_which_assignments(training_lead, cto_office, department_lead, org):
    def make(by=training_lead, item=org.first, **fields):
        return assignment_create(
            by=by,
            item=item,
            due_date=timezone.localdate() + timedelta(days=30),
            reason="Seen or not.",
            **fields,
        )

    made = {
        "CRS": make(audience=Audience.DEPARTMENT, department=org.crs),
        "CRS-SUB": make(audience=Audience.DEPARTMENT, department=org.sub),
        "FIN": make(audience=Audience.DEPARTMENT, department=org.fin),
        "officers in CRS": make(
            audience=Audience.JOB_ROLE, job_role=org.officer, department=org.crs
        ),
        "officers everywhere": make(audience=Audience.JOB_ROLE, job_role=org.officer),
        "person in CRS-SUB": make(audience=Audience.PERSON, person=org.counter),
        "person in FIN": make(audience=Audience.PERSON, person=org.fin_officer),
        "lead's team": make(audience=Audience.TEAM, team_manager=org.lead),
        "FIN lead's team": make(audience=Audience.TEAM, team_manager=org.fin_lead),
        # Courses of their own: people already holding a row of the first get none here.
        "people in CRS": make(
            item=org.second, audience=Audience.PEOPLE, people=[org.learner, org.crs_analyst]
        ),
        "people across": make(
            item=org.third, audience=Audience.PEOPLE, people=[org.learner, org.fin_officer]
        ),
        "everyone": make(audience=Audience.EVERYONE),
        "made by the lead": make(by=department_lead, audience=Audience.PERSON, person=org.learner),
    }
    names = {assignment.pk: name for name, assignment in made.items()}

    def seen(user):
        return sorted(names[pk] for pk in assignments_visible_to(user).values_list("pk", flat=True))

    assert seen(department_lead) == [
        "CRS",
        "CRS-SUB",
        "lead's team",
        "made by the lead",
        "officers in CRS",
        "people in CRS",
        "person in CRS-SUB",
    ]
    assert seen(org.fin_lead) == ["FIN", "FIN lead's team", "person in FIN"]
    assert seen(cto_office) == seen(training_lead) == sorted(made)
    assert (seen(org.learner), Assignment.objects.count()) == ([], len(made))
