"""The CMS previews a CASE package, with how its item types map to areas and competencies, and
imports it only when the administrator confirms."""

import json

from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import querydict_from_html

from competencies.models import Framework
from tests.competencies.exchange.case_packages import standards_package

EXCHANGE = "/cms/competencies/exchange/"


def upload_package(client, package: dict):
    content = json.dumps(package).encode()
    return client.post(
        EXCHANGE, {"file": SimpleUploadedFile("standards.json", content), "file_format": ""}
    )


def mapping_rows(html: str) -> list[list[str]]:
    """The preview table's rows: type, items, areas, competencies, the selected kind."""
    table = BeautifulSoup(html, "html.parser").find(id="import-preview-form").table
    rows = []
    for row in table.tbody.find_all("tr"):
        cells = [cell.get_text(strip=True) for cell in row.find_all(["th", "td"])[:4]]
        selected = row.find("option", selected=True)
        rows.append([*cells, selected["value"] if selected else None])
    return rows


def words(html: str, selector: str) -> list[str]:
    """The words of every element the CSS selector matches, in page order."""
    return [
        " ".join(element.get_text().split())
        for element in BeautifulSoup(html, "html.parser").select(selector)
    ]


def test_an_uploaded_package_is_previewed_and_nothing_is_imported(client, administrator):
    client.force_login(administrator)

    response = upload_package(client, standards_package())

    html = response.content.decode()
    assert response.status_code == 200
    assert words(html, "#preview-heading") == ["Check before importing standards.json"]
    assert words(html, "#preview-heading + p") == [
        "Reading standards version 2024-05-01: 3 areas, 0 levels. Nothing has been imported yet."
    ]
    assert mapping_rows(html) == [
        ["Cluster", "1", "1", "0", ""],
        ["Component", "4", "0", "4", ""],
        ["Standard", "2", "2", "0", ""],
    ]
    assert words(html, "#import-preview-form ol > li") == [
        "RL Reading literature: 1 competency",
        "RL.1 Key ideas and details: 2 competencies",
        "RI Reading informational text: 1 competency",
    ]
    assert words(html, "#import-preview-form ul > li") == [
        "1 area(s) sat within another area in the file; areas here are not nested, so each "
        "follows the area it sat in."
    ]
    assert not Framework.objects.exists()


def test_the_administrator_remaps_a_type_then_confirms_the_import(client, administrator):
    client.force_login(administrator)
    page = upload_package(client, standards_package()).content.decode()
    form = querydict_from_html(page, form_id="import-preview-form")
    form["kind-0"] = "competency"  # Cluster

    remapped = client.post(EXCHANGE, {**form.dict(), "remap": "1"})

    assert mapping_rows(remapped.content.decode())[0] == ["Cluster", "1", "0", "1", "competency"]
    assert not Framework.objects.exists()
    form = querydict_from_html(remapped.content.decode(), form_id="import-preview-form")
    response = client.post(EXCHANGE, {**form.dict(), "confirm": "1"})

    assert response.status_code == 302
    framework = Framework.objects.get()
    assert [
        (area.code, [c.code for c in area.competencies.order_by("sort_order")])
        for area in framework.areas.order_by("sort_order")
    ] == [("RL", ["RL.1", "RL.1.1", "RL.1.2", "RL.9"]), ("RI", ["RI.2"])]


def test_confirming_with_no_upload_waiting_asks_for_the_file_again(client, administrator):
    client.force_login(administrator)

    response = client.post(EXCHANGE, {"confirm": "1"}, follow=True)

    assert words(response.content.decode(), ".messages li") == [
        "The uploaded file is no longer held here; upload it again. Go to the first error"
    ]
    assert not Framework.objects.exists()


def test_a_broken_package_is_refused_without_a_preview(client, administrator):
    client.force_login(administrator)
    package = standards_package()
    package["CFItems"] = []

    html = upload_package(client, package).content.decode()

    assert words(html, "#import-errors li") == [
        "CFItems: holds no items; a framework needs at least one",
        *(
            f"CFAssociations[{index}].originNodeURI: "
            f"{association['originNodeURI']['identifier']} is not an item of this package"
            for index, association in enumerate(package["CFAssociations"])
        ),
    ]
    assert "Check before importing" not in html


def test_the_preview_lists_the_levels_the_rubrics_describe(client, administrator):
    client.force_login(administrator)
    package = standards_package()
    levels = [{"score": 1, "quality": "Emerging"}, {"score": 2, "quality": "Expected"}]
    package["CFRubrics"] = [
        {
            "identifier": "5b0f5f8e-7d43-4b0e-8f7e-000000000003",
            "uri": "https://case.example/rubric",
            "lastChangeDateTime": "2024-05-01T09:30:00+00:00",
            "CFRubricCriteria": [
                {
                    "CFItemURI": {"identifier": package["CFItems"][-1]["identifier"]},
                    "CFRubricCriterionLevels": [
                        level | {"description": f"Level {level['score']}."} for level in levels
                    ],
                }
            ],
        }
    ]

    html = upload_package(client, package).content.decode()

    assert words(html, "#preview-heading ~ p") == [
        "Reading standards version 2024-05-01: 3 areas, 2 levels. Nothing has been imported yet.",
        "Proficiency levels: 1 Emerging, 2 Expected.",
    ]
