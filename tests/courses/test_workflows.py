"""The Course review task: a second person approves, never the one who submitted or changed
the page."""

import pytest
from django.core.exceptions import PermissionDenied
from wagtail.models import TaskState, WorkflowState

from accounts.roles import Role
from courses.models import CoursePage
from tests.courses.drafts import act, draft_course, submit
from tests.factories import make_person

# The training lead and the administrator are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("training_lead", "administrator")

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_lead(db):
    return make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])


def _live(page) -> bool:
    return CoursePage.objects.get(pk=page.pk).live


def test_submitter_is_offered_no_review_actions(training_lead, second_lead):
    course = draft_course(training_lead)
    submit(course, training_lead)
    task = course.current_workflow_task

    assert task.get_actions(course, training_lead) == []
    assert [name for name, _label, _modal in task.get_actions(course, second_lead)] == [
        "reject",
        "approve",
        "approve",
    ]


def test_submitter_cannot_approve_their_own_course(training_lead):
    course = draft_course(training_lead)
    submit(course, training_lead)

    with pytest.raises(PermissionDenied):
        act(course, training_lead, "approve")

    assert not _live(course)
    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_submitter_cannot_request_changes_to_their_own_course(training_lead):
    course = draft_course(training_lead)
    submit(course, training_lead)

    with pytest.raises(PermissionDenied):
        act(course, training_lead, "reject")

    assert course.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS


def test_second_training_lead_approves_and_the_course_goes_live(training_lead, second_lead):
    course = draft_course(training_lead)
    state = submit(course, training_lead)

    act(course, second_lead, "approve")

    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert state.current_task_state.finished_by == second_lead
    assert _live(course)


def test_second_training_lead_requests_changes_and_the_course_stays_a_draft(
    training_lead, second_lead
):
    course = draft_course(training_lead)
    state = submit(course, training_lead)

    act(course, second_lead, "reject")

    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not _live(course)


def test_administrator_may_approve(training_lead, administrator):
    course = draft_course(training_lead)
    submit(course, training_lead)

    act(course, administrator, "approve")

    assert _live(course)


@pytest.mark.parametrize("persona", ["learner", "department_lead", "cto_office"])
def test_people_outside_the_reviewer_roles_cannot_approve(people, training_lead, persona):
    course = draft_course(training_lead)
    submit(course, training_lead)

    with pytest.raises(PermissionDenied):
        act(course, people[persona], "approve")

    assert not _live(course)


def test_author_who_keeps_editing_during_review_still_cannot_approve(training_lead, second_lead):
    course = draft_course(training_lead)
    submit(course, training_lead)
    course.title = "Writing for the web, revised"
    course.save_revision(user=training_lead)

    with pytest.raises(PermissionDenied):
        act(course, training_lead, "approve")
    act(course, second_lead, "approve")

    course.refresh_from_db()
    assert course.live
    assert course.title == "Writing for the web, revised"


def test_reviewer_may_correct_the_page_while_approving_it(training_lead, second_lead):
    # As the editor's "Approve and Publish" does: save the reviewer's edits, then approve.
    course = draft_course(training_lead)
    submit(course, training_lead)
    course.summary = "Plain, short words for public services."
    course.save_revision(user=second_lead)

    act(course, second_lead, "approve")

    course.refresh_from_db()
    assert course.live
    assert course.summary == "Plain, short words for public services."


def test_neither_the_submitter_nor_whoever_resubmits_may_approve(training_lead, second_lead):
    course = draft_course(training_lead)
    state = submit(course, training_lead)
    act(course, second_lead, "reject")
    # The reviewer makes the changes they asked for and resubmits: now someone else reviews.
    course.save_revision(user=second_lead)
    state.refresh_from_db()
    state.resume(user=second_lead)

    third_lead = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])

    for author in (second_lead, training_lead):
        with pytest.raises(PermissionDenied):
            act(course, author, "approve")
    act(course, third_lead, "approve")

    assert _live(course)


def test_review_list_leaves_out_the_reviewers_own_submissions(training_lead, second_lead):
    own = draft_course(training_lead, slug="own-course")
    theirs = draft_course(second_lead, slug="their-course")
    submit(own, training_lead)
    submit(theirs, second_lead)

    def reviewable(user):
        return {state.workflow_state.object_id for state in TaskState.objects.reviewable_by(user)}

    assert reviewable(training_lead) == {str(theirs.pk)}
    assert reviewable(second_lead) == {str(own.pk)}
