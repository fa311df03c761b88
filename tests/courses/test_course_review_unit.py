"""A course is reviewed as one unit: the author submits the course once, with its modules and
lessons, and a second training lead approves it once; nobody approves their own work."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.roles import Role
from courses.models import CoursePage, LessonPage, ModulePage
from courses.review import PUBLISHED_WITH_COURSE, SubmitRefused, submit_course
from courses.review_hooks import SUBMIT_WITH_COURSE
from tests.courses.drafts import act, draft_course, draft_lesson, draft_module, submit
from tests.factories import make_person
from tests.html import table, texts

pytestmark = pytest.mark.django_db


# The people and the draft course are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("training_lead",)


def _unit(training_lead):
    course = draft_course(training_lead)
    module = draft_module(course, training_lead)
    lesson = draft_lesson(module, training_lead)
    return course, module, lesson


@pytest.fixture(scope="module", autouse=True)
def module_unit(shared):
    return {
        "second_lead": shared.build(make_person, roles=[Role.LEARNER, Role.TRAINING_LEAD]),
        "unit": shared.build(_unit, shared["training_lead"]),
    }


@pytest.fixture
def second_lead(shared, module_unit):
    return shared.fresh(module_unit["second_lead"])


@pytest.fixture
def unit(shared, module_unit, training_lead):
    """A new course with a module and a lesson, all drafts by the training lead."""
    return tuple(shared.fresh(page) for page in module_unit["unit"])


def _live(*pages) -> list[bool]:
    return [Page.objects.get(pk=page.pk).live for page in pages]


def _course_form(course: CoursePage, **changes) -> dict:
    """What the course editor posts for the course."""
    return nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "audience": course.audience,
            "duration_minutes": course.duration_minutes,
            "format": course.format,
            "level": course.level,
            "prerequisites": "",
            "description": rich_text(""),
            "competency_targets": inline_formset([]),
            "comments": inline_formset([]),
            **changes,
        }
    )


def _lesson_form(lesson: LessonPage, **changes) -> dict:
    return nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "duration_minutes": lesson.duration_minutes,
            "body": streamfield([("text", rich_text("<p>Short words are easier to read.</p>"))]),
            "comments": inline_formset([]),
            **changes,
        }
    )


def _approve_url(course) -> str:
    course.refresh_from_db()
    task_state = course.current_workflow_task_state
    return reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])


def test_author_submits_the_course_once_and_a_second_lead_approves_it_once(
    client, unit, training_lead, second_lead
):
    course, module, lesson = unit
    client.force_login(training_lead)

    submitted = client.post(
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        _course_form(course) | {"action-submit": "Submit"},
    )

    assert submitted.status_code == 302
    assert [
        (state.content_object.pk, state.status, state.requested_by)
        for state in WorkflowState.objects.all()
    ] == [(course.pk, WorkflowState.STATUS_IN_PROGRESS, training_lead)]

    client.force_login(second_lead)
    approved = client.post(_approve_url(course), {"comment": ""})

    assert approved.status_code == 302
    assert _live(course, module, lesson) == [True, True, True]
    assert WorkflowState.objects.get().status == WorkflowState.STATUS_APPROVED
    assert [
        (entry.page_id, entry.user, entry.data["course"]["id"])
        for entry in PageLogEntry.objects.filter(action=PUBLISHED_WITH_COURSE).order_by(
            "page__path"
        )
    ] == [(module.pk, second_lead, course.pk), (lesson.pk, second_lead, course.pk)]
    assert set(
        PageLogEntry.objects.filter(action="wagtail.publish").values_list("page_id", "user")
    ) == {(course.pk, second_lead.pk), (module.pk, second_lead.pk), (lesson.pk, second_lead.pk)}


def test_author_cannot_approve_their_own_course_in_the_admin(client, unit, training_lead):
    course, module, lesson = unit
    submit(course, training_lead)
    client.force_login(training_lead)

    response = client.post(_approve_url(course), {"comment": ""}, follow=True)

    # Wagtail's admin answers a refused action by going back to its dashboard, saying why.
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    assert [str(message).strip() for message in response.context["messages"]] == [
        "Sorry, you do not have permission to access this area."
    ]
    assert _live(course, module, lesson) == [False, False, False]


def test_author_cannot_approve_their_own_course_through_the_task(unit, training_lead):
    course, module, lesson = unit
    submit(course, training_lead)

    with pytest.raises(PermissionDenied):
        act(course, training_lead, "approve")

    assert _live(course, module, lesson) == [False, False, False]


def test_whoever_wrote_a_lesson_submitted_with_the_course_cannot_approve_it(
    unit, training_lead, second_lead
):
    course, module, lesson = unit
    lesson.title = "Use short, plain words"
    lesson.save_revision(user=second_lead)
    submit(course, training_lead)
    third_lead = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])

    def reviewable(user):
        return {state.workflow_state.object_id for state in TaskState.objects.reviewable_by(user)}

    assert course.current_workflow_task.get_actions(course, second_lead) == []
    assert reviewable(second_lead) == set()
    with pytest.raises(PermissionDenied):
        act(course, second_lead, "approve")
    assert reviewable(third_lead) == {str(course.pk)}

    act(course, third_lead, "approve")

    assert _live(course, module, lesson) == [True, True, True]
    assert LessonPage.objects.get(pk=lesson.pk).title == "Use short, plain words"


def test_modules_and_lessons_have_no_review_of_their_own(unit):
    course, module, lesson = unit

    assert [page.specific.get_workflow() for page in (module, lesson)] == [None, None]
    assert [page.specific.has_workflow for page in (course, module, lesson)] == [
        True,
        False,
        False,
    ]
    assert course.get_workflow().name == "Course review"


@pytest.mark.parametrize("kind", ["module", "lesson"])
def test_editors_of_modules_and_lessons_offer_submit_with_course_only(
    client, unit, training_lead, kind
):
    _course, module, lesson = unit
    page = {"module": module, "lesson": lesson}[kind]
    parent = page.get_parent()
    client.force_login(training_lead)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    add = client.get(
        reverse("wagtailadmin_pages:add", args=["courses", f"{kind}page", parent.pk])
    ).content.decode()

    for screen in (edit, add):
        assert "Submit to Course review" not in screen
        assert 'name="action-submit-with-course"' in screen
        assert 'name="action-submit"' not in screen


def test_a_new_module_cannot_be_submitted_on_its_own(client, unit, training_lead):
    course, _module, _lesson = unit
    client.force_login(training_lead)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk]),
        nested_form_data(
            {"title": "Tone", "slug": "tone", "summary": "", "comments": inline_formset([])}
        )
        | {"action-submit": "Submit"},
    )

    assert response.status_code == 400
    assert response.content.decode() == (
        "A module or lesson is not submitted for review on its own: save it, then submit its "
        "course (\u201cSubmit with course\u201d)."
    )
    assert not ModulePage.objects.filter(slug="tone").exists()
    assert WorkflowState.objects.count() == 0


def test_submit_with_course_from_a_lesson_submits_the_whole_course(
    client, unit, training_lead, second_lead
):
    course, module, lesson = unit
    client.force_login(training_lead)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        _lesson_form(lesson, title="Use short words, always")
        | {SUBMIT_WITH_COURSE: "Submit with course"},
    )

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=[module.pk])
    state = WorkflowState.objects.get()
    assert (state.content_object.pk, state.requested_by, state.status) == (
        course.pk,
        training_lead,
        WorkflowState.STATUS_IN_PROGRESS,
    )

    act(course, second_lead, "approve")

    assert _live(course, module, lesson) == [True, True, True]
    assert LessonPage.objects.get(pk=lesson.pk).title == "Use short words, always"


def test_a_new_module_submitted_with_its_course_goes_live_with_it(
    client, unit, training_lead, second_lead
):
    course, module, lesson = unit
    client.force_login(training_lead)

    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk]),
        nested_form_data(
            {"title": "Tone", "slug": "tone", "summary": "", "comments": inline_formset([])}
        )
        | {SUBMIT_WITH_COURSE: "Submit with course"},
    )

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_explore", args=[course.pk])
    tone = ModulePage.objects.get(slug="tone")
    assert [state.content_object.pk for state in WorkflowState.objects.all()] == [course.pk]

    act(course, second_lead, "approve")

    assert _live(course, module, lesson, tone) == [True, True, True, True]


def test_a_change_to_a_lesson_of_a_live_course_is_published_only_after_review(
    unit, training_lead, second_lead
):
    course, _module, lesson = unit
    submit(course, training_lead)
    act(course, second_lead, "approve")
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.title = "Use short words (revised)"
    lesson.save_revision(user=training_lead)

    assert LessonPage.objects.get(pk=lesson.pk).title == "Use short words"
    assert submit_course(lesson, training_lead)[1] == "started"
    with pytest.raises(PermissionDenied):
        act(course, training_lead, "approve")
    act(course, second_lead, "approve")

    assert LessonPage.objects.get(pk=lesson.pk).title == "Use short words (revised)"
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_APPROVED).count() == 2


def test_an_unchanged_module_of_a_live_course_is_left_as_it_is(unit, training_lead, second_lead):
    course, module, lesson = unit
    submit(course, training_lead)
    act(course, second_lead, "approve")
    live_revision = Page.objects.get(pk=module.pk).live_revision_id
    LessonPage.objects.get(pk=lesson.pk).save_revision(user=training_lead)

    submit_course(lesson, training_lead)
    act(course, second_lead, "approve")

    assert Page.objects.get(pk=module.pk).live_revision_id == live_revision
    assert list(
        PageLogEntry.objects.filter(action=PUBLISHED_WITH_COURSE)
        .order_by("pk")
        .values_list("page_id", flat=True)
    ) == [module.pk, lesson.pk, lesson.pk]


def test_submitting_a_course_already_in_review_starts_no_second_review(unit, training_lead):
    course, _module, lesson = unit
    submit(course, training_lead)

    assert submit_course(lesson, training_lead) == (course, "in_review")
    assert WorkflowState.objects.count() == 1


def test_submitting_after_changes_were_requested_resumes_the_review(
    unit, training_lead, second_lead
):
    course, module, lesson = unit
    state = submit(course, training_lead)
    act(course, second_lead, "reject")

    assert submit_course(lesson, training_lead) == (course, "resumed")
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    act(course, second_lead, "approve")
    assert _live(course, module, lesson) == [True, True, True]


def test_reviewer_sees_what_the_course_review_covers(client, unit, training_lead, second_lead):
    course, module, lesson = unit
    submit(course, training_lead)
    client.force_login(second_lead)

    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

    assert texts(page, "//*[@id='panel-child-content-reviewed_with_this_course-content']//p") == [
        "Approving the course also publishes these drafts."
    ]
    name = training_lead.get_full_name()
    assert table(page, "Modules and lessons with draft changes") == [
        ["Page", "Type", "Change", "Last edited by", "Preview"],
        ["Plain language", "Module", "New", name, "Preview Plain language (opens in a new tab)"],
        ["Use short words", "Lesson", "New", name, "Preview Use short words (opens in a new tab)"],
    ]
    for each in (module, lesson):
        preview = reverse("wagtailadmin_pages:view_draft", args=[each.pk])
        assert texts(page, f"//table//a[@href='{preview}']") == [
            f"Preview {each.title} (opens in a new tab)"
        ]


def test_people_who_may_not_edit_the_course_cannot_submit_it(unit, department_lead):
    _course, _module, lesson = unit

    with pytest.raises(PermissionDenied):
        submit_course(lesson, department_lead)

    assert WorkflowState.objects.count() == 0


def test_a_page_outside_any_course_cannot_be_submitted_with_a_course(unit, administrator):
    catalogue = Page.objects.get(pk=unit[0].get_parent().pk)

    with pytest.raises(SubmitRefused, match="not part of a course"):
        submit_course(catalogue, administrator)


def test_an_unknown_review_action_is_refused_clearly(unit, training_lead, second_lead):
    course, module, lesson = unit
    submit(course, training_lead)

    with pytest.raises(ValueError, match="'publish' is not a review action"):
        act(course, second_lead, "publish")

    assert _live(course, module, lesson) == [False, False, False]
