"""Course authoring in Wagtail's admin, in a real browser with JavaScript: one training lead
writes a course, a module and a lesson with a knowledge check, and submits the course once, as
one unit with its module and lesson; a second training lead approves it once, and the course
goes live for learners."""

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from accounts.roles import Role
from competencies.services import framework_load
from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.browser.axe import axe_violations
from tests.competencies.frameworks import framework_data
from tests.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Wagtail's admin loads a lot of JavaScript; a slow CI machine gets time to run it.
SLOW = 30_000


@pytest.fixture
def leads(settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "mini"
    framework_load(framework_data())
    author = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD], first_name="Amina", last_name="Okafor"
    )
    reviewer = make_person(
        roles=[Role.LEARNER, Role.TRAINING_LEAD], first_name="Grace", last_name="Mwangi"
    )
    return author, reviewer


def admin_page(new_page, sign_in_as, person):
    page = new_page(width=1280)
    page.set_default_timeout(SLOW)
    sign_in_as(page, person)
    return page


def wait_for_admin(page) -> None:
    """Wait until Wagtail's scripts have started (its Stimulus controllers drive the forms)."""
    page.wait_for_function(
        "() => document.readyState === 'complete' && window.wagtail && window.wagtail.app",
        timeout=SLOW,
    )


def field(page, role: str, label: str):
    # Wagtail marks required labels with an asterisk ("Summary*"), so match the start.
    return page.get_by_role(role, name=re.compile(rf"^{re.escape(label)}\*?$"))


def footer_action(page, name: str) -> None:
    """Click an action in the editor's footer menu (Save draft / More actions...)."""
    footer = page.locator("footer")
    action = footer.get_by_role("button", name=name, exact=True)
    if not action.is_visible():
        footer.get_by_role("button", name="More actions").click()
    expect(action).to_be_visible(timeout=SLOW)
    action.click()


def footer_actions(page) -> list[str]:
    footer = page.locator("footer")
    footer.get_by_role("button", name="More actions").click()
    expect(footer.get_by_role("button", name="Save draft")).to_be_visible(timeout=SLOW)
    return [
        text.strip()
        for text in footer.get_by_role("button").all_inner_texts()
        if text.strip() and text.strip() != "More actions"
    ]


def save_draft(page, title: str) -> None:
    assert "Publish" not in footer_actions(page)  # training leads cannot publish directly
    footer_action(page, "Save draft")
    expect(page.get_by_text(f"Page '{title}' created.")).to_be_visible(timeout=SLOW)


def open_explorer(page, parent) -> None:
    page.goto(f"/cms/pages/{parent.pk}/")
    wait_for_admin(page)


def add_child_page(page, parent_title: str) -> None:
    """From the explorer listing the parent, open its editor, then "Add child page"."""
    page.get_by_role("link", name=parent_title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"), timeout=SLOW)
    wait_for_admin(page)
    page.locator("header").get_by_role("button", name="Actions").click()
    page.get_by_role("link", name="Add child page").click()
    expect(page).to_have_url(re.compile(r"/cms/pages/add/courses/\w+/\d+/$"), timeout=SLOW)
    wait_for_admin(page)


def write_course(page) -> None:
    page.goto("/cms/pages/")  # Wagtail opens the catalogue, where training leads may add
    expect(page.get_by_role("heading", name="Courses", level=1)).to_be_visible(timeout=SLOW)
    page.get_by_role("link", name="Add child page").click()
    # The catalogue holds courses and programmes: Wagtail asks which.
    expect(page).to_have_url(re.compile(r"/cms/pages/\d+/add_subpage/$"))
    page.locator("main").get_by_role(
        "link", name=re.compile(r"^Course\b", re.IGNORECASE)
    ).first.click()
    expect(page).to_have_url(re.compile(r"/cms/pages/add/courses/coursepage/\d+/$"))
    wait_for_admin(page)

    page.get_by_placeholder("Page title*").fill("Writing for the web")
    field(page, "textbox", "Summary").fill("Plain language for public services.")
    field(page, "textbox", "Audience").fill("Everyone who writes for the public")
    field(page, "spinbutton", "Duration minutes").fill("45")
    field(page, "combobox", "Format").select_option(label="Self-paced")
    field(page, "combobox", "Level").select_option(label="Foundation")

    page.get_by_role("button", name="Add Target").click()
    page.get_by_role("button", name="Choose competency").click()
    chooser = page.locator(".modal-dialog")
    expect(chooser).to_be_visible(timeout=SLOW)
    chooser.get_by_role("textbox", name=re.compile("Search")).fill("literacy")
    chooser.get_by_role("link", name="DA.1 Data literacy \N{EM DASH} Mini framework").click()
    expect(chooser).to_be_hidden(timeout=SLOW)
    expect(page.locator("[data-chooser-title]", has_text="DA.1 Data literacy")).to_be_visible()
    field(page, "spinbutton", "Level").fill("2")

    save_draft(page, "Writing for the web")
    open_explorer(page, CourseIndexPage.objects.get())


def write_module(page) -> None:
    add_child_page(page, "Writing for the web")
    page.get_by_placeholder("Page title*").fill("Plain language")
    field(page, "textbox", "Summary").fill("Short words, short sentences.")
    # A module has no review of its own: it is reviewed with its course.
    assert "Submit to Course review" not in footer_actions(page)
    save_draft(page, "Plain language")
    open_explorer(page, CoursePage.objects.get(slug="writing-for-the-web"))


def write_lesson(page) -> None:
    add_child_page(page, "Plain language")
    page.get_by_placeholder("Page title*").fill("Use short words")
    field(page, "textbox", "Summary").fill("Why short words help.")
    body = page.locator("#panel-child-content-body-section")

    body.get_by_role("button", name="Insert a block").click()
    page.get_by_role("option", name="Text").click()
    text = body.locator("[role=textbox][contenteditable=true]").first
    text.click()
    page.keyboard.type("Short words are easier to read, for everyone.")

    body.get_by_role("button", name="Insert a block").last.click()
    page.get_by_role("option", name="Knowledge check").click()
    question = body.locator("[data-contentpath=questions] [data-streamfield-child]").first
    expect(question).to_be_visible(timeout=SLOW)
    field(question, "combobox", "Kind").select_option("single")
    # The question's own text box comes before its options' text boxes.
    question.locator("[data-contentpath=text]").first.get_by_role("textbox").fill(
        "Which word is easier to read?"
    )
    options = question.locator("[data-contentpath=options]")
    option = options.locator("[data-streamfield-child]")
    add_list_item(options, option, count=2)
    for n, (answer, correct, feedback) in enumerate(
        [("Use", True, "Short and plain."), ("Utilise", False, "A longer word, same meaning.")]
    ):
        field(option.nth(n), "textbox", "Text").fill(answer)
        if correct:
            option.nth(n).get_by_role("checkbox", name="Correct").check()
        field(option.nth(n), "textbox", "Feedback").fill(feedback)

    # Submitting the lesson submits its course, with everything in it, for one review.
    footer_action(page, "Submit with course")
    expect(
        page.get_by_text(
            "'Use short words' was saved and the course 'Writing for the web' submitted for "
            "review, with its modules and lessons."
        )
    ).to_be_visible(timeout=SLOW)


def add_list_item(items, children, *, count: int) -> None:
    """Adds an item to a list block until it holds `count`. On a busy machine a click can land
    before the block's script listens; the click is then lost, so it is made again, only while
    the list is still short."""
    add = items.get_by_role("button", name="Add").last
    for _ in range(3):
        expect(add).to_be_enabled(timeout=SLOW)
        add.click()
        try:
            expect(children).to_have_count(count, timeout=10_000)
            return
        except AssertionError:
            if children.count() >= count:
                raise
    expect(children).to_have_count(count, timeout=SLOW)


def approve(page, title: str) -> None:
    """Open the page from the dashboard's "Awaiting your review" and approve it."""
    page.goto("/cms/")
    wait_for_admin(page)
    review = page.locator("section").filter(
        has=page.get_by_role("heading", name="Awaiting your review")
    )
    review.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(re.compile(r"/cms/pages/\d+/edit/$"), timeout=SLOW)
    wait_for_admin(page)
    # The reviewer sees the module and lesson that approving the course publishes with it.
    unit = page.get_by_role("table", name="Modules and lessons with draft changes")
    expect(unit.get_by_role("link", name="Plain language", exact=True)).to_be_visible()
    expect(unit.get_by_role("link", name="Use short words", exact=True)).to_be_visible()
    footer_action(page, "Approve and Publish")
    expect(page.get_by_text(f"Page '{title}' has been updated.")).to_be_visible(timeout=SLOW)


def test_training_lead_writes_a_course_and_a_second_training_lead_approves_it(
    new_page, sign_in_as, live_server, leads
):
    author, reviewer = leads

    page = author_page = admin_page(new_page, sign_in_as, author)
    write_course(page)
    write_module(page)
    write_lesson(page)

    course = CoursePage.objects.get(slug="writing-for-the-web")
    module = ModulePage.objects.child_of(course).get()
    lesson = LessonPage.objects.child_of(module).get()
    for each in (course, module, lesson):
        assert not each.live
        assert each.owner == author
    # One review, of the course: its module and lesson need no submission of their own.
    assert [(state.content_object.pk, state.status) for state in WorkflowState.objects.all()] == [
        (course.pk, WorkflowState.STATUS_IN_PROGRESS)
    ]
    assert course.competency_targets.get().competency.code == "DA.1"

    # The author cannot approve their own work: no review actions, and nothing awaits them.
    page.goto(f"/cms/pages/{course.pk}/edit/")
    wait_for_admin(page)
    assert not [action for action in footer_actions(page) if "Approve" in action]
    page.goto("/cms/")
    expect(page.get_by_role("heading", name="Awaiting your review")).to_have_count(0)

    page = admin_page(new_page, sign_in_as, reviewer)
    approve(page, "Writing for the web")

    for each in (course, module, lesson):
        each.refresh_from_db()
        assert each.live, each.title
    check = LessonPage.objects.get(pk=lesson.pk).knowledge_check().value
    (question,) = check["questions"]
    assert question["kind"] == "single"
    assert [(o["text"], o["correct"]) for o in question["options"]] == [
        ("Use", True),
        ("Utilise", False),
    ]

    # The author's "Your courses" lists the course, now live, with its (empty) figures.
    author_page.goto("/cms/your-courses/")
    row = author_page.get_by_role("row", name=re.compile("Writing for the web"))
    expect(row).to_contain_text("Live")
    expect(row).to_contain_text("No learners yet")

    learner_page = new_page(width=1280)
    response = learner_page.goto("/courses/writing-for-the-web/")
    assert response.status == 200
    expect(learner_page.get_by_role("heading", name="Writing for the web", level=1)).to_be_visible()


def test_the_cms_dashboard_carries_the_service_brand_and_passes_axe(new_page, sign_in_as, leads):
    author, _ = leads
    page = admin_page(new_page, sign_in_as, author)

    page.goto("/cms/")
    wait_for_admin(page)

    expect(page.get_by_role("link", name="Dashboard").locator("img")).to_have_attribute(
        "src", "/static/img/favicon.svg"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital Capacity Academy")
    # The sidebar, buttons and links take the public site's brand teal (#106165).
    sidebar = page.locator("#wagtail-sidebar > div").first
    assert sidebar.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(16, 97, 101)"
    assert axe_violations(page) == []
