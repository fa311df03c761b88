"""Starting a page again after abandoning one that the CMS's autosave had already saved."""

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from accounts.roles import Role
from courses.models import AutosavedStart, CourseIndexPage, CoursePage, ModulePage
from tests.courses.drafts import draft_course, submit
from tests.factories import make_person

# The training lead and the framework are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("training_lead", "framework")

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}
SLUG = "writing-for-the-web"


@pytest.fixture
def catalogue(framework):
    return CourseIndexPage.objects.get()


@pytest.fixture
def second_lead(db):
    return make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD])


def _add_url(catalogue) -> str:
    return reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalogue.pk])


def _half_made_course(summary: str = "") -> dict:
    """The add form as autosave posts it once the author has typed a title and a duration (the
    one field the database cannot keep empty); other required fields wait until they save."""
    return nested_form_data(
        {
            "title": "Writing for the web",
            "slug": SLUG,
            "summary": summary,
            "audience": "",
            "duration_minutes": "45",
            "format": "self-paced",
            "level": "foundation",
            "description": rich_text(""),
            "competency_targets": inline_formset([]),
            "comments": inline_formset([]),
        }
    )


def _start(client, catalogue, *, summary: str = "", **headers):
    return client.post(_add_url(catalogue), _half_made_course(summary), **headers)


def _courses_with_the_slug(catalogue) -> list[tuple[str, str]]:
    return list(
        CoursePage.objects.child_of(catalogue).filter(slug=SLUG).values_list("slug", "summary")
    )


def test_autosave_creates_a_draft_marked_as_started_by_autosave(client, catalogue, training_lead):
    client.force_login(training_lead)

    response = _start(client, catalogue, **AUTOSAVE)

    assert response.status_code == 200
    assert response.json()["success"] is True
    page = CoursePage.objects.get(pk=response.json()["pk"])
    assert (page.slug, page.live, page.owner) == (SLUG, False, training_lead)
    assert list(AutosavedStart.objects.values_list("page_id", flat=True)) == [page.pk]


def test_starting_again_after_abandoning_an_autosaved_page_frees_its_slug(
    client, catalogue, training_lead
):
    client.force_login(training_lead)
    abandoned = _start(client, catalogue, summary="First try", **AUTOSAVE).json()["pk"]

    assert client.get(_add_url(catalogue)).status_code == 200
    again = _start(client, catalogue, summary="Second try", **AUTOSAVE)

    assert again.status_code == 200
    assert again.json()["success"] is True
    assert again.json()["pk"] != abandoned
    assert not Page.objects.filter(pk=abandoned).exists()
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Second try")]
    deletions = PageLogEntry.objects.filter(page_id=abandoned, action="wagtail.delete")
    assert list(deletions.values_list("user", flat=True)) == [training_lead.pk]


def test_saving_by_hand_after_starting_again_keeps_the_page(client, catalogue, training_lead):
    client.force_login(training_lead)
    _start(client, catalogue, summary="First try", **AUTOSAVE)

    response = _start(client, catalogue, summary="Second try")

    assert response.status_code == 302
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Second try")]
    assert AutosavedStart.objects.count() == 0


def test_a_draft_the_author_saved_by_hand_still_holds_its_slug(client, catalogue, training_lead):
    client.force_login(training_lead)
    _start(client, catalogue, summary="Kept on purpose")

    response = _start(client, catalogue, summary="Second try")

    assert response.status_code == 200
    assert f"The slug &#x27;{SLUG}&#x27; is already in use" in response.content.decode()
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Kept on purpose")]


def test_an_autosaved_draft_later_saved_in_the_editor_still_holds_its_slug(
    client, catalogue, training_lead
):
    client.force_login(training_lead)
    pk = _start(client, catalogue, summary="First try", **AUTOSAVE).json()["pk"]
    edit = reverse("wagtailadmin_pages:edit", args=[pk])
    form = _half_made_course(summary="Kept on purpose")
    form |= {"audience": "Everyone"}
    assert client.post(edit, form).status_code == 302

    response = _start(client, catalogue, summary="Second try", **AUTOSAVE)

    assert response.json()["success"] is False
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Kept on purpose")]


def test_someone_elses_autosaved_draft_is_not_removed(
    client, catalogue, training_lead, second_lead
):
    client.force_login(training_lead)
    _start(client, catalogue, summary="Theirs", **AUTOSAVE)
    client.force_login(second_lead)

    response = _start(client, catalogue, summary="Mine", **AUTOSAVE)

    assert response.json()["success"] is False
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Theirs")]


def test_an_autosaved_draft_submitted_for_review_is_not_removed(client, catalogue, training_lead):
    client.force_login(training_lead)
    pk = _start(client, catalogue, summary="Submitted", **AUTOSAVE).json()["pk"]
    submit(CoursePage.objects.get(pk=pk), training_lead)

    response = _start(client, catalogue, summary="Second try", **AUTOSAVE)

    assert response.json()["success"] is False
    assert _courses_with_the_slug(catalogue) == [(SLUG, "Submitted")]


def test_starting_a_module_again_frees_the_abandoned_modules_slug(client, catalogue, training_lead):
    course = draft_course(training_lead)
    url = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course.pk])
    client.force_login(training_lead)

    def start(summary):
        form = {"title": "Tone", "slug": "tone", "summary": summary, "comments": inline_formset([])}
        return client.post(url, nested_form_data(form), **AUTOSAVE).json()

    abandoned = start("First try")["pk"]
    again = start("Second try")

    assert again["success"] is True
    assert not Page.objects.filter(pk=abandoned).exists()
    assert list(ModulePage.objects.child_of(course).values_list("slug", "summary")) == [
        ("tone", "Second try")
    ]
