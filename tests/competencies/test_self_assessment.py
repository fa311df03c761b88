"""Self-assessment: a guided form per area, "I don't know" apart from 0, results against the
job role, and an xAPI statement per answer."""

import pytest
from django.urls import reverse

from competencies.models import Competency, SelfAssessment
from tests.html import heading, texts, tree
from xapi.models import Statement
from xapi.vocab import category_self_assessment, extension_level_claimed


def field(competency_code):
    return f"competency_{Competency.objects.get(code=competency_code).pk}"


@pytest.mark.django_db
def test_overview_lists_areas_with_progress(client, learner, framework):
    client.force_login(learner)
    client.post(reverse("self_assessment_area", args=["SP"]), {field("SP.1"): "2"})

    html = client.get(reverse("self_assessment")).content.decode()

    assert texts(html, "//li[contains(@class, 'govuk-task-list__item')]") == [
        "DA Data Not started",
        "SP Security Completed",
    ]


@pytest.mark.django_db
def test_area_form_shows_descriptors_and_both_zero_and_dont_know(client, learner, framework):
    client.force_login(learner)

    html = client.get(reverse("self_assessment_area", args=["DA"])).content.decode()

    assert heading(html) == "DA Data"
    assert texts(html, "//legend") == ["DA.1 Data literacy", "DA.2 Data ethics"]
    # Each level with its descriptor where the framework has one; "I don't know" apart from 0.
    assert texts(html, "(//fieldset)[1]//div[contains(@class, 'govuk-radios__item')]") == [
        "0 Not yet",
        "1 Awareness Reads a chart.",
        "2 Working Builds a chart.",
        "3 Practitioner Designs a dashboard.",
        "4 Expert Sets data strategy.",
        "I don't know",
    ]
    assert [
        radio.get("value") for radio in tree(html).xpath("(//fieldset)[1]//input[@type='radio']")
    ] == ["0", "1", "2", "3", "4", "unknown"]


@pytest.mark.django_db
def test_answers_are_saved_and_recorded_as_statements(client, learner, framework):
    client.force_login(learner)

    response = client.post(
        reverse("self_assessment_area", args=["DA"]), {field("DA.1"): "2", field("DA.2"): "unknown"}
    )

    assert response.status_code == 302
    answers = dict(
        SelfAssessment.objects.filter(user=learner).values_list("competency__code", "level")
    )
    assert answers == {"DA.1": 2, "DA.2": None}
    statements = {s.data["object"]["id"]: s.data for s in Statement.objects.all()}
    da1 = statements[Competency.objects.get(code="DA.1").iri]
    assert da1["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert da1["result"]["extensions"][extension_level_claimed()] == 2
    assert da1["context"]["contextActivities"]["category"][0]["id"] == category_self_assessment()
    assert learner.email not in str(da1)
    da2 = statements[Competency.objects.get(code="DA.2").iri]
    assert da2["result"] == {"response": "unknown"}


@pytest.mark.django_db
def test_revisiting_shows_answers_and_only_changes_are_recorded(client, learner, framework):
    client.force_login(learner)
    url = reverse("self_assessment_area", args=["DA"])
    client.post(url, {field("DA.1"): "2", field("DA.2"): "0"})

    page = client.get(url).content.decode()
    client.post(url, {field("DA.1"): "3", field("DA.2"): "0"})

    checked = {
        radio.get("name"): radio.get("value") for radio in tree(page).xpath("//input[@checked]")
    }
    assert checked == {field("DA.1"): "2", field("DA.2"): "0"}
    assert Statement.objects.count() == 3
    assert SelfAssessment.objects.get(user=learner, competency__code="DA.1").level == 3


@pytest.mark.parametrize(
    ("data", "messages"),
    [
        (
            {},
            [
                "Choose a level for DA.1, or I don't know",
                "Choose a level for DA.2, or I don't know",
            ],
        ),
        ({"DA.1": "9", "DA.2": "1"}, ["Choose one of the levels for DA.1"]),
        ({"DA.1": "two", "DA.2": "1"}, ["Choose one of the levels for DA.1"]),
    ],
)
@pytest.mark.django_db
def test_bad_answers_explain_and_save_nothing(client, learner, framework, data, messages):
    client.force_login(learner)

    response = client.post(
        reverse("self_assessment_area", args=["DA"]), {field(k): v for k, v in data.items()}
    )

    assert response.status_code == 200
    assert texts(response.content, "//ul[contains(@class, 'govuk-error-summary__list')]/li") == (
        messages
    )
    assert SelfAssessment.objects.count() == 0
    assert Statement.objects.count() == 0


@pytest.mark.django_db
def test_results_compare_with_role_targets_and_keep_unknown_apart(
    client, learner, framework, requirements
):
    client.force_login(learner)
    client.post(
        reverse("self_assessment_area", args=["DA"]), {field("DA.1"): "1", field("DA.2"): "unknown"}
    )
    client.post(reverse("self_assessment_area", args=["SP"]), {field("SP.1"): "3"})

    response = client.get(reverse("self_assessment_results"))

    rows = {
        row.competency.code: row
        for _, area_rows in response.context["profile"]
        for row in area_rows
    }
    assert (rows["DA.1"].target, rows["DA.1"].gap) == (2, 1)
    assert (rows["DA.2"].self_assessed, rows["DA.2"].gap) == (None, None)
    assert rows["SP.1"].target == 3  # the department's override for this role
    assert rows["SP.1"].gap == 0


@pytest.mark.django_db
def test_unknown_area_is_404(client, learner, framework):
    client.force_login(learner)

    assert client.get(reverse("self_assessment_area", args=["ZZ"])).status_code == 404


@pytest.mark.django_db
def test_self_assessment_needs_a_published_framework(client, learner, settings):
    settings.COMPETENCY_PRIMARY_FRAMEWORK = "none-here"
    client.force_login(learner)

    assert client.get(reverse("self_assessment")).status_code == 404
