"""The catalogue, recommendations, the dashboard and the learning plan."""

import pytest
from django.urls import reverse

from competencies.models import Competency
from competencies.services import self_assessment_save
from courses.loading import course_load
from courses.models import LearningPlanItem
from courses.selectors import recommendations
from tests.courses.data import course_data
from tests.factories import make_person
from tests.html import texts

# The people, the requirements and both courses are built once for the module; each test runs
# in a savepoint inside its transaction (tests/conftest.py).
SHARED = ("learner", "requirements", "course")


@pytest.fixture(scope="module", autouse=True)
def security_habits(shared):
    security = course_data(
        slug="security-habits",
        title="Security habits",
        summary="Stay safe online.",
        level="intermediate",
        format="cohort",
        duration_minutes=240,
        competency_targets=[{"code": "SP.1", "level": 2}],
    )
    return shared.build(course_load, security, owner=shared["training_lead"])


@pytest.fixture
def courses(shared, course, security_habits):
    return {"data": course, "security": shared.fresh(security_habits)}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Data basics", "Security habits"]),
        ({"q": "safe"}, ["Security habits"]),
        ({"q": "data kanban"}, []),
        ({"competency": "DA.1"}, ["Data basics"]),
        ({"area": "SP"}, ["Data basics", "Security habits"]),
        ({"level": "intermediate"}, ["Security habits"]),
        ({"format": "self-paced"}, ["Data basics"]),
        ({"duration": "short"}, ["Data basics"]),
        ({"duration": "long"}, ["Security habits"]),
    ],
)
@pytest.mark.django_db
def test_catalogue_search_and_filters(client, courses, params, expected):
    response = client.get(reverse("catalogue"), params)

    assert [c.title for c in response.context["courses"]] == expected


@pytest.mark.django_db
def test_unknown_filter_values_show_everything_with_a_message(client, courses):
    response = client.get(reverse("catalogue"), {"level": "wizard"})

    assert response.status_code == 200
    assert texts(response.content, "//p[contains(@class, 'govuk-error-message')]") == [
        "Error: Select a valid choice. wizard is not one of the available choices."
    ]
    assert [c.title for c in response.context["courses"]] == ["Data basics", "Security habits"]


@pytest.mark.django_db
def test_recommendations_follow_the_gaps_against_the_role(learner, courses, requirements):
    self_assessment_save(
        user=learner,
        answers={Competency.objects.get(code="DA.1"): 2, Competency.objects.get(code="SP.1"): 0},
    )

    found = {r.course.title: r.closes for r in recommendations(learner)}

    # SP.1: the department override asks 3 and the learner is at 0; DA.1 already meets 2.
    assert found == {"Data basics": [("SP.1", 1, 0)], "Security habits": [("SP.1", 2, 0)]}


@pytest.mark.django_db
def test_no_recommendations_without_a_job_role(courses):
    assert recommendations(make_person()) == []


@pytest.mark.django_db
def test_plan_add_reorder_and_remove(client, learner, courses):
    client.force_login(learner)
    for course in (courses["data"], courses["security"]):
        client.post(reverse("plan_add"), {"course": course.pk})
    first, second = LearningPlanItem.objects.order_by("position")

    client.post(reverse("plan_move", args=[second.pk]), {"direction": "up"})
    assert list(
        LearningPlanItem.objects.order_by("position").values_list("course__title", flat=True)
    ) == ["Security habits", "Data basics"]
    client.post(reverse("plan_remove", args=[first.pk]))

    assert list(LearningPlanItem.objects.values_list("course__title", flat=True)) == [
        "Security habits"
    ]
    assert "Security habits" in client.get(reverse("dashboard")).content.decode()


@pytest.mark.django_db
def test_adding_the_same_course_twice_keeps_one_item(client, learner, courses):
    client.force_login(learner)

    for _ in range(2):
        client.post(reverse("plan_add"), {"course": courses["data"].pk})

    assert LearningPlanItem.objects.count() == 1


@pytest.mark.django_db
def test_line_manager_adds_to_a_reports_plan_and_others_cannot(
    client, learner, department_lead, courses
):
    client.force_login(department_lead)
    client.post(reverse("plan_add"), {"course": courses["data"].pk, "for": learner.pk})
    item = LearningPlanItem.objects.get(user=learner)
    assert item.added_by == department_lead

    stranger = make_person()
    client.force_login(stranger)
    response = client.post(
        reverse("plan_add"), {"course": courses["security"].pk, "for": learner.pk}
    )

    assert response.status_code == 404
    assert LearningPlanItem.objects.filter(user=learner).count() == 1


@pytest.mark.django_db
def test_people_cannot_touch_someone_elses_plan_items(client, learner, courses):
    client.force_login(learner)
    client.post(reverse("plan_add"), {"course": courses["data"].pk})
    item = LearningPlanItem.objects.get()
    client.force_login(make_person())

    client.post(reverse("plan_remove", args=[item.pk]))
    client.post(reverse("plan_move", args=[item.pk]), {"direction": "down"})

    assert LearningPlanItem.objects.get().position == item.position


@pytest.mark.django_db
def test_dashboard_lists_progress_and_query_count_is_flat(
    client, learner, courses, django_assert_max_num_queries
):
    client.force_login(learner)
    client.post(reverse("enrol", args=[courses["data"].pk]))
    client.get(reverse("dashboard"))

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        html = client.get(reverse("dashboard")).content.decode()
    client.post(reverse("enrol", args=[courses["security"].pk]))
    with CaptureQueriesContext(connection) as two:
        client.get(reverse("dashboard"))

    assert texts(html, "//main//div[@class='app-course-card']") == [
        "Data basics 0 of 4 lessons complete (0%)."
    ]
    assert len(two) == len(one)


def _gap_in_sp1(learner):
    self_assessment_save(
        user=learner,
        answers={Competency.objects.get(code="DA.1"): 0, Competency.objects.get(code="SP.1"): 0},
    )


@pytest.mark.django_db
def test_recommendations_leave_out_courses_planned_enrolled_or_completed(
    learner, courses, requirements
):
    from django.utils import timezone

    from courses.models import Enrolment

    _gap_in_sp1(learner)
    assert [r.course.title for r in recommendations(learner)] == ["Data basics", "Security habits"]

    LearningPlanItem.objects.create(user=learner, course=courses["security"], position=1)
    Enrolment.objects.create(user=learner, course=courses["data"], completed_at=timezone.now())

    assert recommendations(learner) == []


@pytest.mark.django_db
def test_dashboard_recommends_nothing_already_in_the_plan_with_flat_query_count(
    client, learner, courses, requirements
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _gap_in_sp1(learner)
    client.force_login(learner)
    client.get(reverse("dashboard"))
    with CaptureQueriesContext(connection) as none_planned:
        before = client.get(reverse("dashboard")).context["recommended"]
    client.post(reverse("plan_add"), {"course": courses["security"].pk})
    with CaptureQueriesContext(connection) as one_planned:
        after = client.get(reverse("dashboard")).context["recommended"]
    client.post(reverse("plan_add"), {"course": courses["data"].pk})
    with CaptureQueriesContext(connection) as two_planned:
        last = client.get(reverse("dashboard")).context["recommended"]

    assert [r.course.title for r in before] == ["Data basics", "Security habits"]
    assert [r.course.title for r in after] == ["Data basics"]
    assert last == []
    assert len(one_planned) == len(none_planned) == len(two_planned)


@pytest.mark.django_db
def test_a_completed_course_no_longer_offers_adding_it_to_the_plan(client, learner, courses):
    from django.utils import timezone

    from courses.models import Enrolment

    Enrolment.objects.create(user=learner, course=courses["data"], completed_at=timezone.now())
    client.force_login(learner)

    html = client.get(courses["data"].url).content.decode()

    done = Enrolment.objects.get().completed_at
    assert texts(html, "//main//div[contains(@class, 'govuk-panel')]/*") == [
        "Course complete",
        f"You finished on {done.day} {done:%B %Y}.",
    ]
    # Its only button takes it again; nothing adds it to the plan.
    assert texts(html, "//main//button") == ["Take this course again"]
    assert "Add to your learning plan" not in html


@pytest.mark.django_db
def test_a_planned_course_says_it_is_in_the_plan_instead_of_offering_it_again(
    client, learner, courses
):
    client.force_login(learner)
    offered = client.get(courses["data"].url).content.decode()
    assert texts(offered, "//main//form[@action='/learning/plan/add/']//button") == [
        "Add to your learning plan"
    ]
    client.post(reverse("plan_add"), {"course": courses["data"].pk})

    html = client.get(courses["data"].url).content.decode()

    assert "Add to your learning plan" not in html
    assert texts(html, "//main//form[@action='/learning/plan/add/']") == []
    assert texts(html, "//main//p[a[@href='/learning/#learning-plan']]") == [
        "This course is in your learning plan."
    ]


@pytest.mark.django_db
def test_catalogue_names_competencies_by_title_as_well_as_code(
    client, learner, courses, requirements
):
    _gap_in_sp1(learner)
    client.force_login(learner)

    html = client.get(reverse("catalogue")).content.decode()

    assert texts(html, "//main//div[@class='app-course-card']/p[2]") == [
        "Foundation · Self-paced · about 40 minutes "
        "Builds Data literacy (DA.1), Cyber hygiene (SP.1)",
        "Intermediate · Cohort · about 4 hours Builds Cyber hygiene (SP.1)",
    ]
    assert texts(html, "//main//ul[contains(@class, 'govuk-list--spaced')]/li") == [
        "Data basics Builds Data literacy (DA.1; you: level 0, your role needs level 2), "
        "Cyber hygiene (SP.1; you: level 0, your role needs level 1)",
        "Security habits Builds Cyber hygiene (SP.1; you: level 0, your role needs level 2)",
    ]


def test_progress_is_written_by_the_reports_rule_for_shares():
    from courses.selectors import EnrolmentProgress

    shares = [
        EnrolmentProgress(enrolment=None, completed=done, total=total).percent
        for done, total in [(0, 4), (1, 250), (1, 3), (249, 250), (4, 4), (0, 0)]
    ]

    assert shares == ["0%", "fewer than 1%", "33%", "more than 99%", "100%", "0%"]
