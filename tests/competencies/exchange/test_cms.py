"""The CMS: frameworks, competencies and role requirements as snippets with history, and the
"Import / export" page."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import querydict_from_html

from competencies.exchange.files import framework_export
from competencies.models import Competency, Framework, RoleRequirement
from competencies.services import framework_load, role_requirements_load
from organisations.models import JobRole
from tests.competencies.exchange.conftest import edit_csv, row_counts
from tests.competencies.frameworks import framework_data
from tests.html import texts

EXCHANGE = "/cms/competencies/exchange/"

# The people, the framework and its role requirements are built once for the module; each test
# runs in a savepoint inside its transaction (tests/conftest.py).
SHARED = ("learner", "training_lead", "cto_office", "administrator", "requirements")


def upload(client, content: bytes, filename: str, **fields):
    return client.post(
        EXCHANGE, {"file": SimpleUploadedFile(filename, content), "file_format": "", **fields}
    )


def test_administrator_imports_a_csv_in_the_cms(client, administrator, framework, requirements):
    client.force_login(administrator)
    content = framework_export(framework, file_format="csv").body

    response = upload(client, content, "mini.csv", name="", version="2.0")

    assert response.status_code == 302
    assert response.url == EXCHANGE
    imported = Framework.objects.get(slug="mini", version="2.0")
    assert imported.competencies.count() == 3
    entry = ModelLogEntry.objects.get(object_id=str(imported.pk), action="wagtail.create")
    assert entry.user_id == administrator.pk
    page = client.get(EXCHANGE).content.decode()
    assert texts(page, "//div[@class='messages']/ul/li") == [
        "Imported Mini framework 2.0 (mini): 5 levels, 2 areas, 3 competencies, 9 descriptors, "
        "2 crosswalk links, 4 role requirements."
    ]


def test_a_training_lead_imports_a_case_package_as_a_draft(client, training_lead, framework):
    client.force_login(training_lead)
    content = framework_export(framework, file_format="case").body

    preview = upload(client, content, "mini.json", version="2.0", draft="on")
    assert preview.status_code == 200
    assert not Framework.objects.filter(slug="mini", version="2.0").exists()

    response = client.post(EXCHANGE, {"confirm": "1", "kind-0": "area", "kind-1": "competency"})

    assert response.status_code == 302
    imported = Framework.objects.get(slug="mini", version="2.0")
    assert imported.status == Framework.Status.DRAFT
    assert imported.competencies.count() == 3


def test_a_refused_upload_lists_every_problem_and_imports_nothing(
    client, training_lead, framework, requirements
):
    client.force_login(training_lead)
    text = framework_export(framework, file_format="csv").text
    text = edit_csv(edit_csv(text, 8, "Role", "Astronaut"), 12, "Level number", "x")
    before = row_counts()

    response = upload(client, text.encode(), "broken.csv", version="2.0")

    html = response.content.decode()
    assert response.status_code == 200
    assert texts(html, "//*[@id='import-errors']/*[not(self::ul)]") == [
        "The file was refused: nothing was imported",
        "Correct these 2 problems and upload the file again.",
    ]
    assert texts(html, "//*[@id='import-errors']//li") == [
        "Line 8, Role: unknown job role 'Astronaut'",
        "Line 12, Level number: 'x' is not a whole number",
    ]
    assert row_counts() == before


def test_a_refused_case_upload_names_json_paths(client, administrator, framework):
    client.force_login(administrator)
    package = json.loads(framework_export(framework, file_format="case").text)
    package["CFItems"][1]["fullStatement"] = ""

    response = upload(client, json.dumps(package).encode(), "mini.json", version="2.0")

    assert texts(response.content, "//*[@id='import-errors']//li") == [
        "CFItems[1].fullStatement: is required"
    ]
    assert not Framework.objects.filter(version="2.0").exists()


def test_an_upload_of_unknown_format_asks_for_the_format(client, administrator):
    client.force_login(administrator)

    response = upload(client, b"whatever", "skills.xlsx")

    assert texts(response.content, "//p[@class='error-message']") == [
        "Choose the format: the file name does not say."
    ]
    assert not Framework.objects.filter(slug="skills").exists()


@pytest.mark.parametrize("persona", ["learner", "department_lead", "cto_office"])
def test_people_without_cms_access_cannot_import(client, people, framework, persona):
    client.force_login(people[persona])
    content = framework_export(framework, file_format="csv").body

    response = upload(client, content, "mini.csv", version="2.0")

    assert response.status_code == 403
    assert not Framework.objects.filter(version="2.0").exists()


def test_the_page_offers_downloads_of_every_framework(client, training_lead, framework):
    client.force_login(training_lead)

    html = client.get(EXCHANGE).content.decode()

    assert texts(html, "//main//table//tr") == [
        "Framework Version Status Download",
        "DigComp (test subset) 2.2 Published "
        "CSV of DigComp (test subset) 2.2, CASE JSON of DigComp (test subset) 2.2",
        "Mini framework 1.0 Published CSV of Mini framework 1.0, CASE JSON of Mini framework 1.0",
    ]
    for file_format, label in [("csv", "CSV"), ("case", "CASE JSON")]:
        url = reverse("competencies_export", args=[framework.pk, file_format])
        assert texts(html, f"//main//a[@href='{url}']") == [f"{label} of Mini framework 1.0"]


def test_csv_download_is_the_export_with_a_byte_order_mark(client, administrator, framework):
    client.force_login(administrator)

    response = client.get(reverse("competencies_export", args=[framework.pk, "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mini-10.csv"'
    text = framework_export(framework, file_format="csv").text
    assert response.content == b"\xef\xbb\xbf" + text.encode()


def test_case_download_is_the_package(client, training_lead, framework):
    client.force_login(training_lead)

    response = client.get(reverse("competencies_export", args=[framework.pk, "case"]))

    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="mini-10.case.json"'
    assert json.loads(response.content)["CFDocument"]["identifier"] == str(framework.uuid)


def test_download_of_an_unknown_format_or_framework_is_404(client, administrator, framework):
    client.force_login(administrator)

    assert client.get(f"{EXCHANGE}{framework.pk}/xlsx/").status_code == 404
    assert client.get(f"{EXCHANGE}999999/csv/").status_code == 404


def test_learner_cannot_download(client, learner, framework):
    client.force_login(learner)

    assert client.get(reverse("competencies_export", args=[framework.pk, "csv"])).status_code == 403


def test_editing_a_role_requirement_shows_the_editor_in_its_history(
    client, training_lead, requirements
):
    requirement = RoleRequirement.objects.get(competency__code="DA.1", department=None)
    client.force_login(training_lead)
    edit = f"/cms/snippets/competencies/rolerequirement/edit/{requirement.pk}/"
    data = querydict_from_html(client.get(edit).content.decode(), form_id="w-editor-form")
    data["level"] = "3"

    response = client.post(edit, data)

    assert response.status_code == 302
    requirement.refresh_from_db()
    assert requirement.level == 3
    entry = ModelLogEntry.objects.get(object_id=str(requirement.pk), action="wagtail.edit")
    assert entry.user_id == training_lead.pk
    history = client.get(f"/cms/snippets/competencies/rolerequirement/history/{requirement.pk}/")
    assert training_lead.get_full_name() in history.content.decode()


def test_editing_a_competency_with_its_descriptors_is_logged(client, administrator, framework):
    competency = Competency.objects.get(framework=framework, code="DA.2")
    client.force_login(administrator)
    edit = f"/cms/snippets/competencies/competency/edit/{competency.pk}/"
    data = querydict_from_html(client.get(edit).content.decode(), form_id="w-editor-form")
    data["title"] = "Data ethics and privacy"

    response = client.post(edit, data)

    assert response.status_code == 302
    competency.refresh_from_db()
    assert competency.title == "Data ethics and privacy"
    assert list(competency.descriptors.values_list("level", "text")) == [
        (2, "Spots an ethical risk.")
    ]
    history = client.get(f"/cms/snippets/competencies/competency/history/{competency.pk}/")
    assert administrator.get_full_name() in history.content.decode()


def test_a_role_requirement_outside_the_scale_is_refused_in_the_cms(
    client, administrator, requirements
):
    requirement = RoleRequirement.objects.get(competency__code="DA.1", department=None)
    client.force_login(administrator)
    edit = f"/cms/snippets/competencies/rolerequirement/edit/{requirement.pk}/"
    data = querydict_from_html(client.get(edit).content.decode(), form_id="w-editor-form")
    data["level"] = "9"

    response = client.post(edit, data)

    assert response.status_code == 200
    assert texts(response.content, "//*[@id='panel-child-level-errors']//p") == [
        "Choose one of the levels [0, 1, 2, 3, 4]."
    ]
    assert texts(response.content, "//div[@class='messages']/ul/li") == [
        "The role requirement could not be saved due to errors. Go to the first error"
    ]
    requirement.refresh_from_db()
    assert requirement.level == 2


def test_competency_list_filters_by_framework_and_area(client, training_lead, framework):
    client.force_login(training_lead)
    area = framework.areas.get(code="SP")

    html = client.get(
        "/cms/snippets/competencies/competency/", {"framework": framework.pk, "area": area.pk}
    ).content.decode()

    assert texts(html, "//main//table//tr") == [
        "Code Title Framework Area",
        "SP.1 Edit Copy Delete Cyber hygiene Mini framework 1.0 SP Security",
    ]
    # Areas are labelled with their framework.
    assert texts(html, "//select[@name='area']/option[@selected]") == [
        "Mini framework 1.0: SP Security"
    ]


def test_role_requirement_list_filters_by_job_role_department_and_framework(
    client, administrator, requirements, department
):
    client.force_login(administrator)

    html = client.get(
        "/cms/snippets/competencies/rolerequirement/",
        {"department": department.pk, "framework": Framework.objects.get(slug="mini").pk},
    ).content.decode()

    assert texts(html, "//main//table//tr") == [
        "Job role Competency Framework Department Level",
        "Citizen service officer Edit Copy Delete SP.1 Cyber hygiene Mini framework 1.0 "
        "Civil Registration and Citizen Services (CRS) 3",
    ]


def test_competencies_menu_offers_import_export_to_training_leads(client, training_lead):
    client.force_login(training_lead)

    html = client.get("/cms/").content.decode()

    [props] = texts(html, "//script[@id='wagtail-sidebar-props']")
    [menu] = [module["_args"][0] for module in json.loads(props)["modules"][2:3]]
    [competencies] = [item for item in menu if item["_args"][0]["name"] == "competencies"]
    assert [entry["_args"][0]["label"] for entry in competencies["_args"][1]] == [
        "Frameworks",
        "Competencies",
        "Role requirements",
        "Import / export",
    ]


def test_deleting_a_framework_that_has_competencies_is_refused_with_a_message(
    client, administrator, framework
):
    client.force_login(administrator)

    response = client.post(
        f"/cms/snippets/competencies/framework/delete/{framework.pk}/", follow=True
    )

    assert response.status_code == 200
    assert texts(response.content, "//div[@class='messages']/ul/li") == [
        "Mini framework 1.0 still has competencies, and people's self-assessments and "
        "validations refer to them. Delete its competencies first, or keep it as a draft. "
        "Go to the first error"
    ]
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert framework.competencies.count() == 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/cms/snippets/competencies/competency/",
        "/cms/snippets/competencies/rolerequirement/",
        "/cms/snippets/competencies/framework/",
        EXCHANGE,
    ],
)
def test_cms_lists_cost_the_same_for_more_rows(client, administrator, requirements, url):
    client.force_login(administrator)
    _queries(client, url)  # warm caches (site, permissions)
    before = _queries(client, url)
    framework_load(
        {**framework_data(), "slug": "other", "version": "2.0", "name": "Another framework"}
    )
    role_requirements_load(
        {"framework": "other", "profiles": {JobRole.objects.get().code: {"DA": 2, "SP": 3}}}
    )

    assert _queries(client, url) == before
