"""CASE 1.0/1.1 packages as other CASE editors publish them: any item type or none, no version,
older shapes, the tree from isChildOf associations, and what is really broken refused."""

import json

import pytest

from competencies.exchange.case_parse import case_parse
from competencies.exchange.data import held_now
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.files import framework_import
from competencies.models import Framework, LevelDescriptor
from tests.competencies.exchange.case_packages import (
    case_package,
    item_id,
    node,
    standards_package,
)
from tests.competencies.exchange.conftest import row_counts


def outline(data: dict) -> list[tuple[str, str, list[str]]]:
    return [
        (area["code"], area["title"], [c["code"] for c in area["competencies"]])
        for area in data["areas"]
    ]


def test_a_standards_package_without_version_imports_interior_nodes_as_areas(db):
    package = standards_package()

    imported = framework_import(json.dumps(package), file_format="case")

    framework = imported.framework
    assert (framework.name, framework.version, framework.slug) == (
        "Reading standards",
        "2024-05-01",
        "reading-standards",
    )
    assert [
        (area.code, area.title, [c.code for c in area.competencies.order_by("sort_order")])
        for area in framework.areas.order_by("sort_order")
    ] == [
        ("RL", "Reading literature", ["RL.9"]),
        ("RL.1", "Key ideas and details", ["RL.1.1", "RL.1.2"]),
        ("RI", "Reading informational text", ["RI.2"]),
    ]
    assert str(framework.competencies.get(code="RL.1.1").uuid) == item_id(package, "RL.1.1")
    assert imported.notes == [
        "1 area(s) sat within another area in the file; areas here are not nested, so each "
        "follows the area it sat in."
    ]


def test_the_mapping_counts_areas_and_competencies_by_item_type(db):
    data = case_parse(standards_package(), held=held_now())

    assert data["mapping"] == {
        "Cluster": {"areas": 1, "competencies": 0},
        "Component": {"areas": 0, "competencies": 4},
        "Standard": {"areas": 2, "competencies": 0},
    }


def test_an_item_type_chosen_as_competency_keeps_its_children_in_the_same_area(db):
    data = case_parse(standards_package(), held=held_now(), kinds={"Cluster": "competency"})

    assert outline(data) == [
        ("RL", "Reading literature", ["RL.1", "RL.1.1", "RL.1.2", "RL.9"]),
        ("RI", "Reading informational text", ["RI.2"]),
    ]
    assert data["mapping"]["Cluster"] == {"areas": 0, "competencies": 1}


def test_items_without_type_or_code_get_codes_from_their_place(db):
    package = case_package(
        node("Communicating", None, None, node("Writes plainly."), node("Listens well.")),
        node("Working with data", None, None, node("Reads a chart.")),
        version="3",
    )

    data = case_parse(package, held=held_now())

    assert data["version"] == "3"
    assert outline(data) == [
        ("1", "Communicating", ["1.1", "1.2"]),
        ("2", "Working with data", ["2.1"]),
    ]
    assert data["mapping"] == {"": {"areas": 2, "competencies": 3}}
    assert data["notes"] == [
        "5 item(s) had no humanCodingScheme; they were given codes from their place in the tree."
    ]


def test_leaves_directly_under_the_document_are_gathered_in_one_area(db):
    package = case_package(
        node("Group", "G", "Domain", node("Inside.", "G.1", "Skill")),
        node("Alone.", "S.1", "Skill"),
    )

    data = case_parse(package, held=held_now())

    assert outline(data) == [("G", "Group", ["G.1"]), ("OTHER", "Other competencies", ["S.1"])]


def test_older_shapes_are_tolerated(db):
    package = standards_package(caseVersion="1.0")
    package["CFDocument"]["CFPackageURI"] = "https://case.example/CFPackages/1"
    package["CFDefinitions"] = {
        "CFItemTypes": [{"identifier": "standard-type", "title": "Standard"}]
    }
    for item in package["CFItems"]:
        if item.pop("CFItemType") == "Standard":
            item["CFItemTypeURI"] = {"identifier": "standard-type", "title": "", "uri": "x"}

    data = case_parse(package, held=held_now())

    assert data["mapping"]["Standard"] == {"areas": 2, "competencies": 0}


def test_an_item_with_two_parents_stays_under_the_first(db):
    package = standards_package()
    second = json.loads(json.dumps(package["CFAssociations"][-1]))  # RI.2 under RI
    second["identifier"] = "0e2cc2a1-5d0c-4b4f-9a4d-6c0f0e6b0a01"
    second["destinationNodeURI"]["identifier"] = item_id(package, "RL")
    package["CFAssociations"].append(second)

    data = case_parse(package, held=held_now())

    assert outline(data)[2] == ("RI", "Reading informational text", ["RI.2"])
    assert data["notes"] == [
        "CFAssociations[7]: CFItems[6] has a second parent; it stays under its first",
        "1 area(s) sat within another area in the file; areas here are not nested, so each "
        "follows the area it sat in.",
    ]


def test_rubrics_from_another_tool_become_level_descriptors(db):
    package = standards_package()
    package["CFRubrics"] = [
        {
            "identifier": "5b0f5f8e-7d43-4b0e-8f7e-000000000001",
            "uri": "https://case.example/rubric",
            "lastChangeDateTime": "2024-05-01T09:30:00+00:00",
            "CFRubricCriteria": [
                {
                    "CFItemURI": {"identifier": item_id(package, "RI.2"), "title": "RI.2"},
                    "CFRubricCriterionLevels": [
                        {"score": 1, "quality": "Beginning", "description": "Names a topic."},
                        {"score": 2, "quality": "Secure", "description": "Names the topic."},
                    ],
                }
            ],
        }
    ]

    framework = framework_import(json.dumps(package), file_format="case").framework

    assert [(level.number, level.name) for level in framework.levels.order_by("number")] == [
        (1, "Beginning"),
        (2, "Secure"),
    ]
    assert list(
        LevelDescriptor.objects.filter(competency__framework=framework)
        .order_by("level")
        .values_list("competency__code", "level", "text")
    ) == [("RI.2", 1, "Names a topic."), ("RI.2", 2, "Names the topic.")]


def test_a_mapping_that_leaves_no_competency_is_refused(db):
    kinds = {"Standard": "area", "Cluster": "area", "Component": "area"}

    with pytest.raises(ImportRefused) as refused:
        framework_import(json.dumps(standards_package()), file_format="case", kinds=kinds)

    assert refused.value.errors == [
        RowError(
            None, "CFItems", "no item became a competency; import an item type as competencies"
        )
    ]
    assert not Framework.objects.exists()


def _cycle(package: dict) -> dict:
    """RL.1 made a child of its own child RL.1.1."""
    package["CFAssociations"][1]["destinationNodeURI"]["identifier"] = item_id(package, "RL.1.1")
    return package


def _dangling(package: dict) -> dict:
    package["CFAssociations"][3]["originNodeURI"]["identifier"] = OTHER
    return package


def _no_parent(package: dict) -> dict:
    del package["CFAssociations"][5]  # RI's isChildOf; its child RI.2 hangs from it
    return package


def _no_items(package: dict) -> dict:
    package["CFItems"], package["CFAssociations"] = [], []
    return package


OTHER = "00000000-0000-4000-8000-000000000000"
BROKEN = {
    "cycle": (
        _cycle,
        [
            RowError(
                None,
                "CFItems[1]",
                "isChildOf associations form a cycle: CFItems[1] → CFItems[2] → CFItems[1]",
            )
        ],
    ),
    "dangling origin": (
        _dangling,
        [
            RowError(
                None, "CFAssociations[3].originNodeURI", f"{OTHER} is not an item of this package"
            ),
            RowError(None, "CFItems[3]", "has no isChildOf association, so it has no place"),
        ],
    ),
    "item outside the tree": (
        _no_parent,
        [RowError(None, "CFItems[5]", "has no isChildOf association, so it has no place")],
    ),
    "no items": (
        _no_items,
        [RowError(None, "CFItems", "holds no items; a framework needs at least one")],
    ),
}


@pytest.mark.parametrize(("breaking", "errors"), BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_tree_is_refused_naming_json_paths(db, breaking, errors):
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        framework_import(json.dumps(breaking(standards_package())), file_format="case")

    assert refused.value.errors == errors
    assert row_counts() == before
    assert not Framework.objects.exists()


def test_rubric_levels_without_score_take_their_position_and_an_area_rubric_is_noted(db):
    package = standards_package()
    package["CFRubrics"] = [
        {
            "identifier": "5b0f5f8e-7d43-4b0e-8f7e-000000000002",
            "uri": "https://case.example/rubric",
            "lastChangeDateTime": "2024-05-01T09:30:00+00:00",
            "CFRubricCriteria": [
                {
                    "CFItemURI": {"identifier": item_id(package, "RL.9"), "title": "RL.9"},
                    "CFRubricCriterionLevels": [
                        {"position": 1, "quality": "Emerging", "description": "Sees one."},
                        {"position": 2, "quality": "Expected", "description": "Sees both."},
                    ],
                },
                {
                    "CFItemURI": {"identifier": item_id(package, "RI"), "title": "RI"},
                    "CFRubricCriterionLevels": [
                        {"position": 1, "quality": "Emerging", "description": "Reads."},
                    ],
                },
            ],
        }
    ]

    data = case_parse(package, held=held_now())

    assert data["levels"] == [
        {"number": 1, "name": "Emerging", "description": ""},
        {"number": 2, "name": "Expected", "description": ""},
    ]
    assert data["areas"][0]["competencies"][0]["descriptors"] == {1: "Sees one.", 2: "Sees both."}
    assert data["notes"] == [
        "1 area(s) sat within another area in the file; areas here are not nested, so each "
        "follows the area it sat in.",
        "CFRubrics[0].CFRubricCriteria[1]: CFItems[5] became an area, so its level descriptors "
        "are not kept",
    ]
