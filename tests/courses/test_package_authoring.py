"""A training lead adds a course package to a lesson in the CMS; the lesson goes through the
course's review like any other, and a half-made evidence mapping is refused beside the field."""

import json

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from accounts.roles import Role
from competencies.models import Competency
from courses.models import LessonPage
from packages.models import Package
from tests.courses.drafts import act, draft_course, draft_lesson, draft_module, submit
from tests.factories import make_person
from tests.html import tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def golf(db):
    return Package.objects.create(title="Golf explained", kind=Package.Kind.SCORM_12)


@pytest.fixture
def lesson(framework, training_lead):
    course = draft_course(training_lead)
    return draft_lesson(draft_module(course, training_lead), training_lead)


def _edit(client, lesson, package_value):
    form = nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "duration_minutes": 10,
            "comments": inline_formset([]),
            "body": streamfield(
                [
                    ("text", rich_text("<p>Short words are easier to read.</p>")),
                    ("package", package_value),
                ]
            ),
        }
    )
    return client.post(f"/cms/pages/{lesson.pk}/edit/", form)


def _stream_errors(content) -> dict:
    """The body's errors, as Wagtail hands them to its block editor: the last of the arguments
    in the JSON attribute that builds the editor."""
    [arguments] = [
        value
        for value in tree(content).xpath("//@*[contains(., 'blockErrors')]")
        if value.lstrip().startswith("[")
    ]
    return json.loads(arguments)[-1]


def _package_of(page):
    block = page.package_block()
    value = block.value if block else {}
    return (value.get("package"), value.get("competency"), value.get("evidences_level"))


def test_a_package_added_in_the_cms_goes_live_when_the_course_is_approved(
    client, lesson, training_lead, golf, framework
):
    competency = Competency.objects.get(framework=framework, code="DA.1")
    client.force_login(training_lead)

    response = _edit(
        client, lesson, {"package": golf.pk, "competency": competency.pk, "evidences_level": 2}
    )

    assert response.status_code == 302
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    assert _package_of(draft) == (golf, competency, 2)
    assert not LessonPage.objects.get(pk=lesson.pk).live
    course = lesson.course
    submit(course, training_lead)
    act(course, make_person(roles=[Role.LEARNER, Role.TRAINING_LEAD]), "approve")
    live = LessonPage.objects.live().get(pk=lesson.pk)
    assert _package_of(live) == (golf, competency, 2)


def test_a_competency_without_a_level_is_refused_beside_the_field(
    client, lesson, training_lead, golf, framework
):
    competency = Competency.objects.get(framework=framework, code="DA.1")
    client.force_login(training_lead)
    revisions = lesson.revisions.count()

    response = _edit(
        client, lesson, {"package": golf.pk, "competency": competency.pk, "evidences_level": ""}
    )

    assert response.status_code == 200
    assert lesson.revisions.count() == revisions
    assert _stream_errors(response.content) == {
        "blockErrors": {
            "1": {
                "blockErrors": {
                    "evidences_level": {
                        "messages": [
                            "Choose a competency and the level that passing the package shows "
                            "someone has reached, or neither."
                        ]
                    }
                }
            }
        }
    }
