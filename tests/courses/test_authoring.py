"""Course authoring set-up: training leads' page permissions on the catalogue, the Course review
workflow assigned after migrate, submitting instead of publishing, and scheduled publishing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from accounts.roles import Role
from courses.authoring import COURSE_REVIEW, course_review_ensure
from courses.models import CourseIndexPage, CoursePage, CourseReviewTask, HomePage, LessonPage
from tests.courses.drafts import act, draft_course, submit
from tests.factories import make_person
from tests.html import texts

pytestmark = pytest.mark.django_db


def test_course_review_is_the_catalogue_workflow_after_migrate():
    catalogue = CourseIndexPage.objects.get()

    workflow = catalogue.get_workflow()

    assert workflow.name == COURSE_REVIEW
    assert workflow.active
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [CourseReviewTask]
    assert {group.name for group in tasks[0].groups.all()} == {"Training lead", "Administrator"}


def test_courses_go_through_the_course_review_and_their_lessons_with_them(course):
    lesson = LessonPage.objects.descendant_of(course).first()

    assert course.get_workflow().name == COURSE_REVIEW
    # Modules and lessons are reviewed with their course, never on their own.
    assert lesson.get_workflow() is None
    # Pages outside the catalogue keep Wagtail's own workflow.
    assert HomePage.objects.get().get_workflow().name == "Moderators approval"


def test_course_review_ensure_is_idempotent_and_restores_the_assignment():
    catalogue = CourseIndexPage.objects.get()
    Workflow.objects.get(name=COURSE_REVIEW).deactivate()  # also unassigns it from pages

    course_review_ensure()
    course_review_ensure()

    assert Workflow.objects.filter(name=COURSE_REVIEW).count() == 1
    assert CourseReviewTask.objects.count() == 1
    assert WorkflowTask.objects.filter(workflow__name=COURSE_REVIEW).count() == 1
    assert WorkflowPage.objects.get(page=catalogue).workflow.name == COURSE_REVIEW
    assert catalogue.get_workflow().active


def test_training_leads_may_add_and_change_in_the_catalogue_only():
    granted = GroupPagePermission.objects.filter(group__name="Training lead")

    assert sorted(granted.values_list("page__title", "permission__codename")) == [
        ("Courses", "add_page"),
        ("Courses", "change_page"),
    ]
    assert Group.objects.get(name="Administrator").page_permissions.filter(page__depth=1).exists()


def test_training_lead_must_submit_what_an_administrator_may_publish(training_lead, administrator):
    course = draft_course(training_lead)

    lead = course.permissions_for_user(training_lead)
    admin = course.permissions_for_user(administrator)

    assert lead.can_edit()
    assert not lead.can_publish()
    assert lead.can_submit_for_moderation()
    assert admin.can_publish()
    assert not HomePage.objects.get().permissions_for_user(training_lead).can_edit()


def test_training_lead_edit_view_offers_submit_to_course_review_not_publish(client, training_lead):
    course = draft_course(training_lead)
    client.force_login(training_lead)

    html = client.get(f"/cms/pages/{course.pk}/edit/").content.decode()

    assert texts(html, "//button[starts-with(@name, 'action-')]") == ["Submit to Course review"]
    assert texts(html, "//button[@name='action-submit']") == ["Submit to Course review"]
    assert 'name="action-publish"' not in html


def test_training_lead_add_view_offers_submit_to_course_review_not_publish(client, training_lead):
    catalogue = CourseIndexPage.objects.get()
    client.force_login(training_lead)

    html = client.get(f"/cms/pages/add/courses/coursepage/{catalogue.pk}/").content.decode()

    assert texts(html, "//button[starts-with(@name, 'action-')]") == ["Submit to Course review"]
    assert texts(html, "//button[@name='action-submit']") == ["Submit to Course review"]
    assert 'name="action-publish"' not in html


def test_training_lead_posting_publish_does_not_publish(client, training_lead):
    course = draft_course(training_lead)
    client.force_login(training_lead)

    response = client.post(
        f"/cms/pages/{course.pk}/edit/",
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "audience": course.audience,
            "duration_minutes": "45",
            "format": "self-paced",
            "level": "foundation",
            "competency_targets-TOTAL_FORMS": "0",
            "competency_targets-INITIAL_FORMS": "0",
            "competency_targets-MIN_NUM_FORMS": "0",
            "competency_targets-MAX_NUM_FORMS": "1000",
            "comments-TOTAL_FORMS": "0",
            "comments-INITIAL_FORMS": "0",
            "comments-MIN_NUM_FORMS": "0",
            "comments-MAX_NUM_FORMS": "1000",
            "action-publish": "action-publish",
        },
    )

    # Saved as a draft: Wagtail ignores a publish action from someone who may not publish.
    assert response.status_code == 302
    assert course.revisions.count() == 2
    assert not CoursePage.objects.get(pk=course.pk).live


def test_approved_course_with_a_future_go_live_date_goes_live_when_publish_scheduled_runs(
    training_lead, monkeypatch
):
    reviewer = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    go_live_at = (timezone.now() + timedelta(hours=1)).replace(microsecond=0)
    course = draft_course(training_lead, go_live_at=go_live_at)
    submit(course, training_lead)

    act(course, reviewer, "approve")

    course.refresh_from_db()
    assert not course.live
    assert course.get_latest_revision().approved_go_live_at == go_live_at
    assert course.status_string == "scheduled"

    call_command("publish_scheduled", stdout=StringIO())  # before the date: nothing happens
    assert not CoursePage.objects.get(pk=course.pk).live

    later = go_live_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("publish_scheduled", stdout=StringIO())

    course.refresh_from_db()
    assert course.live
    assert course.first_published_at == later
    assert course.get_latest_revision().approved_go_live_at is None
