"""Frameworks in several languages keep every language through CASE and CSV, and files with
bad language tags are refused whole."""

import copy
import json

import pytest

from competencies.exchange.data import framework_data
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.files import framework_export, framework_import
from competencies.services import framework_load
from tests.competencies.exchange.conftest import (
    csv_lines,
    csv_text,
    edit_csv,
    framework_delete,
    row_counts,
)
from tests.competencies.frameworks import MINI


def multilingual() -> dict:
    data = copy.deepcopy(MINI)
    data["translations"] = {
        "fr": {"name": "Mini-référentiel", "description": "Deux domaines, trois compétences."},
        "ar": {"name": "إطار مصغّر"},
    }
    data["levels"][1]["translations"] = {
        "fr": {"name": "Sensibilisation", "description": "Connaît l'idée."},
        "ar": {"name": "الوعي"},
    }
    data["areas"][0]["translations"] = {
        "fr": {"title": "Données", "description": "Travailler avec des données."},
        "es": {"title": "Datos"},
        "ar": {"title": "البيانات"},
    }
    competency = data["areas"][0]["competencies"][0]
    competency["translations"] = {
        "fr": {"title": "Culture des données", "description": "Interroger et utiliser, « vite »."},
        "ar": {"title": "الإلمام بالبيانات"},
    }
    competency["descriptor_translations"] = {
        "1": {"fr": "Lit un graphique, ligne 1\nligne 2.", "ar": "يقرأ رسمًا بيانيًا."},
        "3": {"es": "Diseña un panel."},
    }
    return data


def languages_of(framework) -> dict:
    """Everything translated, by row, as plain data."""
    data = framework_data(framework)
    return {
        "framework": data["translations"],
        "levels": {level["number"]: level["translations"] for level in data["levels"]},
        "areas": {area["code"]: area["translations"] for area in data["areas"]},
        "competencies": {
            c["code"]: (c["translations"], c["descriptor_translations"])
            for area in data["areas"]
            for c in area["competencies"]
        },
    }


EXPECTED = {
    "framework": {
        "ar": {"name": "إطار مصغّر"},
        "fr": {"description": "Deux domaines, trois compétences.", "name": "Mini-référentiel"},
    },
    "levels": {
        0: {},
        1: {
            "ar": {"name": "الوعي"},
            "fr": {"description": "Connaît l'idée.", "name": "Sensibilisation"},
        },
        2: {},
        3: {},
        4: {},
    },
    "areas": {
        "DA": {
            "ar": {"title": "البيانات"},
            "es": {"title": "Datos"},
            "fr": {"description": "Travailler avec des données.", "title": "Données"},
        },
        "SP": {},
    },
    "competencies": {
        "DA.1": (
            {
                "ar": {"title": "الإلمام بالبيانات"},
                "fr": {
                    "description": "Interroger et utiliser, « vite ».",
                    "title": "Culture des données",
                },
            },
            {
                1: {"ar": "يقرأ رسمًا بيانيًا.", "fr": "Lit un graphique, ligne 1\nligne 2."},
                3: {"es": "Diseña un panel."},
            },
        ),
        "DA.2": ({}, {}),
        "SP.1": ({}, {}),
    },
}


def test_loading_keeps_every_language(db):
    assert languages_of(framework_load(multilingual())) == EXPECTED


@pytest.mark.parametrize("file_format", ["csv", "case"])
def test_every_language_survives_a_round_trip(db, file_format):
    framework = framework_load(multilingual())
    first = framework_export(framework, file_format=file_format).text
    framework_delete(framework)

    imported = framework_import(first, file_format=file_format)

    assert languages_of(imported.framework) == EXPECTED
    assert framework_export(imported.framework, file_format=file_format).text == first


def test_csv_tags_each_translated_column(db):
    text = framework_export(framework_load(multilingual()), file_format="csv").text
    header = csv_lines(text)[0]

    assert [c for c in header if "@" in c] == [
        f"{column}@{language}"
        for language in ["fr", "es", "ar"]
        for column in [
            "Framework",
            "Framework description",
            "Area",
            "Area description",
            "Skill",
            "Skill description",
            "Skill level",
            "Level description",
        ]
    ]


def test_an_english_only_framework_exports_no_tagged_columns(db):
    text = framework_export(framework_load(MINI), file_format="csv").text

    assert [c for c in csv_lines(text)[0] if "@" in c] == []


def test_case_carries_the_source_language_and_tagged_translations(db):
    package = json.loads(framework_export(framework_load(multilingual()), file_format="case").text)
    item = next(i for i in package["CFItems"] if i["humanCodingScheme"] == "DA.1")

    assert package["CFDocument"]["language"] == "en"
    assert package["CFDocument"]["extensions"]["translations"] == {
        "ar": {"title": "إطار مصغّر"},
        "fr": {"description": "Deux domaines, trois compétences.", "title": "Mini-référentiel"},
    }
    assert package["CFDocument"]["extensions"]["levelTranslations"] == {
        "ar": {"1": {"title": "الوعي"}},
        "fr": {"1": {"description": "Connaît l'idée.", "title": "Sensibilisation"}},
    }
    assert item["language"] == "en"
    assert item["extensions"] == {
        "translations": {
            "ar": {"fullStatement": "الإلمام بالبيانات"},
            "fr": {
                "fullStatement": "Culture des données",
                "notes": "Interroger et utiliser, « vite ».",
            },
        },
        "descriptorTranslations": {
            "ar": {"1": "يقرأ رسمًا بيانيًا."},
            "es": {"3": "Diseña un panel."},
            "fr": {"1": "Lit un graphique, ligne 1\nligne 2."},
        },
    }


def _exported(file_format: str) -> str:
    framework = framework_load(multilingual())
    text = framework_export(framework, file_format=file_format).text
    framework_delete(framework)
    return text


def _refused(text: str, file_format: str) -> list[RowError]:
    before = row_counts()
    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format=file_format)
    assert row_counts() == before
    return refused.value.errors


def test_csv_with_an_unknown_language_tag_is_refused(db):
    lines = csv_lines(_exported("csv"))
    lines[0] = [c.replace("@es", "@de") for c in lines[0]]

    errors = _refused(csv_text(lines), "csv")

    assert errors == [
        RowError(1, column, "'de' is not a language here; use en-gb, fr, es, ar")
        for column in lines[0]
        if column.endswith("@de")
    ]


def test_csv_with_a_tag_on_a_column_that_is_not_text_is_refused(db):
    lines = csv_lines(_exported("csv"))
    lines[0][lines[0].index("Skill@fr")] = "Skill code@fr"

    errors = _refused(csv_text(lines), "csv")

    assert errors == [
        RowError(
            1,
            "Skill code@fr",
            "'Skill code' cannot be translated; tag one of: Framework, Framework description, "
            "Area, Area description, Skill, Skill description, Skill level, Level description",
        )
    ]


def test_csv_whose_lines_disagree_on_a_translation_is_refused(db):
    text = _exported("csv")
    lines = csv_lines(text)
    skill = lines[0].index("Skill code")
    repeated = [n for n, line in enumerate(lines, start=1) if line[skill] == "DA.1"]

    errors = _refused(edit_csv(text, repeated[1], "Skill@fr", "Autre"), "csv")

    # The first DA.1 line's French descriptor spans two lines of the file.
    assert repeated[:2] == [7, 8]
    assert errors == [
        RowError(9, "Skill@fr", "'Autre' differs from 'Culture des données' on line 7")
    ]


def test_case_with_an_unknown_language_tag_is_refused(db):
    package = json.loads(_exported("case"))
    index = next(n for n, i in enumerate(package["CFItems"]) if i["humanCodingScheme"] == "DA.1")
    package["CFItems"][index]["extensions"]["translations"]["xx"] = {"fullStatement": "?"}
    package["CFDocument"]["extensions"]["levelTranslations"]["fr"]["1"]["quality"] = "?"

    errors = _refused(json.dumps(package), "case")

    assert errors == [
        RowError(
            None,
            "CFDocument.extensions.levelTranslations.fr.quality",
            "use only title, description",
        ),
        RowError(
            None,
            f"CFItems[{index}].extensions.translations.xx",
            "'xx' is not a language here; use en-gb, fr, es, ar",
        ),
    ]


def test_a_case_package_with_translations_still_fits_the_case_schema(db):
    from tests.competencies.exchange.test_case_schema import schema_errors

    package = json.loads(framework_export(framework_load(multilingual()), file_format="case").text)

    assert schema_errors(package) == []


@pytest.mark.parametrize("file_format", ["csv", "case"])
def test_a_framework_written_in_french_keeps_its_own_language(db, file_format):
    data = multilingual()
    data["language"] = "fr"
    framework = framework_load(data)
    first = framework_export(framework, file_format=file_format).text
    framework_delete(framework)

    imported = framework_import(first, file_format=file_format)

    assert imported.framework.language == "fr"
    assert languages_of(imported.framework) == EXPECTED


def test_csv_naming_an_unknown_own_language_is_refused(db):
    data = multilingual()
    data["language"] = "fr"
    framework = framework_load(data)
    text = framework_export(framework, file_format="csv").text
    framework_delete(framework)

    errors = _refused(edit_csv(text, 2, "Framework language", "xx"), "csv")

    assert errors == [
        RowError(2, "Framework language", "'xx' is not a language here; use en-gb, fr, es, ar")
    ]


def test_case_naming_an_unknown_document_language_is_refused(db):
    package = json.loads(_exported("case"))
    package["CFDocument"]["language"] = "de"

    errors = _refused(json.dumps(package), "case")

    assert errors == [
        RowError(None, "CFDocument.language", "'de' is not a language here; use en-gb, fr, es, ar")
    ]
