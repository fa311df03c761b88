"""Programmes: the electives rule, completion (required courses and enough electives, once), its
statement, the programme page with a learner's statuses, its certificate, the catalogue's
section and the seed loader."""

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import content_fixtures
from accounts.roles import Role
from courses import services
from courses.authoring import COURSE_REVIEW
from courses.events import course_completed, programme_completed
from courses.loading import ProgrammeDataError, course_load, programme_load
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrolment,
    HomePage,
    ProgrammeCompletion,
    ProgrammePage,
)
from courses.models.programmes import electives_problem
from courses.programmes import ProgrammeProgress, programme_completions_update
from tests.courses.data import course_data, lesson
from tests.courses.drafts import act, submit
from tests.courses.helpers import lessons
from tests.factories import make_person
from tests.html import heading, table, texts, tree
from xapi.models import Statement

# The people and the framework are built once for the module, and so are the courses and
# programmes below; each test runs in a savepoint inside the module's transaction.
SHARED = ("learner", "training_lead", "framework")

pytestmark = pytest.mark.django_db

COURSES = {
    "alpha": "Alpha basics",
    "beta": "Beta practice",
    "one": "Elective one",
    "two": "Elective two",
    "three": "Elective three",
}
PATH = {
    "slug": "a-learning-path",
    "title": "A learning path",
    "summary": "Two courses everyone takes, then two of three electives.",
    "electives_required": 2,
    "courses": [
        {"slug": "alpha"},
        {"slug": "beta"},
        {"slug": "one", "elective": True},
        {"slug": "two", "elective": True},
        {"slug": "three", "elective": True},
    ],
    "competency_targets": [{"code": "DA.1", "level": 2}, {"code": "SP.1", "level": 1}],
}
SHORT = {
    "slug": "a-short-path",
    "title": "A short path",
    "summary": "Two required courses.",
    "courses": [{"slug": "alpha"}, {"slug": "beta"}],
    "competency_targets": [{"code": "DA.1", "level": 1}],
}


def _build(training_lead):
    for slug, title in COURSES.items():
        course_load(
            course_data(
                slug=slug,
                title=title,
                summary=f"About {title.lower()}.",
                competency_targets=[{"code": "DA.2", "level": 1}],
                modules=[
                    {
                        "title": "Only",
                        "summary": "",
                        "lessons": [lesson("Reading", with_check=False)],
                    }
                ],
            ),
            owner=training_lead,
        )
    return {
        "path": programme_load(PATH, owner=training_lead),
        "short": programme_load(SHORT, owner=training_lead),
    }


@pytest.fixture(scope="module", autouse=True)
def built(shared):
    return shared.build(_build, shared["training_lead"])


@pytest.fixture
def path(built):
    return ProgrammePage.objects.get(pk=built["path"].pk)


@pytest.fixture
def short(built):
    return ProgrammePage.objects.get(pk=built["short"].pk)


def course(slug: str) -> CoursePage:
    return CoursePage.objects.get(slug=slug)


def finish(user, *slugs: str) -> None:
    for slug in slugs:
        Enrolment.objects.create(user=user, course=course(slug), completed_at=timezone.now())


def completions(user) -> list[str]:
    return list(
        ProgrammeCompletion.objects.filter(user=user)
        .order_by("programme__title")
        .values_list("programme__title", flat=True)
    )


# The electives rule


@pytest.mark.parametrize(
    ("required", "courses", "problem"),
    [
        (0, [(1, False)], None),
        (2, [(1, False), (2, True), (3, True), (4, True)], None),
        (3, [(1, False), (2, True), (3, True), (4, True)], None),
        (0, [(2, True), (3, True)], None),
        (0, [], "Add at least one course to the programme."),
        (0, [(1, False), (1, True)], "Each course can be in the programme only once."),
        (
            4,
            [(1, False), (2, True), (3, True), (4, True)],
            "Learners can choose at most the 3 electives the programme offers: enter a number "
            "from 0 to 3.",
        ),
        (
            2,
            [(1, False), (2, True)],
            "Learners can choose at most the 1 elective the programme offers: enter a number "
            "from 0 to 1.",
        ),
        (
            1,
            [(1, False), (2, False)],
            "The programme has no electives, so learners cannot choose any: enter 0.",
        ),
        (
            -1,
            [(1, False), (2, True)],
            "Learners can choose at most the 1 elective the programme offers: enter a number "
            "from 0 to 1.",
        ),
    ],
)
def test_electives_required_must_fit_the_electives_offered(required, courses, problem):
    assert electives_problem(required, courses) == problem


def _programme_form(electives_required: str, places: list[tuple[CoursePage, bool]]) -> dict:
    return nested_form_data(
        {
            "title": "Shared data",
            "slug": "shared-data",
            "summary": "Data we share.",
            "electives_required": electives_required,
            "programme_courses": inline_formset(
                [{"course": c.pk, "elective": "on" if e else ""} for c, e in places], min=1
            ),
            "competency_targets": inline_formset([]),
            "comments": inline_formset([]),
        }
    )


def test_an_author_asking_for_more_electives_than_offered_is_told_and_nothing_is_saved(
    client, training_lead, built
):
    catalogue = CourseIndexPage.objects.get()
    client.force_login(training_lead)
    url = reverse("wagtailadmin_pages:add", args=["courses", "programmepage", catalogue.pk])

    response = client.post(
        url, _programme_form("3", [(course("alpha"), False), (course("one"), True)])
    )

    assert response.status_code == 200
    assert texts(
        response.content,
        "//*[@id='panel-child-content-electives_required-section']"
        "//*[contains(@class, 'error-message')]",
    ) == [
        "Learners can choose at most the 1 elective the programme offers: enter a number "
        "from 0 to 1."
    ]
    assert not ProgrammePage.objects.filter(slug="shared-data").exists()


def test_an_author_adds_a_programme_as_a_draft_reviewed_by_the_course_review(
    client, training_lead, built
):
    catalogue = CourseIndexPage.objects.get()
    client.force_login(training_lead)
    url = reverse("wagtailadmin_pages:add", args=["courses", "programmepage", catalogue.pk])

    response = client.post(
        url, _programme_form("1", [(course("alpha"), False), (course("one"), True)])
    )

    assert response.status_code == 302
    programme = ProgrammePage.objects.get(slug="shared-data")
    draft = programme.get_latest_revision_as_object()
    assert (programme.live, programme.get_workflow().name) == (False, COURSE_REVIEW)
    assert [(p.course.slug, p.elective) for p in draft.programme_courses.all()] == [
        ("alpha", False),
        ("one", True),
    ]


def test_a_submitted_programme_is_approved_by_another_reviewer_not_its_author(
    client, training_lead, built
):
    catalogue = CourseIndexPage.objects.get()
    client.force_login(training_lead)
    url = reverse("wagtailadmin_pages:add", args=["courses", "programmepage", catalogue.pk])
    client.post(url, _programme_form("0", [(course("alpha"), False)]))
    programme = ProgrammePage.objects.get(slug="shared-data")
    submit(programme, training_lead)

    with pytest.raises(PermissionDenied):
        act(programme, training_lead)
    act(programme, make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD]))

    programme.refresh_from_db()
    assert (programme.live, [p.course.slug for p in programme.programme_courses.all()]) == (
        True,
        ["alpha"],
    )


def test_a_new_programme_previews_its_draft_courses_before_its_first_save(
    client, training_lead, built
):
    catalogue = CourseIndexPage.objects.get()
    client.force_login(training_lead)
    url = reverse(
        "wagtailadmin_pages:preview_on_add", args=["courses", "programmepage", catalogue.pk]
    )
    form = _programme_form("1", [(course("beta"), False), (course("two"), True)])

    assert client.post(url, form).json() == {"is_valid": True, "is_available": True}
    html = client.get(url).content.decode()

    assert heading(html) == "Shared data"
    assert _rows(html, "required-courses") == ["Beta practice About beta practice."]
    assert _rows(html, "elective-courses") == ["Elective two About elective two."]
    assert texts(html, "//div[contains(@class, 'govuk-inset-text')]") == [
        "This is a preview. Learners see their progress through the programme here."
    ]


def test_a_programme_lives_in_the_catalogue_only(built):
    catalogue = CourseIndexPage.objects.get()

    assert ProgrammePage in catalogue.specific_class.allowed_subpage_models()
    assert ProgrammePage.can_create_at(catalogue)
    assert not ProgrammePage.can_create_at(HomePage.objects.get())
    assert ProgrammePage.allowed_subpage_models() == []


# Completion


@pytest.mark.parametrize(
    ("finished", "completed"),
    [
        (("alpha", "beta", "one", "two"), ["A learning path", "A short path"]),
        (("alpha", "beta", "one", "two", "three"), ["A learning path", "A short path"]),
        (("alpha", "beta", "one"), ["A short path"]),
        (("alpha", "one", "two", "three"), []),
        (("one", "two"), []),
    ],
)
def test_a_programme_is_completed_by_its_required_courses_and_enough_electives(
    learner, built, finished, completed
):
    # Each course completed in turn, as the course service reports them.
    for slug in finished:
        finish(learner, slug)
        programme_completions_update(user=learner, course=course(slug))

    assert completions(learner) == completed


def test_completing_again_changes_nothing_and_the_statement_is_recorded_once(learner, path):
    finish(learner, "alpha", "beta", "one", "two")
    programme_completions_update(user=learner, course=course("two"))
    first = ProgrammeCompletion.objects.get(user=learner, programme=path)

    again = programme_completions_update(user=learner, course=course("two"))
    finish(learner, "three")
    later = programme_completions_update(user=learner, course=course("three"))

    assert (again, later) == ([], [])
    assert list(ProgrammeCompletion.objects.filter(programme=path)) == [first]
    assert Statement.objects.filter(data__object__id=path.iri).count() == 1


def test_a_programme_not_published_is_not_completed(learner, path):
    path.unpublish()

    for slug in ("alpha", "beta", "one", "two"):
        finish(learner, slug)
        programme_completions_update(user=learner, course=course(slug))

    assert completions(learner) == ["A short path"]


def test_finishing_the_last_course_completes_the_programme_and_tells_listeners_once(learner, short):
    heard = []

    def on_programme(sender, user, programme, completed_at, **kwargs):
        heard.append(("programme", user.pk, programme.pk, completed_at))

    def on_course(sender, user, course, completed_at, **kwargs):
        heard.append(("course", user.pk, course.slug, completed_at))

    finish(learner, "alpha")
    enrolment = Enrolment.objects.create(user=learner, course=course("beta"))
    [reading] = lessons(course("beta"))
    programme_completed.connect(on_programme)
    course_completed.connect(on_course)
    try:
        services.lesson_mark_complete(enrolment=enrolment, lesson=reading)
        services.lesson_mark_complete(enrolment=enrolment, lesson=reading)
        programme_completions_update(user=learner, course=course("beta"))
    finally:
        programme_completed.disconnect(on_programme)
        course_completed.disconnect(on_course)

    completion = ProgrammeCompletion.objects.get(user=learner)
    enrolment.refresh_from_db()
    assert completion.completed_at == enrolment.completed_at
    assert heard == [
        ("programme", learner.pk, short.pk, completion.completed_at),
        ("course", learner.pk, "beta", completion.completed_at),
    ]


def test_the_completion_statement_names_the_programme_and_its_competencies_not_the_person(
    learner, path, settings
):
    settings.SITE_URL = "https://academy.example.gov"
    finish(learner, "alpha", "beta", "one", "two")

    programme_completions_update(user=learner, course=course("two"))

    [statement] = Statement.objects.filter(data__object__id=path.iri)
    data = statement.data
    completion = ProgrammeCompletion.objects.get(user=learner, programme=path)
    targets = [t.competency.iri for t in path.competency_targets.order_by("sort_order")]
    account = data["actor"]["account"]
    assert {key: data[key] for key in ("verb", "object", "result", "context")} == {
        "verb": {
            "id": "http://adlnet.gov/expapi/verbs/completed",
            "display": {"en-GB": "completed"},
        },
        "object": {
            "objectType": "Activity",
            "id": f"https://academy.example.gov/xapi/activities/programme/{path.stable_id}",
            "definition": {
                "name": {"en-GB": "A learning path"},
                "type": "https://academy.example.gov/xapi/activity-types/programme",
            },
        },
        "result": {
            "completion": True,
            "extensions": {
                "https://academy.example.gov/xapi/extensions/result/levels": {
                    targets[0]: 2,
                    targets[1]: 1,
                }
            },
        },
        "context": {
            "contextActivities": {
                "other": [
                    {"objectType": "Activity", "id": targets[0]},
                    {"objectType": "Activity", "id": targets[1]},
                ]
            }
        },
    }
    assert account == {
        "homePage": "https://academy.example.gov",
        "name": str(learner.learner_identity.account_name),
    }
    assert data["timestamp"] == completion.completed_at.isoformat()
    text = json.dumps(data)
    for personal in (learner.email, learner.first_name, learner.last_name):
        assert personal not in text


# The programme page


def _rows(html: str, list_id: str) -> list[str]:
    return texts(html, f"//h2[@id='{list_id}']/following-sibling::ul[1]/li")


def test_the_page_lists_the_courses_with_the_learners_status_and_progress(client, learner, path):
    finish(learner, "alpha", "one")
    Enrolment.objects.create(user=learner, course=course("beta"))
    client.force_login(learner)

    html = client.get(path.url).content.decode()

    assert heading(html) == "A learning path"
    assert texts(html, "//p[@id='programme-progress']") == ["2 of 4 courses complete."]
    assert _rows(html, "required-courses") == [
        "Alpha basics About alpha basics. Completed",
        "Beta practice About beta practice. In progress",
    ]
    assert texts(html, "//h2[@id='elective-courses']/following-sibling::p[1]") == [
        "Choose 2 of these 3."
    ]
    assert _rows(html, "elective-courses") == [
        "Elective one About elective one. Completed",
        "Elective two About elective two. Not started",
        "Elective three About elective three. Not started",
    ]
    assert texts(html, "//h2[@id='programme-competencies']/following-sibling::ul[1]/li") == [
        "DA.1 Data literacy to level 2 (Working)",
        "SP.1 Cyber hygiene to level 1 (Awareness)",
    ]
    assert tree(html).xpath("//a[contains(@class, 'govuk-task-list__link')]/@href") == [
        course(slug).url for slug in ("alpha", "beta", "one", "two", "three")
    ]


def test_a_visitor_signed_out_sees_the_courses_without_statuses(client, path):
    html = client.get(path.url).content.decode()

    assert _rows(html, "required-courses") == [
        "Alpha basics About alpha basics.",
        "Beta practice About beta practice.",
    ]
    assert texts(html, "//main//p[a[text()='Sign in']]") == [
        "Sign in to see your progress through this programme."
    ]
    assert texts(html, "//p[@id='programme-progress']") == []


def test_a_finished_programme_links_to_its_certificate(client, learner, path):
    finish(learner, "alpha", "beta", "two", "three")
    programme_completions_update(user=learner, course=course("three"))
    completion = ProgrammeCompletion.objects.get(user=learner, programme=path)
    client.force_login(learner)

    html = client.get(path.url).content.decode()

    assert texts(html, "//h2[contains(@class, 'govuk-panel__title')]") == ["Programme complete"]
    assert tree(html).xpath("//a[text()='View your programme certificate']/@href") == [
        reverse("programme_certificate", args=[completion.code])
    ]


def test_the_page_asks_the_same_number_of_queries_however_many_courses(
    client, learner, path, short
):
    finish(learner, "alpha", "one", "two")
    client.force_login(learner)
    client.get(short.url)  # the session and the site are read once, before counting

    with CaptureQueriesContext(connection) as few:
        assert client.get(short.url).status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(path.url).status_code == 200

    assert len(many) == len(few)


# The certificate


def _completed(learner, path) -> ProgrammeCompletion:
    finish(learner, "alpha", "beta", "one", "three")
    programme_completions_update(user=learner, course=course("three"))
    return ProgrammeCompletion.objects.get(user=learner, programme=path)


def test_the_holder_reads_their_programme_certificate(client, learner, path):
    completion = _completed(learner, path)
    client.force_login(learner)

    response = client.get(reverse("programme_certificate", args=[completion.code.lower()]))

    html = response.content.decode()
    on = timezone.localtime(completion.completed_at).strftime("%-d %B %Y")
    assert heading(html) == "Certificate of completion"
    assert texts(html, "//p[@id='certifies']") == [
        f"{learner.get_full_name()} completed the programme A learning path on {on}."
    ]
    assert table(html, "Courses completed") == [
        ["Course", "Completed"],
        ["Alpha basics", on],
        ["Beta practice", on],
        ["Elective one (elective)", on],
        ["Elective three (elective)", on],
    ]
    assert texts(html, "//dl[@id='programme-competencies']/div") == [
        "Data literacy (DA.1) Level 2: Working",
        "Cyber hygiene (SP.1) Level 1: Awareness",
    ]


@pytest.mark.parametrize("who", ["someone else", "a training lead"])
def test_nobody_else_opens_the_certificate(client, learner, path, who):
    completion = _completed(learner, path)
    roles = [Role.LEARNER] if who == "someone else" else [Role.LEARNER, Role.TRAINING_LEAD]
    client.force_login(make_person(roles=roles))

    response = client.get(reverse("programme_certificate", args=[completion.code]))

    assert response.status_code == 404


def test_a_visitor_signed_out_is_asked_to_sign_in_and_an_unknown_reference_is_not_found(
    client, learner, path
):
    completion = _completed(learner, path)
    url = reverse("programme_certificate", args=[completion.code])

    signed_out = client.get(url)
    client.force_login(learner)
    unknown = client.get(reverse("programme_certificate", args=["AAAA-BBBB-CCCC-DDDD"]))

    assert (signed_out.status_code, signed_out["Location"]) == (
        302,
        f"{reverse('account_login')}?next={url}",
    )
    assert unknown.status_code == 404


# The catalogue


def test_the_catalogue_lists_programmes_above_the_courses_unless_filtered(client, built):
    html = client.get(reverse("catalogue")).content.decode()
    filtered = client.get(reverse("catalogue"), {"q": "alpha"}).content.decode()

    assert texts(html, "//main//h2") == ["Programmes", "Find a course", "5 courses"]
    assert texts(
        html, "//h2[@id='programmes']/following-sibling::div[@class='app-course-card']/h3"
    ) == [
        "A learning path",
        "A short path",
    ]
    assert texts(html, "//h2[@id='programmes']/following-sibling::div[1]/p[2]") == [
        "5 courses: Alpha basics, Beta practice, Elective one (elective), Elective two "
        "(elective), Elective three (elective)"
    ]
    assert texts(filtered, "//main//h2") == ["Find a course", "1 course matches"]


# Loading the demo's programmes


def test_loading_a_programme_again_writes_nothing(built, training_lead, framework):
    revisions = Revision.objects.count()

    with CaptureQueriesContext(connection) as queries:
        programme_load(PATH, owner=training_lead)

    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert (Revision.objects.count(), [w for w in writes if "SAVEPOINT" not in w]) == (
        revisions,
        [],
    )


def test_loading_changed_data_publishes_the_change(built, training_lead, framework, path):
    changed = {**PATH, "electives_required": 3, "courses": PATH["courses"][::-1]}

    programme_load(changed, owner=training_lead)

    path.refresh_from_db()
    assert (path.electives_required, path.live, path.has_unpublished_changes) == (3, True, False)
    assert [(p.course.slug, p.elective) for p in path.programme_courses.order_by("sort_order")] == [
        ("three", True),
        ("two", True),
        ("one", True),
        ("beta", False),
        ("alpha", False),
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"courses": [{"slug": "alpha"}, {"slug": "no-such-course"}]},
            "Programme 'a-learning-path' names courses that are not in the catalogue: "
            "no-such-course",
        ),
        (
            {"electives_required": 4},
            "Programme 'a-learning-path': Learners can choose at most the 3 electives the "
            "programme offers: enter a number from 0 to 3.",
        ),
        (
            {"competency_targets": [{"code": "ZZ.9", "level": 1}]},
            "Programme 'a-learning-path' names competencies not in the framework: ZZ.9",
        ),
    ],
)
def test_loading_bad_data_says_why_and_changes_nothing(
    built, training_lead, framework, changes, message
):
    revisions = Revision.objects.count()

    with pytest.raises(ProgrammeDataError) as refused:
        programme_load({**PATH, **changes}, owner=training_lead)

    assert str(refused.value) == message
    assert Revision.objects.count() == revisions


def test_the_demo_programmes_name_demo_courses_and_fit_the_electives_rule():
    slugs = {
        content_fixtures.read(name)["slug"]: n
        for n, name in enumerate(content_fixtures.names("courses"))
    }
    seen = {}
    for programme in content_fixtures.read("programmes")["programmes"]:
        places = [(slugs[p["slug"]], p.get("elective", False)) for p in programme["courses"]]
        seen[programme["title"]] = (
            len(places),
            programme.get("electives_required", 0),
            electives_problem(programme.get("electives_required", 0), places),
        )

    assert seen == {
        "Digital essentials for every public servant": (3, 0, None),
        "Data for decision makers": (4, 2, None),
    }


@pytest.mark.parametrize(
    ("required", "offered", "text"),
    [
        (0, 2, "Optional: take any of these 2."),
        (2, 3, "Choose 2 of these 3."),
        (2, 2, "Complete all 2 of these."),
    ],
)
def test_the_electives_are_introduced_by_how_many_to_choose(required, offered, text):
    progress = ProgrammeProgress(
        required=[],
        electives=[None] * offered,
        electives_required=required,
        done=0,
        total=required,
        completion=None,
    )

    assert progress.choose_text == text
