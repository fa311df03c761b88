"""Shapes the seed files do not have survive both formats: an empty area, an undescribed
competency, a level nobody uses, text with commas, quotes, line breaks and accents."""

import json

import pytest

from competencies.exchange.files import framework_export, framework_import
from competencies.services import framework_load
from tests.competencies.exchange.conftest import framework_delete

ODD = {
    "slug": "odd",
    "version": "0.9",
    "name": 'Odd shapes, "quoted"',
    "publisher": "",
    "source": "",
    "licence": "",
    "status": "draft",
    "description": "Line one,\nline two — with an em dash and café.",
    "levels": [
        {"number": 1, "name": "Basic", "description": ""},
        {"number": 5, "name": "Deep", "description": "Nobody is described at this level."},
    ],
    "areas": [
        {"code": "EMPTY", "title": "Nothing here yet", "description": "", "competencies": []},
        {
            "code": "Z",
            "title": "Zeta",
            "description": "Second; area",
            "competencies": [
                {
                    "code": "Z.2",
                    "title": "Comes first",
                    "description": "",
                    "descriptors": {},
                    "crosswalk": [],
                },
                {
                    "code": "Z.1",
                    "title": "Comes second",
                    "description": 'Has "quotes", commas',
                    "descriptors": {"1": "Multi\r\nline descriptor"},
                    "crosswalk": [{"scheme": "SFIA 9", "code": "PROG", "verified": False}],
                },
            ],
        },
    ],
}


@pytest.mark.parametrize("file_format", ["csv", "case"])
def test_odd_shapes_survive_a_round_trip(db, file_format):
    framework = framework_load(ODD)
    first = framework_export(framework, file_format=file_format).text
    framework_delete(framework)

    imported = framework_import(first, file_format=file_format)

    assert framework_export(imported.framework, file_format=file_format).text == first
    assert list(imported.framework.areas.values_list("code", flat=True)) == ["EMPTY", "Z"]
    assert list(imported.framework.competencies.values_list("code", flat=True)) == ["Z.2", "Z.1"]
    assert imported.framework.description == ODD["description"]


def test_the_case_package_of_odd_shapes_has_no_rubric_levels_for_undescribed_competencies(db):
    package = json.loads(framework_export(framework_load(ODD), file_format="case").text)

    criteria = package["CFRubrics"][0]["CFRubricCriteria"]
    assert [len(c["CFRubricCriterionLevels"]) for c in criteria] == [0, 1]
    assert package["CFDocument"]["adoptionStatus"] == "Draft"
    assert package["CFDocument"]["creator"] == ODD["name"]
    assert "licenseURI" not in package["CFDocument"]
