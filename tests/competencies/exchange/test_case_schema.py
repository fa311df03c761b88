"""Exported CASE packages validate against the CASE CFPackage JSON schema (the fields of the
CASE 1.0 and 1.1 specifications, written out in schemas/case_package.schema.json)."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from competencies.exchange.files import framework_export, framework_import
from competencies.models import Framework
from tests.competencies.exchange.case_packages import standards_package
from tests.competencies.exchange.conftest import seed

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "case_package.schema.json").read_text())
VALIDATOR = Draft7Validator(SCHEMA)

# The framework and the seed frameworks are built once for the module; each test runs in a
# savepoint inside its transaction (tests/conftest.py).
SHARED = ("framework",)


@pytest.fixture(scope="module", autouse=True)
def module_seeded(shared):
    return shared.build(seed)


@pytest.fixture
def seeded(shared, module_seeded, db):
    return shared.fresh(module_seeded)


def schema_errors(package: dict) -> list[str]:
    return sorted(f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(package))


def export_case(framework: Framework) -> dict:
    return json.loads(framework_export(framework, file_format="case").text)


def test_the_schema_is_a_valid_draft_7_schema():
    meta = Draft7Validator(Draft7Validator.META_SCHEMA)
    assert [error.message for error in meta.iter_errors(SCHEMA)] == []


def test_an_export_with_crosswalk_and_descriptors_validates(framework):
    assert schema_errors(export_case(framework)) == []


@pytest.mark.parametrize("slug", ["digcomp22", "pcdcf"])
def test_the_seed_frameworks_export_valid_packages(seeded, slug):
    assert schema_errors(export_case(Framework.objects.get(slug=slug))) == []


def test_a_package_from_another_tool_exports_valid_after_import(db):
    imported = framework_import(json.dumps(standards_package()), file_format="case").framework

    assert schema_errors(export_case(imported)) == []


def test_the_schema_refuses_what_case_does_not_allow(framework):
    package = export_case(framework)
    del package["CFItems"][0]["uri"]
    package["CFAssociations"][0]["associationType"] = "isParentOf"
    package["CFDocument"]["lastChangeDateTime"] = "yesterday"
    package["CFItems"][1]["CFDocumentURI"] = package["CFDocument"]["licenseURI"]

    assert schema_errors(package) == [
        "$.CFAssociations[0].associationType: 'isParentOf' is not one of ['isChildOf', "
        "'isPeerOf', 'isPartOf', 'exactMatchOf', 'precedes', 'isRelatedTo', 'replacedBy', "
        "'exemplar', 'hasSkillLevel']",
        "$.CFDocument.lastChangeDateTime: 'yesterday' does not match "
        "'^\\\\d{4}-\\\\d{2}-\\\\d{2}T\\\\d{2}:\\\\d{2}:\\\\d{2}(\\\\.\\\\d+)?(Z|[+-]\\\\d{2}:\\\\d{2})$'",
        "$.CFItems[0]: 'uri' is a required property",
        "$.CFItems[1]: Additional properties are not allowed ('CFDocumentURI' was unexpected)",
    ]
