"""Taking a completed course again: a fresh attempt (new registration, lessons to do again)
beside the old one, which keeps its completion and certificate; everything else still sees one
current enrolment per person and course; a recertification due again is met by the retake."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import dateformat, timezone

from accounts.models import User
from analytics.reports.learners import course_item, learner_rows, learners, with_figures
from assignments.models import AssignedPerson, Audience
from assignments.selectors import assigned_items_for
from assignments.services import assignment_create, assignment_cycles_renew
from assignments.status import Status
from courses.events import course_completed
from courses.loading import course_load, programme_load
from courses.models import (
    Certificate,
    CoursePage,
    Enrolment,
    LessonCompletion,
    ProgrammeCompletion,
)
from courses.selectors import course_lessons
from courses.services import (
    LearningError,
    enrolment_create,
    enrolment_retake,
    lesson_mark_complete,
)
from tests.courses.data import course_data, lesson
from tests.factories import make_person
from tests.html import heading, table, texts, tree
from xapi.models import Statement
from xapi.vocab import VERB_REGISTERED

SHARED = ("department", "job_role", "department_lead", "learner", "training_lead")

pytestmark = pytest.mark.django_db

RETAKE_FORM = "//form[@action='{}']"


@pytest.fixture(scope="module", autouse=True)
def course(shared):
    """A published course of two lessons read to complete (no checks, no competencies)."""

    def build():
        data = course_data(
            slug="handling-data",
            title="Handling personal data",
            competency_targets=[],
            modules=[
                {
                    "title": "Rules",
                    "summary": "The rules.",
                    "lessons": [
                        lesson("Lawful basis", with_check=False),
                        lesson("Retention", with_check=False),
                    ],
                }
            ],
        )
        return course_load(data, owner=shared["training_lead"])

    return shared.build(build)


@pytest.fixture(scope="module", autouse=True)
def programme(shared, course):
    """A programme of the course and a one-lesson course, both required."""

    def build():
        data = course_data(
            slug="retention-in-practice",
            title="Retention in practice",
            competency_targets=[],
            modules=[
                {
                    "title": "Only",
                    "summary": "",
                    "lessons": [lesson("Schedules", with_check=False)],
                }
            ],
        )
        second = course_load(data, owner=shared["training_lead"])
        path = {
            "slug": "data-handling-path",
            "title": "Data handling path",
            "summary": "Both courses.",
            "courses": [{"slug": course.slug}, {"slug": second.slug}],
        }
        return programme_load(path, owner=shared["training_lead"]), second

    return shared.build(build)


def finish(enrolment: Enrolment) -> Enrolment:
    for each in course_lessons(enrolment.course):
        lesson_mark_complete(enrolment=enrolment, lesson=each)
    enrolment.refresh_from_db()
    return enrolment


def completed(user, course) -> Enrolment:
    return finish(enrolment_create(user=user, course=course))


def attempts_of(user, course) -> list[tuple]:
    """Every attempt, oldest first: (registration, completed, superseded)."""
    return [
        (e.registration, e.completed_at is not None, e.superseded_at is not None)
        for e in Enrolment.all_attempts.filter(user=user, course=course).order_by("pk")
    ]


def registrations_registered() -> list[str]:
    return [
        s.data["context"]["registration"]
        for s in Statement.objects.filter(verb_id=VERB_REGISTERED).order_by("seq")
    ]


def written() -> tuple:
    """Counts of what a retake could write."""
    return (
        Enrolment.all_attempts.count(),
        Certificate.objects.count(),
        LessonCompletion.objects.count(),
        Statement.objects.count(),
    )


# -- Refusals ----------------------------------------------------------------------------------


def _not_enrolled(user, course):
    pass


def _started_only(user, course):
    enrolment = enrolment_create(user=user, course=course)
    lesson_mark_complete(enrolment=enrolment, lesson=course_lessons(course)[0])


def _unpublished(user, course):
    completed(user, course)
    CoursePage.objects.filter(pk=course.pk).update(live=False)


def _retaken_already(user, course):
    completed(user, course)
    enrolment_retake(user=user, course=course)


@pytest.mark.parametrize(
    ("history", "message"),
    [
        (_not_enrolled, "You are not enrolled on this course. Enrol to start it."),
        (_started_only, "Finish this course before taking it again."),
        (_unpublished, "This course is no longer published, so nothing can be recorded."),
        # A second click, or a second tab, once the first made the fresh attempt.
        (_retaken_already, "You are already taking this course again."),
    ],
)
def test_a_retake_is_refused_with_a_reason_and_writes_nothing(learner, course, history, message):
    history(learner, course)
    before = (attempts_of(learner, course), written())

    with pytest.raises(LearningError) as refused:
        enrolment_retake(user=learner, course=course)

    assert (str(refused.value), (attempts_of(learner, course), written())) == (message, before)


def test_the_form_shows_a_refusal_on_the_course_page_and_takes_only_a_signed_in_post(
    client, learner, course
):
    _started_only(learner, course)
    url = reverse("course_retake", args=[course.pk])
    before = written()

    anonymous = client.post(url)
    client.force_login(learner)
    read = client.get(url)
    refused = client.post(url, follow=True)
    missing = client.post(reverse("course_retake", args=[987654]))

    assert (anonymous.status_code, anonymous.url.split("?")[0]) == (302, reverse("account_login"))
    assert (read.status_code, missing.status_code) == (405, 404)
    assert refused.redirect_chain == [(course.url, 302)]
    assert texts(refused.content, "//div[contains(@class, 'govuk-error-summary__body')]") == [
        "Finish this course before taking it again."
    ]
    assert written() == before


# -- A fresh attempt ---------------------------------------------------------------------------


def test_the_course_page_offers_a_completed_course_again_and_a_retake_starts_afresh(
    client, learner, course
):
    first = completed(learner, course)
    client.force_login(learner)
    page = client.get(course.url).content
    form = RETAKE_FORM.format(reverse("course_retake", args=[course.pk]))
    offered = (
        texts(page, "//h2[@id='take-again']/following-sibling::p[1]"),
        texts(page, f"{form}//button"),
    )

    answer = client.post(reverse("course_retake", args=[course.pk]), follow=True)

    current = Enrolment.objects.get(user=learner, course=course)
    first.refresh_from_db()
    assert offered == (
        [
            "Take it again to refresh what you learned, or when you are asked to recertify: "
            "your lessons and knowledge checks start afresh, and your earlier completion and "
            "certificate are kept."
        ],
        ["Take this course again"],
    )
    assert answer.redirect_chain == [(course_lessons(course)[0].url, 302)]
    assert texts(answer.content, "//p[contains(@class, 'govuk-notification-banner__heading')]") == [
        "You are taking Handling personal data again. Your earlier completion and certificate "
        "are kept."
    ]
    assert attempts_of(learner, course) == [
        (first.registration, True, True),
        (current.registration, False, False),
    ]
    assert current.registration != first.registration
    assert registrations_registered() == [str(first.registration), str(current.registration)]
    # The old attempt keeps its lessons; the new one has none yet.
    assert [
        LessonCompletion.objects.filter(enrolment=first).count(),
        LessonCompletion.objects.filter(enrolment=current).count(),
    ] == [2, 0]
    page = client.get(course.url).content
    completed_on = dateformat.format(timezone.localtime(first.completed_at), "j F Y")
    assert (
        texts(page, "//main//p/strong"),
        texts(page, form),
        texts(page, "//*[contains(@class, 'govuk-task-list__status')]"),
        texts(page, "//p[@id='earlier-completion']"),
        [link.get("href") for link in tree(page).xpath("//p[@id='earlier-completion']/a")],
    ) == (
        ["0 of 2 lessons complete."],
        [],
        ["Not started", "Not started"],
        [
            "You are taking this course again. You completed it before on "
            f"{completed_on}: download that certificate (PDF)."
        ],
        [reverse("certificate_download", args=[first.certificate.code])],
    )


def test_the_lessons_are_done_again_and_the_new_completion_is_announced(learner, course):
    first = completed(learner, course)
    heard = []

    def listener(sender, user, course, completed_at, **kwargs):
        heard.append((user.pk, course.pk, completed_at))

    course_completed.connect(listener)
    try:
        again = enrolment_retake(user=learner, course=course)
        one, two = course_lessons(course)
        lesson_mark_complete(enrolment=again, lesson=one)
        halfway = Enrolment.objects.get(pk=again.pk).completed_at
        lesson_mark_complete(enrolment=again, lesson=two)
    finally:
        course_completed.disconnect(listener)

    again.refresh_from_db()
    first.refresh_from_db()
    assert halfway is None
    assert heard == [(learner.pk, course.pk, again.completed_at)]
    assert again.completed_at > first.completed_at
    # Each attempt has its own certificate.
    assert list(
        Certificate.objects.filter(enrolment__user=learner)
        .order_by("enrolment_id")
        .values_list("enrolment_id", flat=True)
    ) == [first.pk, again.pk]


def test_the_old_certificate_still_verifies_with_the_old_completion(client, learner, course):
    first = completed(learner, course)
    code = first.certificate.code
    enrolment_retake(user=learner, course=course)

    html = client.get(reverse("certificate_verify", args=[code])).content

    completed_on = dateformat.format(timezone.localtime(first.completed_at), "j F Y")
    assert heading(html) == "Certificate is valid"
    assert texts(html, "//main//p[contains(@class, 'govuk-body')]")[0] == (
        f"{learner.get_full_name()} completed Handling personal data on {completed_on}."
    )
    # Following the key from a certificate reaches its (superseded) attempt.
    assert Certificate.objects.get(code=code).enrolment == first


# -- One current enrolment for everyone else ---------------------------------------------------


def test_managers_related_managers_and_get_or_create_see_the_current_attempt_only(learner, course):
    first = completed(learner, course)
    again = enrolment_retake(user=learner, course=course)

    got, created = Enrolment.objects.get_or_create(user=learner, course=course)
    assert [
        list(Enrolment.objects.filter(user=learner)),
        list(learner.enrolments.all()),
        list(course.enrolments.all()),
        list(User.objects.get(pk=learner.pk).enrolments.filter(course=course)),
        enrolment_create(user=learner, course=course),
        (got, created),
        sorted(Enrolment.all_attempts.filter(user=learner).values_list("pk", flat=True)),
    ] == [[again], [again], [again], [again], again, (again, False), [first.pk, again.pk]]


def test_the_database_allows_one_current_attempt_per_person_and_course(learner, course):
    completed(learner, course)
    enrolment_retake(user=learner, course=course)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=learner, course=course)

    assert attempts_of(learner, course)[-1][1:] == (False, False)
    assert Enrolment.all_attempts.filter(user=learner, course=course).count() == 2


def test_deleting_a_person_deletes_every_attempt_and_its_records(course):
    person = make_person()
    completed(person, course)
    enrolment_retake(user=person, course=course)
    mine = Enrolment.all_attempts.filter(user=person)
    ids = list(mine.values_list("pk", flat=True))

    person.delete()

    assert [
        len(ids),
        mine.count(),
        Certificate.objects.filter(enrolment_id__in=ids).count(),
        LessonCompletion.objects.filter(enrolment_id__in=ids).count(),
    ] == [2, 0, 0, 0]


def test_the_learner_report_shows_progress_through_the_current_attempt(learner, course):
    completed(learner, course)
    again = enrolment_retake(user=learner, course=course)
    lesson_mark_complete(enrolment=again, lesson=course_lessons(course)[0])
    item = course_item(course)

    [row] = learner_rows(item, list(with_figures(item, learners(item))))

    # Progress and time are the current attempt's: one lesson of two, ten minutes.
    assert (row.user_id, row.status, row.progress, row.minutes) == (
        learner.pk,
        "In progress",
        "50%",
        10,
    )


# -- Programmes -------------------------------------------------------------------------------


def test_a_programme_counts_a_course_completed_before_it_was_taken_again(
    learner, course, programme
):
    path, second = programme
    completed(learner, course)
    enrolment_retake(user=learner, course=course)

    last = completed(learner, second)

    assert list(
        ProgrammeCompletion.objects.filter(user=learner).values_list("programme_id", "completed_at")
    ) == [(path.pk, last.completed_at)]


def test_the_programme_certificate_keeps_the_completion_that_counted_after_a_retake(
    client, learner, course, programme
):
    path, second = programme
    first = completed(learner, course)
    # The course was completed a month before the programme.
    a_month_ago = timezone.now() - timedelta(days=30)
    Enrolment.objects.filter(pk=first.pk).update(completed_at=a_month_ago)
    last = completed(learner, second)
    [completion] = ProgrammeCompletion.objects.filter(user=learner, programme=path)
    client.force_login(learner)
    certificate = reverse("programme_certificate", args=[completion.code])

    again = enrolment_retake(user=learner, course=course)
    while_retaking = table(client.get(certificate).content, "Courses completed")
    finish(again)
    after_retaking = table(client.get(certificate).content, "Courses completed")

    def day(moment):
        return dateformat.format(timezone.localtime(moment), "j F Y")

    assert completion.completed_at == last.completed_at
    assert (
        while_retaking
        == after_retaking
        == [
            ["Course", "Completed"],
            ["Handling personal data", day(a_month_ago)],
            ["Retention in practice", day(last.completed_at)],
        ]
    )


# -- Recertification ---------------------------------------------------------------------------


def test_a_recertification_due_again_is_met_by_taking_the_course_again(
    client, learner, training_lead, course
):
    now = timezone.now()
    # Assigned 400 days ago, due 60 days after that, again every 12 months (a window of 60
    # days before each due date); the learner completed it 390 days ago. The assignment is
    # made with its own `now`; only the first completion is dated back, to last year.
    assigned_at = now - timedelta(days=400)
    first = completed(learner, course)
    Enrolment.objects.filter(pk=first.pk).update(completed_at=now - timedelta(days=390))
    assignment = assignment_create(
        by=training_lead,
        item=course,
        audience=Audience.PERSON,
        person=learner,
        due_date=timezone.localdate(assigned_at) + timedelta(days=60),
        reason="Everyone handling personal data recertifies each year.",
        mandatory=True,
        recurs_months=12,
        window_days=60,
        now=assigned_at,
    )
    # Last year's completion met cycle 1, which has now expired: cycle 2 opens, not done.
    assert assignment_cycles_renew(now=now) == 1
    cycle = AssignedPerson.objects.get(assignment=assignment, removed_at__isnull=True)
    assert (cycle.cycle, cycle.completed_at, cycle.window_opens_at < now < cycle.due_at) == (
        2,
        None,
        True,
    )
    client.force_login(learner)
    dashboard = client.get(reverse("dashboard")).content
    item = f"//li[@id='assigned-{cycle.pk}']"
    due = dateformat.format(timezone.localtime(cycle.due_at), "j F Y")
    action = reverse("course_retake", args=[course.pk])
    assert texts(dashboard, f"{item}//form[@action='{action}']") == [
        f"You completed this course before this cycle. Take it again by {due} to recertify. "
        "Take it again: Handling personal data"
    ]

    client.post(action)
    again = Enrolment.objects.get(user=learner, course=course)
    for each in course_lessons(course):
        client.post(reverse("complete_lesson", args=[each.pk]))

    again.refresh_from_db()
    cycle.refresh_from_db()
    [row] = assigned_items_for(learner, timezone.now())
    assert (again.pk != first.pk, cycle.completed_at) == (True, again.completed_at)
    assert (row.assigned_person_id, row.status, row.retake) == (
        cycle.pk,
        Status.DONE_ON_TIME,
        False,
    )
    assert texts(client.get(reverse("dashboard")).content, f"{item}//form") == []


def test_a_one_off_assignment_counts_an_earlier_attempt_while_the_course_is_retaken(
    learner, training_lead, course
):
    first = completed(learner, course)
    enrolment_retake(user=learner, course=course)

    assignment = assignment_create(
        by=training_lead,
        item=course,
        audience=Audience.PERSON,
        person=learner,
        due_date=timezone.localdate() + timedelta(days=30),
        reason="Needed for the job.",
    )

    [row] = assigned_items_for(learner, timezone.now())
    assert (row.assignment_id, row.completed_at, row.retake) == (
        assignment.pk,
        first.completed_at,
        False,
    )
