"""1EdTech CASE JSON: export, a round trip that keeps identifiers, and refused packages."""

import copy
import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from competencies.exchange.case import case_export, external_urn
from competencies.exchange.data import framework_data
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.files import framework_export, framework_import
from competencies.models import Competency, CrosswalkLink, Framework
from tests.competencies.exchange.conftest import framework_delete, row_counts

# The framework is built once for the module; each test runs in a savepoint inside its
# transaction (tests/conftest.py).
SHARED = ("framework",)


def export_case(framework: Framework) -> dict:
    return json.loads(framework_export(framework, file_format="case").text)


def import_case(package: dict, **options) -> Framework:
    return framework_import(json.dumps(package), file_format="case", **options).framework


def test_case_package_describes_document_items_associations_scale_and_rubric(framework):
    package = export_case(framework)
    da1 = framework.competencies.get(code="DA.1")
    digcomp = Competency.objects.get(framework__slug="digcomp22", code="1.1")

    document = package["CFDocument"]
    assert {
        key: document[key]
        for key in (
            "identifier",
            "title",
            "version",
            "creator",
            "adoptionStatus",
            "language",
            "notes",
        )
    } == {
        "identifier": str(framework.uuid),
        "title": "Mini framework",
        "version": "1.0",
        "creator": "Test publisher",
        "adoptionStatus": "Adopted",
        "language": "en",
        "notes": "Written for tests",
    }
    assert document["licenseURI"]["title"] == "CC BY 4.0"
    assert document["uri"] == f"http://127.0.0.1:8000/ims/case/v1p1/CFDocuments/{framework.uuid}"
    items = {item["humanCodingScheme"]: item for item in package["CFItems"]}
    assert [(code, item["CFItemType"]) for code, item in items.items()] == [
        ("DA", "Area"),
        ("DA.1", "Competency"),
        ("DA.2", "Competency"),
        ("SP", "Area"),
        ("SP.1", "Competency"),
    ]
    assert items["DA.1"]["identifier"] == str(da1.uuid)
    assert items["DA.1"]["fullStatement"] == "Data literacy"
    assert items["DA.1"]["notes"] == "Questioning and using data."
    assert items["DA"]["identifier"] == str(uuid.uuid5(framework.uuid, "area:DA"))
    links = [
        (a["associationType"], a["originNodeURI"]["title"], a["destinationNodeURI"]["title"])
        for a in package["CFAssociations"]
    ]
    assert links == [
        ("isChildOf", "DA Data", "Mini framework"),
        ("isChildOf", "DA.1 Data literacy", "DA Data"),
        ("exactMatchOf", "DA.1 Data literacy", "DigComp 2.2 1.1"),
        ("isRelatedTo", "DA.1 Data literacy", "e-CF D.7"),
        ("isChildOf", "DA.2 Data ethics", "DA Data"),
        ("isChildOf", "SP Security", "Mini framework"),
        ("isChildOf", "SP.1 Cyber hygiene", "SP Security"),
    ]
    held, external = package["CFAssociations"][2:4]
    assert held["destinationNodeURI"]["identifier"] == str(digcomp.uuid)
    assert external["destinationNodeURI"] == {
        "title": "e-CF D.7",
        "identifier": str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:e-CF:D.7")),
        "uri": "urn:e-CF:D.7",
    }
    assert held["CFAssociationGroupingURI"]["title"] == "DigComp 2.2"
    concepts = package["CFDefinitions"]["CFConcepts"]
    assert [(c["hierarchyCode"], c["title"]) for c in concepts] == [
        ("0", "Not yet"),
        ("1", "Awareness"),
        ("2", "Working"),
        ("3", "Practitioner"),
        ("4", "Expert"),
    ]
    [rubric] = package["CFRubrics"]
    criteria = {c["CFItemURI"]["identifier"]: c for c in rubric["CFRubricCriteria"]}
    da2 = framework.competencies.get(code="DA.2")
    assert [
        (level["score"], level["quality"], level["description"])
        for level in criteria[str(da2.uuid)]["CFRubricCriterionLevels"]
    ] == [(2, "Working", "Spots an ethical risk.")]


def test_case_export_is_deterministic(framework):
    assert export_case(framework) == export_case(framework)


def test_case_round_trip_into_an_empty_database_keeps_identifiers_and_gives_the_same_json(
    framework,
):
    first = export_case(framework)
    uuids = {c.code: c.uuid for c in framework.competencies.all()}
    framework_delete(framework)

    imported = import_case(first)

    assert imported.uuid == uuid.UUID(first["CFDocument"]["identifier"])
    assert {c.code: c.uuid for c in imported.competencies.all()} == uuids
    assert export_case(imported) == first


def test_case_import_under_another_version_gets_new_identifiers_and_links_the_old(framework):
    first = export_case(framework)

    imported = import_case(first, version="2.0")

    da1 = imported.competencies.get(code="DA.1")
    assert da1.uuid != framework.competencies.get(code="DA.1").uuid
    assert da1.supersedes == framework.competencies.get(code="DA.1")
    assert imported.uuid != framework.uuid
    again = export_case(imported)
    assert again["CFDocument"]["version"] == "2.0"
    assert [i["fullStatement"] for i in again["CFItems"]] == [
        i["fullStatement"] for i in first["CFItems"]
    ]
    assert again["CFDocument"]["lastChangeDateTime"] == first["CFDocument"]["lastChangeDateTime"]


def test_seed_frameworks_survive_a_case_round_trip(seeded):
    digcomp = Framework.objects.get(slug="digcomp22")
    first = {"pcdcf": export_case(seeded), "digcomp22": export_case(digcomp)}
    framework_delete(seeded)
    framework_delete(digcomp)

    # DigComp first, so the other framework's crosswalk finds its targets again.
    again = {slug: export_case(import_case(first[slug])) for slug in ("digcomp22", "pcdcf")}

    assert again == first
    assert CrosswalkLink.objects.filter(
        competency__framework__slug="pcdcf", target__framework__slug="digcomp22"
    ).exists()


def test_a_package_from_elsewhere_with_external_crosswalk_nodes_is_read(db):
    data = {
        "slug": "ext",
        "name": "External",
        "version": "1",
        "status": "draft",
        "publisher": "",
        "source": "https://example.org/framework",
        "licence": "",
        "description": "",
        "uuid": str(uuid.uuid4()),
        "last_change": None,
        "levels": [{"number": 1, "name": "Basic", "description": ""}],
        "areas": [
            {
                "code": "A",
                "title": "Area A",
                "description": "",
                "competencies": [
                    {
                        "code": "A.1",
                        "title": "One",
                        "description": "",
                        "uuid": str(uuid.uuid4()),
                        "descriptors": {1: "Does one."},
                        "crosswalk": [
                            {
                                "scheme": "OECD skill set",
                                "code": "user 2",
                                "verified": False,
                                "target": None,
                            }
                        ],
                    },
                ],
            }
        ],
        "requirements": [],
    }
    package = case_export(data, base_uri="https://elsewhere.example/case")

    imported = import_case(package)

    assert imported.source == "https://example.org/framework"
    assert package["CFDocument"]["officialSourceURL"] == "https://example.org/framework"
    link = CrosswalkLink.objects.get(competency__framework=imported)
    assert (link.scheme, link.code, link.verified, link.target) == (
        "OECD skill set",
        "user 2",
        False,
        None,
    )
    assert external_urn("OECD skill set", "user 2") == "urn:OECD%20skill%20set:user%202"


def _break(package: dict, path: list, value) -> dict:
    broken = copy.deepcopy(package)
    target = broken
    for key in path[:-1]:
        target = target[key]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return broken


OTHER = "00000000-0000-4000-8000-000000000000"
REFUSED_PACKAGES = {
    "missing required key": (
        ["CFDocument", "title"],
        None,
        [RowError(None, "CFDocument.title", "is required")],
    ),
    "missing key that CASE requires of an item": (
        ["CFItems", 0, "uri"],
        None,
        [RowError(None, "CFItems[0].uri", "is required")],
    ),
    "dangling association": (
        ["CFAssociations", 1, "originNodeURI", "identifier"],
        OTHER,
        [
            RowError(
                None, "CFAssociations[1].originNodeURI", f"{OTHER} is not an item of this package"
            ),
            RowError(None, "CFItems[1]", "has no isChildOf association, so it has no place"),
        ],
    ),
    "parent that is not held": (
        ["CFAssociations", 1, "destinationNodeURI", "identifier"],
        OTHER,
        [
            RowError(
                None,
                "CFAssociations[1].destinationNodeURI",
                f"{OTHER} is neither an item of this package nor its CFDocument",
            ),
        ],
    ),
    "duplicate codes": (
        ["CFItems", 2, "humanCodingScheme"],
        "DA.1",
        [
            RowError(
                None, "CFItems[2].humanCodingScheme", "Competency code 'DA.1' is also CFItems[1]"
            )
        ],
    ),
    "unknown rubric item": (
        ["CFRubrics", 0, "CFRubricCriteria", 0, "CFItemURI", "identifier"],
        OTHER,
        [
            RowError(
                None,
                "CFRubrics[0].CFRubricCriteria[0].CFItemURI",
                f"{OTHER} is not a Competency item here",
            )
        ],
    ),
    "rubric level outside the scale": (
        ["CFRubrics", 0, "CFRubricCriteria", 0, "CFRubricCriterionLevels", 0, "quality"],
        "Guru",
        [
            RowError(
                None,
                "CFRubrics[0].CFRubricCriteria[0].CFRubricCriterionLevels[0]",
                "unknown level 1 'Guru'; the scale is: 0 Not yet; 1 Awareness; 2 Working; "
                "3 Practitioner; 4 Expert",
            )
        ],
    ),
}


@pytest.mark.parametrize(
    ("path", "value", "errors"), REFUSED_PACKAGES.values(), ids=REFUSED_PACKAGES.keys()
)
def test_a_malformed_package_is_refused_whole_naming_json_paths(framework, path, value, errors):
    broken = _break(export_case(framework), path, value)
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        import_case(broken, version="2.0")

    assert refused.value.errors == errors
    assert row_counts() == before


def test_an_identifier_that_is_not_a_uuid_is_refused_once(framework):
    package = export_case(framework)
    area = package["CFItems"][0]["identifier"]
    broken = json.loads(json.dumps(package).replace(area, "area-1"))

    with pytest.raises(ImportRefused) as refused:
        import_case(broken, version="2.0")

    assert refused.value.errors == [
        RowError(None, "CFItems[0].identifier", "'area-1' is not a UUID")
    ]


def test_a_package_that_is_not_json_is_refused_with_the_line(framework):
    text = framework_export(framework, file_format="case").text.replace(
        '"CFItems": [', '"CFItems" ['
    )

    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="case", version="2.0")

    [error] = refused.value.errors
    assert (error.line, error.field, error.message) == (
        text[: text.index('"CFItems" [')].count("\n") + 1,
        "(JSON, column 13)",
        "Expecting ':' delimiter",
    )


def test_a_version_already_held_is_refused(framework):
    with pytest.raises(ImportRefused) as refused:
        import_case(export_case(framework))

    assert refused.value.errors == [
        RowError(
            None,
            "CFDocument.version",
            "Mini framework version 1.0 is already held here; import it under another version",
        ),
    ]


def test_export_reads_the_framework_as_plain_data(framework):
    data = framework_data(framework)

    assert data["areas"][0]["competencies"][0]["crosswalk"][0] == {
        "scheme": "DigComp 2.2",
        "code": "1.1",
        "verified": True,
        "target": str(Competency.objects.get(framework__slug="digcomp22", code="1.1").uuid),
    }


@pytest.mark.parametrize("file_format", ["csv", "case"])
def test_export_costs_the_same_number_of_queries_whatever_the_size(
    framework, requirements, file_format
):
    digcomp = Framework.objects.get(slug="digcomp22")  # one competency, no requirements

    assert _export_queries(framework, file_format) == _export_queries(digcomp, file_format)


def _export_queries(framework: Framework, file_format: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        framework_export(framework, file_format=file_format)
    return len(queries)
