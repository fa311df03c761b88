"""The training lead's learner report: every learner of a course with their progress, checks,
time, last activity, place and assignment; filters, pages, downloads equal to the page, and
refusals for anyone who may not see the course's learners by name."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accounts.roles import Role
from assignments.models import AssignedPerson, Assignment, Audience
from courses.loading import course_load, programme_load
from courses.models import (
    CoursePage,
    Enrolment,
    KnowledgeCheckAttempt,
    LessonCompletion,
    LessonVisit,
    ProgrammeCompletion,
)
from courses.selectors import course_lessons
from tests.courses.data import course_data
from tests.courses.data import lesson as lesson_data
from tests.factories import DepartmentFactory, JobRoleFactory, make_person
from tests.html import table, text_of, texts, tree

SHARED = ("course", "training_lead", "cto_office", "administrator", "department_lead")

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
HEADER = [
    "Name",
    "Department",
    "Job role",
    "Status",
    "Progress",
    "Check attempts",
    "Best score",
    "Time spent",
    "Last activity",
    "Assigned",
    "Due",
    "Assignment status",
]


def at(day: int, month: int = 11, year: int = 2026) -> datetime:
    return datetime(year, month, day, 10, 0, tzinfo=UTC)


# Due dates still to come whenever the tests run.
FUTURE = 2099


def _cast(course, training_lead) -> dict:
    """Four learners of the course and one of another course, in two departments (one inside
    the other) and two job roles; a mandatory assignment and a personal one."""
    crs = DepartmentFactory(code="CRS", name="Civil Registration and Citizen Services")
    crs_north = DepartmentFactory(code="CRS-N", name="Civil Registration North", parent=crs)
    fin = DepartmentFactory(code="FIN", name="Finance")
    officer = JobRoleFactory(code="officer", name="Officer")
    analyst = JobRoleFactory(code="analyst", name="Analyst")
    ada = make_person(first_name="Ada", last_name="Adams", department=crs, job_role=officer)
    ben = make_person(first_name="Ben", last_name="Brown", department=fin, job_role=analyst)
    cat = make_person(first_name="Cat", last_name="Clark", department=crs_north, job_role=officer)
    dan = make_person(first_name="Dan", last_name="Dale")
    eve = make_person(first_name="Eve", last_name="Evans", department=crs, job_role=officer)
    lessons = course_lessons(course)

    def enrol(person, day: int, *, done: int, attempts=(), completed: datetime | None = None):
        enrolment = Enrolment.objects.create(user=person, course=course, completed_at=completed)
        Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=at(day))
        for offset, lesson in enumerate(lessons[:done]):
            LessonVisit.objects.create(enrolment=enrolment, lesson=lesson)
            LessonCompletion.objects.create(enrolment=enrolment, lesson=lesson)
            LessonVisit.objects.filter(enrolment=enrolment, lesson=lesson).update(
                first_visited_at=at(day + offset)
            )
            LessonCompletion.objects.filter(enrolment=enrolment, lesson=lesson).update(
                completed_at=at(day + offset)
            )
        for number, (correct, when) in enumerate(attempts, start=1):
            attempt = KnowledgeCheckAttempt.objects.create(
                enrolment=enrolment,
                lesson=lessons[0],
                number=number,
                answers={},
                correct=correct,
                total=3,
                passed=correct >= 2,
            )
            KnowledgeCheckAttempt.objects.filter(pk=attempt.pk).update(submitted_at=at(when))

    enrol(ada, 2, done=2, attempts=[(1, 3), (2, 20)])
    enrol(ben, 1, done=4, attempts=[(3, 5)], completed=at(9))
    enrol(dan, 4, done=0)

    mandatory = Assignment.objects.create(
        item=course,
        audience=Audience.DEPARTMENT,
        department=crs,
        due_date=at(1, 12).date(),
        mandatory=True,
        reason="Everyone in CRS handles data.",
        created_by=training_lead,
    )
    personal = Assignment.objects.create(
        item=course,
        audience=Audience.PERSON,
        person=ben,
        due_date=at(20, 12).date(),
        reason="For your new role.",
        created_by=training_lead,
    )
    for person, assignment, due, completed in [
        (ada, mandatory, at(20, 12, FUTURE), None),
        (cat, mandatory, at(1, 12), None),
        (eve, mandatory, at(1, 12), None),
        (ben, personal, at(20, 12, FUTURE), at(9)),
    ]:
        AssignedPerson.objects.create(
            assignment=assignment,
            user=person,
            assigned_at=at(1),
            due_at=due,
            completed_at=completed,
        )
    # Eve left CRS's audience: she is no longer a learner of the course.
    AssignedPerson.objects.filter(user=eve).update(removed_at=at(3, 12))
    other_lead = make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])
    programme = _programme(training_lead, fin=fin, analyst=analyst, ada=ada, ben=ben)
    return {
        "programme": programme,
        "people": {"ada": ada, "ben": ben, "cat": cat, "dan": dan, "eve": eve},
        "mandatory": mandatory,
        "personal": personal,
        "other_lead": other_lead,
        "officer": officer,
        "crs": crs,
    }


def _programme(training_lead, *, fin, analyst, ada, ben):
    """A programme of the course (required) and two one-lesson electives, one to choose. Ada
    finished one elective; Ben finished the course and the other elective, and so the
    programme; Fay is assigned the programme and has not started."""
    for slug in ("elective-one", "elective-two"):
        course_load(
            course_data(
                slug=slug,
                title=slug.replace("-", " ").capitalize(),
                modules=[
                    {
                        "title": "Only",
                        "summary": "",
                        "lessons": [lesson_data("Reading", with_check=False)],
                    }
                ],
            ),
            owner=training_lead,
        )
    programme = programme_load(
        {
            "slug": "data-path",
            "title": "Data path",
            "summary": "A path.",
            "electives_required": 1,
            "courses": [
                {"slug": "data-basics"},
                {"slug": "elective-one", "elective": True},
                {"slug": "elective-two", "elective": True},
            ],
        },
        owner=training_lead,
    )
    for person, slug, day in [(ada, "elective-one", 25), (ben, "elective-two", 12)]:
        elective = CoursePage.objects.get(slug=slug)
        enrolment = Enrolment.objects.create(user=person, course=elective, completed_at=at(day))
        Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=at(day))
        LessonCompletion.objects.create(enrolment=enrolment, lesson=course_lessons(elective)[0])
        LessonCompletion.objects.filter(enrolment=enrolment).update(completed_at=at(day))
    ProgrammeCompletion.objects.create(user=ben, programme=programme, completed_at=at(12))
    fay = make_person(first_name="Fay", last_name="Fox", department=fin, job_role=analyst)
    assignment = Assignment.objects.create(
        item=programme,
        audience=Audience.PERSON,
        person=fay,
        due_date=at(20, 12, FUTURE).date(),
        mandatory=True,
        reason="For your new role.",
        created_by=training_lead,
    )
    AssignedPerson.objects.create(
        assignment=assignment, user=fay, assigned_at=at(1), due_at=at(20, 12, FUTURE)
    )
    return programme


@pytest.fixture(scope="module", autouse=True)
def cast_once(shared):
    return shared.build(_cast, shared["course"], shared["training_lead"])


@pytest.fixture
def cast(cast_once):
    return cast_once


ADA = [
    "Ada Adams",
    "Civil Registration and Citizen Services",
    "Officer",
    "In progress",
    "50%",
    "2",
    "67%",
    "20 min",
    "20 Nov 2026",
    "Yes",
    "20 Dec 2099",
    "In progress",
]
BEN = [
    "Ben Brown",
    "Finance",
    "Analyst",
    "Completed",
    "100%",
    "1",
    "100%",
    "40 min",
    "9 Nov 2026",
    "Yes",
    "20 Dec 2099",
    "Done on time",
]
CAT = [
    "Cat Clark",
    "Civil Registration North",
    "Officer",
    "Not started",
    "0%",
    "0",
    "No attempts",
    "0 min",
    "None",
    "Yes",
    "1 Dec 2026",
    "Overdue",
]
DAN = [
    "Dan Dale",
    "None recorded",
    "None recorded",
    "In progress",
    "0%",
    "0",
    "No attempts",
    "0 min",
    "4 Nov 2026",
    "No",
    "",
    "",
]


def page(client, course, query: str = "") -> list[list[str]]:
    response = client.get(f"/reports/courses/{course.pk}/learners/{query}")
    assert response.status_code == 200
    return table(response.content, "Learners of")


@pytest.mark.django_db
def test_owner_sees_every_learner_of_the_course_with_their_figures(
    client, cast, course, training_lead
):
    client.force_login(training_lead)

    assert page(client, course) == [HEADER, ADA, BEN, CAT, DAN]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A department includes the departments inside it.
        ("?department=CRS", [ADA, CAT]),
        ("?department=CRS-N", [CAT]),
        ("?job_role=officer", [ADA, CAT]),
        ("?department=CRS&job_role=analyst", []),
        ("?assignment=assigned", [ADA, BEN, CAT]),
        ("?assignment=not-assigned", [DAN]),
        ("?assignment=personal", [BEN]),
        ("?assignment=mandatory&department=CRS-N", [CAT]),
    ],
)
def test_filters_narrow_the_list(client, cast, course, cto_office, query, expected):
    query = query.replace("personal", str(cast["personal"].pk))
    query = query.replace("=mandatory", f"={cast['mandatory'].pk}")
    client.force_login(cto_office)
    response = client.get(f"/reports/courses/{course.pk}/learners/{query}")

    if expected:
        assert table(response.content, "Learners of") == [HEADER, *expected]
    else:
        assert texts(response.content, "//p[@id='no-learners']") == [
            "No learners match. Try fewer filters."
        ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?department=NOPE", "Choose a department from the list"),
        ("?job_role=astronaut", "Choose a job role from the list"),
        ("?assignment=999999", "Choose one of the assignments listed"),
    ],
)
def test_an_unknown_filter_is_refused_with_a_message(
    client, cast, course, cto_office, query, message
):
    client.force_login(cto_office)

    response = client.get(f"/reports/courses/{course.pk}/learners/{query}")
    download = client.get(f"/reports/courses/{course.pk}/learners/export.csv{query}")

    assert response.status_code == 400
    assert texts(response.content, "//div[@class='govuk-error-summary']//li") == [message]
    assert texts(response.content, "//table") == []
    assert (download.status_code, download.content.decode()) == (400, f"{message}.")


@pytest.mark.django_db
def test_another_assignments_course_is_not_a_filter(client, cast, course, cto_office):
    """An assignment of another course is not among the choices."""
    other = Assignment.objects.create(
        item=course.get_parent(),
        audience=Audience.EVERYONE,
        due_date=NOW.date(),
        reason="Other.",
    )
    client.force_login(cto_office)

    response = client.get(f"/reports/courses/{course.pk}/learners/?assignment={other.pk}")

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_list_is_paged(client, cast, course, cto_office, monkeypatch):
    monkeypatch.setattr("analytics.views.learners.PAGE_SIZE", 3)
    client.force_login(cto_office)

    second = client.get(f"/reports/courses/{course.pk}/learners/?page=2&job_role=")
    beyond = client.get(f"/reports/courses/{course.pk}/learners/?page=3")
    nonsense = client.get(f"/reports/courses/{course.pk}/learners/?page=x")

    assert table(second.content, "Learners of") == [HEADER, DAN]
    assert texts(second.content, "//h2[@id='results']") == ["4 learners, page 2 of 2"]
    assert [a.get("href") for a in _links(second.content, "govuk-pagination")] == [
        "?page=1",
        "?page=1",
        "?page=2",
    ]
    assert (beyond.status_code, nonsense.status_code) == (404, 404)


def _links(html: bytes, nav_class: str):
    return tree(html).xpath(f"//nav[@class='{nav_class}']//a")


@pytest.mark.django_db
def test_downloads_hold_the_filtered_list_as_the_page_shows_it(client, cast, course, cto_office):
    client.force_login(cto_office)
    query = "?department=CRS"

    shown = page(client, course, query)
    csv_response = client.get(f"/reports/courses/{course.pk}/learners/export.csv{query}")
    xlsx_response = client.get(f"/reports/courses/{course.pk}/learners/export.xlsx{query}")
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    spreadsheet = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]

    assert list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig")))) == shown
    assert spreadsheet == shown
    assert csv_response["Content-Disposition"] == 'attachment; filename="learners-data-basics.csv"'
    assert client.get(f"/reports/courses/{course.pk}/learners/export.pdf").status_code == 404


@pytest.mark.django_db
def test_downloads_hold_every_page(client, cast, course, cto_office, monkeypatch):
    monkeypatch.setattr("analytics.views.learners.PAGE_SIZE", 1)
    client.force_login(cto_office)

    response = client.get(f"/reports/courses/{course.pk}/learners/export.csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [HEADER, ADA, BEN, CAT, DAN]


@pytest.mark.django_db
def test_only_the_owner_and_readers_of_every_report_see_the_learners(
    client, cast, course, administrator, department_lead, training_lead
):
    ada = cast["people"]["ada"]
    path = f"/reports/courses/{course.pk}/learners/"

    def status(user) -> tuple[int, int]:
        client.force_login(user)
        return client.get(path).status_code, client.get(f"{path}export.csv").status_code

    # The owner without the training lead role any more sees nobody's progress by name.
    demoted = make_person(roles=[Role.LEARNER])
    course.owner = demoted
    course.save(update_fields=["owner"])
    assert status(demoted) == (403, 403)
    course.owner = training_lead
    course.save(update_fields=["owner"])

    assert {
        "owner": status(training_lead),
        "administrator": status(administrator),
        "another training lead": status(cast["other_lead"]),
        "department lead": status(department_lead),
        "learner on the course": status(ada),
    } == {
        "owner": (200, 200),
        "administrator": (200, 200),
        "another training lead": (403, 403),
        "department lead": (403, 403),
        "learner on the course": (403, 403),
    }
    client.logout()
    assert client.get(path)["Location"].startswith("/accounts/login/")
    client.force_login(training_lead)
    assert client.get("/reports/courses/999999/learners/").status_code == 404


@pytest.mark.django_db
def test_the_page_costs_the_same_queries_however_many_learners(client, cast, course, cto_office):
    paths = [
        f"/reports/courses/{course.pk}/learners/?department=CRS",
        f"/reports/programmes/{cast['programme'].pk}/learners/?department=CRS",
        f"/reports/courses/{course.pk}/learners/export.csv",
    ]

    def queries() -> list[int]:
        counted = []
        for path in paths:
            client.get(path)
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
            assert response.status_code == 200
            counted.append(len(context.captured_queries))
        return counted

    client.force_login(cto_office)
    before = queries()
    for _ in range(6):
        person = make_person(department=cast["crs"], job_role=cast["officer"])
        enrolment = Enrolment.objects.create(user=person, course=course)
        LessonCompletion.objects.create(enrolment=enrolment, lesson=course_lessons(course)[0])
        AssignedPerson.objects.create(
            assignment=cast["mandatory"], user=person, assigned_at=NOW, due_at=NOW
        )

    assert queries() == before


@pytest.mark.django_db
def test_a_programme_lists_the_learners_of_its_courses_and_those_assigned_it(
    client, cast, training_lead, cto_office
):
    programme = cast["programme"]
    path = f"/reports/programmes/{programme.pk}/learners/"
    client.force_login(training_lead)

    shown = table(client.get(path).content, "Learners of")
    by_role = table(client.get(f"{path}?job_role=analyst").content, "Learners of")
    download = client.get(f"{path}export.csv?job_role=analyst")
    client.force_login(cast["other_lead"])
    refused = client.get(path).status_code, client.get(f"{path}export.csv").status_code
    client.force_login(cto_office)

    # Progress counts the course and one elective: Ada has the elective only, Ben both.
    ada = [*ADA[:4], "50%", "2", "67%", "30 min", "25 Nov 2026", "No", "", ""]
    ben = [*BEN[:4], "100%", "1", "100%", "50 min", "12 Nov 2026", "No", "", ""]
    fay = [
        "Fay Fox",
        "Finance",
        "Analyst",
        "Not started",
        "0%",
        "0",
        "No attempts",
        "0 min",
        "None",
        "Yes",
        "20 Dec 2099",
        "Not started",
    ]
    assert shown == [HEADER, ada, ben, DAN, fay]
    assert by_role == [HEADER, ben, fay]
    assert list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")))) == by_role
    assert refused == (403, 403)
    assert client.get(path).status_code == 200
    assert client.get("/reports/programmes/999999/learners/").status_code == 404


@pytest.mark.django_db
def test_the_cms_course_report_links_each_course_to_its_learners(
    client, cast, course, training_lead
):
    client.force_login(training_lead)

    html = client.get("/cms/your-courses/").content

    links = {
        text_of(a): a.get("href")
        for a in tree(html).xpath("//table//a")
        if text_of(a).startswith("Learners of")
    }
    assert links == {
        f"Learners of {title}": f"/reports/courses/{pk}/learners/"
        for pk, title in CoursePage.objects.filter(owner=training_lead).values_list("pk", "title")
    }
    assert links[f"Learners of {course.title}"] == f"/reports/courses/{course.pk}/learners/"


@pytest.mark.django_db
def test_an_attempt_a_retake_superseded_counts_nowhere(client, cast, course, cto_office):
    dan = cast["people"]["dan"]
    old = Enrolment.all_attempts.create(
        user=dan, course=course, completed_at=at(3), superseded_at=at(4)
    )
    for lesson in course_lessons(course):
        LessonCompletion.objects.create(enrolment=old, lesson=lesson)
    KnowledgeCheckAttempt.objects.create(
        enrolment=old,
        lesson=course_lessons(course)[0],
        number=1,
        answers={},
        correct=3,
        total=3,
        passed=True,
    )
    client.force_login(cto_office)

    assert page(client, course, "?assignment=not-assigned") == [HEADER, DAN]


def test_a_long_list_links_the_first_last_and_nearby_pages():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    from analytics.views.learners import page_links

    page = Paginator(range(2000), 1).page(1000)

    html = render_to_string(
        "analytics/_pagination.html", {"page": page, "page_range": page_links(page), "query": ""}
    )

    assert texts(html.encode(), "//li") == ["1", "⋯", "999", "1000", "1001", "⋯", "2000"]


@pytest.mark.django_db
def test_who_is_on_a_page_is_found_once_a_minute(client, cast, course, cto_office):
    client.force_login(cto_office)
    path = f"/reports/courses/{course.pk}/learners/?department=CRS"
    client.get(f"/reports/courses/{course.pk}/learners/?department=FIN")  # settles the session

    with CaptureQueriesContext(connection) as first:
        shown = client.get(path)
    with CaptureQueriesContext(connection) as again:
        reshown = client.get(path)

    # Counting the learners and finding the page's people, the second time from the cache.
    assert len(first) - len(again) == 2
    assert table(reshown.content, "Learners of") == table(shown.content, "Learners of")
