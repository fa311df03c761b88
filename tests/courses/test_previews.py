"""Every course page type previews as a draft inside a course that is not live yet: in the
editor's preview panel, in "view draft" and in the reviewer's workflow preview."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.roles import Role
from courses.models import CourseIndexPage, HomePage, LessonPage, ModulePage
from tests.courses.drafts import draft_course, draft_lesson, submit
from tests.factories import make_person

pytestmark = pytest.mark.django_db

CHECK = {
    "title": "Check your plain words",
    "pass_mark": 60,
    "competency": None,
    "evidences_level": None,
    "questions": [
        {
            "kind": "single",
            "text": "Which word is plainer?",
            "options": [
                {"text": "Use", "correct": True, "feedback": "Yes."},
                {"text": "Utilise", "correct": False, "feedback": "No."},
            ],
        }
    ],
}


# The people and the draft tree are built once for the module; each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("training_lead", "framework", "administrator")


@pytest.fixture(scope="module", autouse=True)
def module_reviewer(shared):
    return shared.build(make_person, roles=[Role.LEARNER, Role.TRAINING_LEAD])


@pytest.fixture
def reviewer(shared, module_reviewer):
    return shared.fresh(module_reviewer)


def _tree(training_lead):
    course = draft_course(training_lead, title="Draft course on writing")
    module = ModulePage(title="Draft module on tone", slug="tone", live=False, owner=training_lead)
    course.add_child(instance=module)
    module.save_revision(user=training_lead)
    lesson = LessonPage(
        title="Draft lesson on plain words",
        slug="plain-words",
        live=False,
        owner=training_lead,
        body=[
            {"type": "text", "value": "<p>Use the words people use.</p>"},
            {"type": "knowledge_check", "value": CHECK},
        ],
    )
    module.add_child(instance=lesson)
    lesson.save_revision(user=training_lead)
    return {"course": course, "module": module, "lesson": lesson}


@pytest.fixture(scope="module", autouse=True)
def module_tree(shared):
    return shared.build(_tree, shared["training_lead"])


@pytest.fixture
def tree(shared, module_tree, framework, training_lead):
    """An unpublished course, module and lesson, each a draft written by the training lead."""
    return {kind: shared.fresh(page) for kind, page in module_tree.items()}


def _edit_form(page) -> dict:
    """What the editor's form posts for the page, with its title marked as edited."""
    fields = {"title": f"{page.title} (edited)", "slug": page.slug, "comments": inline_formset([])}
    if page.specific_class.__name__ == "CoursePage":
        fields |= {
            "summary": page.summary,
            "audience": page.audience,
            "duration_minutes": page.duration_minutes,
            "format": page.format,
            "level": page.level,
            "description": rich_text(""),
            "competency_targets": inline_formset([]),
        }
    elif isinstance(page, ModulePage):
        fields |= {"summary": "Tone for the public"}
    elif isinstance(page, LessonPage):
        fields |= {
            "duration_minutes": 10,
            "body": streamfield([("text", rich_text("<p>Use the words people use.</p>"))]),
        }
    elif isinstance(page, CourseIndexPage):
        fields |= {"intro": rich_text("<p>Courses for everyone.</p>")}
    elif isinstance(page, HomePage):
        fields |= {"intro": rich_text("<p>Skills for everyone.</p>"), "audiences": streamfield([])}
    return nested_form_data(fields)


def _preview_panel(client, page):
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    posted = client.post(url, _edit_form(page))
    assert posted.json() == {"is_valid": True, "is_available": True}
    return client.get(url)


def _title_shown(response, title: str) -> bool:
    return title in response.content.decode()


@pytest.mark.parametrize("kind", ["course", "module", "lesson"])
@pytest.mark.parametrize("who", ["training_lead", "reviewer"])
def test_draft_in_an_unpublished_course_shows_in_view_draft(client, tree, kind, who, request):
    client.force_login(request.getfixturevalue(who))
    page = tree[kind]

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))

    assert response.status_code == 200
    assert _title_shown(response, page.title)


@pytest.mark.parametrize("kind", ["course", "module", "lesson"])
@pytest.mark.parametrize("who", ["training_lead", "reviewer"])
def test_draft_in_an_unpublished_course_shows_in_the_preview_panel(
    client, tree, kind, who, request
):
    client.force_login(request.getfixturevalue(who))
    page = tree[kind]

    response = _preview_panel(client, page)

    assert response.status_code == 200
    assert _title_shown(response, f"{page.title} (edited)")


def test_reviewer_sees_the_draft_they_review_in_the_workflow_preview(
    client, tree, training_lead, reviewer
):
    page = tree["course"]
    submit(page, training_lead)
    page.refresh_from_db()
    task = page.current_workflow_task
    client.force_login(reviewer)

    response = client.get(reverse("wagtailadmin_pages:workflow_preview", args=[page.pk, task.pk]))

    assert response.status_code == 200
    assert _title_shown(response, page.title)


@pytest.mark.parametrize("kind", ["module", "lesson"])
def test_reviewer_previews_each_module_and_lesson_reviewed_with_the_course(
    client, tree, kind, training_lead, reviewer
):
    # Modules and lessons are reviewed with their course: its edit screen links their drafts.
    submit(tree["course"], training_lead)
    client.force_login(reviewer)
    page = tree[kind]
    preview = reverse("wagtailadmin_pages:view_draft", args=[page.pk])
    course_screen = client.get(reverse("wagtailadmin_pages:edit", args=[tree["course"].pk]))

    response = client.get(preview)

    assert preview in course_screen.content.decode()
    assert response.status_code == 200
    assert _title_shown(response, page.title)


@pytest.mark.parametrize("model", [CourseIndexPage, HomePage])
def test_the_pages_above_the_courses_show_their_draft_in_the_preview_panel(
    client, tree, model, administrator
):
    page = model.objects.get()
    client.force_login(administrator)

    response = _preview_panel(client, page)

    assert response.status_code == 200
    assert _title_shown(response, f"{page.title} (edited)")


def test_catalogue_draft_shows_in_view_draft(client, tree, training_lead):
    catalogue = CourseIndexPage.objects.get()
    catalogue.title = "Courses for public servants"
    catalogue.save_revision(user=training_lead)
    client.force_login(training_lead)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[catalogue.pk]))

    assert response.status_code == 200
    assert _title_shown(response, "Courses for public servants")


def test_lesson_preview_names_its_unpublished_course_and_its_check(client, tree, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[tree["lesson"].pk]))

    assert response.status_code == 200
    assert _title_shown(response, "Draft course on writing")
    assert _title_shown(response, "Check your plain words")


@pytest.mark.parametrize("kind", ["course", "module", "lesson"])
def test_new_page_in_an_unpublished_course_shows_in_the_preview_panel_before_its_first_save(
    client, tree, kind, training_lead
):
    page = tree[kind]
    parent = page.get_parent().specific
    model = page.specific_class._meta.model_name
    url = reverse("wagtailadmin_pages:preview_on_add", args=["courses", model, parent.pk])
    client.force_login(training_lead)
    form = _edit_form(page) | {"slug": f"{page.slug}-again"}

    assert client.post(url, form).json() == {"is_valid": True, "is_available": True}
    response = client.get(url)

    assert response.status_code == 200
    assert _title_shown(response, f"{page.title} (edited)")


def _main(response):
    return BeautifulSoup(response.content.decode(), "html.parser").find("main")


def _texts(elements) -> list[str]:
    return [" ".join(element.get_text(" ").split()) for element in elements]


LEARNER_ACTIONS = [
    "Check my answers",
    "Mark this lesson as complete",
    "Enrol and start",
    "Add to your learning plan",
    "Start the course",
    "Continue where you left off",
]


def test_lesson_preview_shows_its_check_read_only_and_no_learner_buttons(
    client, tree, training_lead, reviewer
):
    draft_lesson(tree["module"], training_lead, title="Draft lesson on tone", slug="tone-lesson")
    client.force_login(reviewer)

    main = _main(client.get(reverse("wagtailadmin_pages:view_draft", args=[tree["lesson"].pk])))

    assert _texts(main.select(".govuk-caption-l")) == ["Lesson 1 of 2"]
    assert _texts(main.select("#check-questions > li")) == ["Which word is plainer? Use Utilise"]
    assert main.find_all(["form", "input", "button"]) == []
    assert main.select("nav.govuk-pagination") == []
    assert [action for action in LEARNER_ACTIONS if action in main.get_text()] == []


def test_course_preview_outlines_its_draft_modules_and_lessons_without_learner_buttons(
    client, tree, reviewer
):
    client.force_login(reviewer)

    main = _main(client.get(reverse("wagtailadmin_pages:view_draft", args=[tree["course"].pk])))

    assert _texts(main.select("h3[id^=module-]")) == ["Draft module on tone"]
    assert _texts(main.select(".govuk-task-list__name-and-hint > span")) == [
        "Draft lesson on plain words"
    ]
    assert main.find_all(["form", "button"]) == []
    assert [action for action in LEARNER_ACTIONS if action in main.get_text()] == []
    assert "Sign in" not in main.get_text()


def test_preview_of_a_course_without_modules_says_so(client, training_lead):
    course = draft_course(training_lead, title="A course just begun", slug="just-begun")
    client.force_login(training_lead)

    main = _main(client.get(reverse("wagtailadmin_pages:view_draft", args=[course.pk])))

    assert "The course has no modules yet." in _texts(main.select("p"))
