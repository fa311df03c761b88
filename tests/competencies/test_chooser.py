"""The competency chooser of the CMS: each choice names its framework, the primary framework comes
first, and people find a competency by code, title or framework."""

import html
import json

import lxml.html
import pytest
from django.urls import reverse
from wagtail.blocks import StructBlockValidationError

from competencies.models import Competency, Framework
from courses.models import LessonPage
from courses.models.blocks import KnowledgeCheckBlock
from tests.courses.data import check

# The training lead and the framework are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("training_lead", "framework")

MINI = "\N{EM DASH} Mini framework"
DIGCOMP = "\N{EM DASH} DigComp (test subset)"


def chooser_url(step: str) -> str:
    return reverse(Competency.snippet_viewset.chooser_viewset.get_url_name(step))


def chosen_url(competency: Competency) -> str:
    return reverse(
        Competency.snippet_viewset.chooser_viewset.get_url_name("chosen"), args=[competency.pk]
    )


def choices(response) -> list[str]:
    assert response.status_code == 200
    html = json.loads(response.content)["html"] if "json" in response["Content-Type"] else None
    document = lxml.html.fromstring(html or response.content.decode())
    return [
        " ".join(link.text_content().split())
        for link in document.xpath("//a[@data-chooser-modal-choice]")
    ]


def search(client, **params) -> list[str]:
    return choices(client.get(chooser_url("choose_results"), params))


@pytest.mark.django_db
def test_choices_name_their_framework_with_the_primary_framework_first(
    client, training_lead, framework
):
    client.force_login(training_lead)

    response = client.get(chooser_url("choose"))

    assert choices(response) == [
        f"DA.1 Data literacy {MINI}",
        f"DA.2 Data ethics {MINI}",
        f"SP.1 Cyber hygiene {MINI}",
        f"1.1 Browsing, searching and filtering data {DIGCOMP}",
    ]


@pytest.mark.django_db
def test_people_find_a_competency_by_code_title_or_framework(client, training_lead, framework):
    client.force_login(training_lead)
    digcomp = Framework.objects.get(slug="digcomp22")

    assert search(client, q="SP.1") == [f"SP.1 Cyber hygiene {MINI}"]
    assert search(client, q="1.") == [f"1.1 Browsing, searching and filtering data {DIGCOMP}"]
    assert search(client, q="ethics") == [f"DA.2 Data ethics {MINI}"]
    assert search(client, q="data digcomp") == [
        f"1.1 Browsing, searching and filtering data {DIGCOMP}"
    ]
    assert search(client, framework=digcomp.pk, q="browsing") == [
        f"1.1 Browsing, searching and filtering data {DIGCOMP}"
    ]
    assert search(client, q="nothing like this") == []


@pytest.mark.django_db
def test_a_draft_framework_offers_no_choices(client, training_lead, framework):
    Framework.objects.filter(slug="digcomp22").update(status=Framework.Status.DRAFT)
    client.force_login(training_lead)

    assert search(client) == [
        f"DA.1 Data literacy {MINI}",
        f"DA.2 Data ethics {MINI}",
        f"SP.1 Cyber hygiene {MINI}",
    ]


@pytest.mark.django_db
def test_the_framework_filter_lists_the_primary_framework_first(client, training_lead, framework):
    client.force_login(training_lead)

    html = json.loads(client.get(chooser_url("choose")).content)["html"]

    document = lxml.html.fromstring(html)
    assert document.xpath("//select[@name='framework']/option/text()") == [
        "All frameworks",
        "Mini framework",
        "DigComp (test subset)",
    ]
    assert [label.text_content().strip() for label in document.xpath("//label[@for='id_q']")] == [
        "Search by code, title or framework"
    ]


@pytest.mark.django_db
def test_the_chosen_competency_is_named_with_its_framework(client, training_lead, course):
    client.force_login(training_lead)
    literacy = Competency.objects.get(framework__slug="mini", code="DA.1")

    chosen = json.loads(client.get(chosen_url(literacy)).content)
    edit = client.get(f"/cms/pages/{course.pk}/edit/").content.decode()

    assert chosen["result"]["string"] == f"DA.1 Data literacy {MINI}"
    assert f"DA.1 Data literacy {MINI}" in edit
    assert f"SP.1 Cyber hygiene {MINI}" in edit


@pytest.mark.django_db
def test_the_knowledge_check_asks_in_plain_words_for_the_level_a_pass_shows(
    client, training_lead, course
):
    client.force_login(training_lead)
    lesson = LessonPage.objects.descendant_of(course).first()

    # The lesson's blocks reach the page as JSON inside an HTML attribute.
    edit = html.unescape(client.get(f"/cms/pages/{lesson.pk}/edit/").content.decode())
    block = KnowledgeCheckBlock()
    value = block.to_python({**check(competency=None, level=2)["value"], "competency": None})

    assert "Level this shows someone has reached" in edit
    assert "Evidences level" not in edit
    assert json.dumps(f"DA.1 Data literacy {MINI}") in edit
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)
    assert refused.value.block_errors["evidences_level"].messages == [
        "Choose a competency and the level that passing shows someone has reached, or neither."
    ]
