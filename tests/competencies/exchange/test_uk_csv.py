"""CSV in the UK layout: export, a lossless round trip, bare UK files and refused files."""

import pytest

from competencies.exchange.data import Held, held_now
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.files import framework_export, framework_import
from competencies.exchange.uk_csv import COLUMNS, csv_parse
from competencies.exchange.writer import framework_write
from competencies.models import Competency, Framework, RoleRequirement
from organisations.models import JobRole
from tests.competencies.exchange.conftest import (
    csv_lines,
    csv_text,
    edit_csv,
    framework_delete,
    row_counts,
)

UK_HEADER = "Role family,Role,Role level,Skill,Skill description,Skill level,Level description\r\n"

# The framework, the department and the job role are built once for the module (role
# requirements are not: some tests need a framework without them); each test runs in a savepoint
# inside its transaction (tests/conftest.py).
SHARED = ("framework", "department", "job_role")


def export_csv(framework: Framework) -> str:
    return framework_export(framework, file_format="csv").text


def test_csv_export_has_uk_columns_first_then_scale_lines_then_skills(framework, requirements):
    lines = csv_lines(export_csv(framework))

    assert lines[0][:7] == [
        "Role family",
        "Role",
        "Role level",
        "Skill",
        "Skill description",
        "Skill level",
        "Level description",
    ]
    assert lines[0] == COLUMNS
    assert [line[5:7] + line[12:13] for line in lines[1:6]] == [
        ["Not yet", "No evidence yet.", "0"],
        ["Awareness", "Knows the idea.", "1"],
        ["Working", "Applies it in routine work.", "2"],
        ["Practitioner", "Handles the unusual.", "3"],
        ["Expert", "Sets direction.", "4"],
    ]
    # A requirement carries the descriptor of its level; a level no role needs is still there.
    assert lines[6][:7] == [
        "",
        "",
        "",
        "Data literacy",
        "Questioning and using data.",
        "Awareness",
        "Reads a chart.",
    ]
    assert lines[7][:7] == [
        "Digital, data and technology",
        "Citizen service officer",
        "",
        "Data literacy",
        "Questioning and using data.",
        "Working",
        "Builds a chart.",
    ]
    platform = {
        "Framework": "Mini framework",
        "Framework version": "1.0",
        "Area code": "DA",
        "Area": "Data",
        "Skill code": "DA.1",
        "Level number": "2",
        "Department": "",
        "Crosswalk": "DigComp 2.2:1.1;e-CF:D.7~",
    }
    row = dict(zip(COLUMNS, lines[7], strict=True))
    assert {column: row[column] for column in platform} == platform
    # The department override of SP.1 for CRS.
    assert [lines[14][i] for i in (1, 3, 5, 13)] == [
        "Citizen service officer",
        "Cyber hygiene",
        "Practitioner",
        "CRS",
    ]
    assert len(lines) == 16


def test_csv_round_trip_into_an_empty_database_gives_the_same_file(framework, requirements):
    first = export_csv(framework)
    framework_delete(framework)
    assert RoleRequirement.objects.count() == 0

    imported = framework_import(first, file_format="csv")

    assert export_csv(imported.framework) == first
    assert imported.counts == {
        "levels": 5,
        "areas": 2,
        "competencies": 3,
        "descriptors": 9,
        "crosswalk links": 2,
        "role requirements": 4,
    }


def test_csv_round_trip_under_another_version_loses_nothing(framework, requirements):
    first = export_csv(framework)

    imported = framework_import(first, file_format="csv", version="2.0")

    expected = csv_lines(first)
    for line in expected[1:]:
        line[COLUMNS.index("Framework version")] = "2.0"
    assert csv_lines(export_csv(imported.framework)) == expected
    assert imported.framework.status == Framework.Status.PUBLISHED
    link = imported.framework.competencies.get(code="DA.1").crosswalk.get(scheme="DigComp 2.2")
    assert link.target.framework.slug == "digcomp22"


def test_seed_framework_with_its_role_requirements_survives_a_csv_round_trip(seeded):
    first = export_csv(seeded)
    requirements = RoleRequirement.objects.filter(competency__framework=seeded).count()

    imported = framework_import(first, file_format="csv", version="1.0-copy")

    again = csv_lines(export_csv(imported.framework))
    expected = csv_lines(first)
    for line in expected[1:]:
        line[COLUMNS.index("Framework version")] = "1.0-copy"
    assert again == expected
    assert imported.counts["role requirements"] == requirements > 0


@pytest.mark.django_db
def test_bare_uk_csv_is_read_with_the_uk_scale_one_area_and_codes_from_skill_names(job_role):
    text = UK_HEADER + (
        "Operational delivery,Citizen service officer,Senior,User research,"
        "Learning what users need.,Working,Plans and runs interviews.\r\n"
        ",,,User research,Learning what users need.,Awareness,Knows why research matters.\r\n"
        ",,,Service design,Designing whole services.,Expert,Leads a service redesign.\r\n"
    )

    imported = framework_import(text, file_format="csv", name="HR skills", version="2025")

    framework = imported.framework
    assert (framework.slug, framework.name, framework.version) == ("hr-skills", "HR skills", "2025")
    assert list(framework.levels.values_list("number", "name")) == [
        (1, "Awareness"),
        (2, "Working"),
        (3, "Practitioner"),
        (4, "Expert"),
    ]
    assert list(framework.areas.values_list("code", "title")) == [("GEN", "General")]
    research = Competency.objects.get(framework=framework, code="user-research")
    assert research.title == "User research"
    assert dict(research.descriptors.values_list("level", "text")) == {
        1: "Knows why research matters.",
        2: "Plans and runs interviews.",
    }
    assert list(
        RoleRequirement.objects.filter(competency=research).values_list(
            "job_role__name", "level", "department"
        )
    ) == [("Citizen service officer", 2, None)]
    assert imported.notes == ["Role level values were ignored: job roles here have no seniority."]


@pytest.mark.django_db
def test_bare_uk_csv_needs_a_name_and_version(job_role):
    text = UK_HEADER + ",,,User research,Learning what users need.,Working,Runs interviews.\r\n"

    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="csv")

    assert refused.value.errors == [
        RowError(1, "Framework", "is missing: fill in this column or give the name (--name)"),
        RowError(
            1,
            "Framework version",
            "is missing: fill in this column or give the version (--version)",
        ),
    ]


@pytest.mark.django_db
def test_bare_uk_csv_refuses_a_level_outside_the_uk_scale(job_role):
    text = UK_HEADER + ",,,User research,Learning what users need.,Guru,Runs interviews.\r\n"
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="csv", name="HR", version="1")

    assert refused.value.errors == [
        RowError(
            2, "Skill level", "unknown level 'Guru'; use Awareness, Working, Practitioner, Expert"
        )
    ]
    assert row_counts() == before


SCALE = "the scale is: 0 Not yet; 1 Awareness; 2 Working; 3 Practitioner; 4 Expert"
REFUSED_EDITS = {
    "unknown level name": (
        [(8, "Skill level", "Guru")],
        [RowError(8, "Skill level", f"unknown level 2 'Guru'; {SCALE}")],
    ),
    "unknown job role": (
        [(8, "Role", "Astronaut")],
        [RowError(8, "Role", "unknown job role 'Astronaut'")],
    ),
    "missing skill": ([(8, "Skill", "")], [RowError(8, "Skill", "is missing")]),
    "inconsistent skill description": (
        [(9, "Skill description", "Something else.")],
        [
            RowError(
                9,
                "Skill description",
                "'Something else.' differs from 'Questioning and using data.' on line 7",
            )
        ],
    ),
    "level number not an integer": (
        [(8, "Level number", "two")],
        [RowError(8, "Level number", "'two' is not a whole number")],
    ),
    "unknown department": (
        [(15, "Department", "XYZ")],
        [RowError(15, "Department", "unknown department code 'XYZ'")],
    ),
    "a role needing a skill twice": (
        [(9, "Role", "Citizen service officer")],
        [RowError(9, "Role", "Citizen service officer already needs DA.1 on line 8")],
    ),
    "several problems at once": (
        [(8, "Role", "Astronaut"), (12, "Level number", "x"), (16, "Area", "Safety")],
        [
            RowError(8, "Role", "unknown job role 'Astronaut'"),
            RowError(12, "Level number", "'x' is not a whole number"),
            RowError(16, "Area", "'Safety' differs from 'Security' on line 13"),
        ],
    ),
}


@pytest.mark.parametrize(("edits", "errors"), REFUSED_EDITS.values(), ids=REFUSED_EDITS.keys())
def test_a_malformed_csv_is_refused_whole_naming_line_and_column(
    framework, requirements, edits, errors
):
    text = export_csv(framework)
    for line, column, value in edits:
        text = edit_csv(text, line, column, value)
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="csv", version="2.0")

    assert refused.value.errors == errors
    assert row_counts() == before


def test_a_csv_without_a_required_column_is_refused(framework):
    lines = csv_lines(export_csv(framework))
    at = COLUMNS.index("Skill level")
    text = csv_text([line[:at] + line[at + 1 :] for line in lines])

    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="csv", version="2.0")

    assert refused.value.errors == [RowError(1, "Skill level", "missing required column")]


def test_a_csv_that_is_not_utf8_is_refused_at_the_line_and_column_of_the_bad_byte(
    framework, requirements
):
    content = export_csv(framework).encode().replace(b"Builds a chart.", b"Builds a \xff chart.")
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        framework_import(content, file_format="csv", version="2.0")

    assert refused.value.errors == [
        RowError(
            8,
            "Level description",
            'is not UTF-8 text (byte 0xff); save the file as "CSV UTF-8" and try again',
        ),
    ]
    assert row_counts() == before


def test_a_byte_order_mark_is_accepted(framework):
    content = "\ufeff".encode() + export_csv(framework).encode()

    imported = framework_import(content, file_format="csv", version="2.0")

    assert imported.framework.competencies.count() == 3


def test_a_version_already_held_is_refused(framework):
    with pytest.raises(ImportRefused) as refused:
        framework_import(export_csv(framework), file_format="csv")

    assert refused.value.errors == [
        RowError(
            2,
            "Framework version",
            "Mini framework version 1.0 is already held here; import it under another version",
        ),
    ]


def test_crosswalk_codes_with_separators_survive_the_round_trip(framework):
    # Without requirements, DA.2 is one line: its descriptor at level 2.
    text = edit_csv(export_csv(framework), 11, "Crosswalk", "SFIA 9:DA%3BX~;Odd%3Ascheme:a%7Eb")

    imported = framework_import(text, file_format="csv", version="2.0")

    links = imported.framework.competencies.get(code="DA.2").crosswalk.order_by("scheme")
    assert [(link.scheme, link.code, link.verified) for link in links] == [
        ("Odd:scheme", "a~b", True),
        ("SFIA 9", "DA;X", False),
    ]
    assert csv_lines(export_csv(imported.framework))[10][COLUMNS.index("Crosswalk")] == (
        "Odd%3Ascheme:a%7Eb;SFIA 9:DA%3BX~"
    )


def test_parsing_is_a_pure_function_of_the_text_and_what_is_held():
    held = Held(job_roles={}, departments={}, frameworks=frozenset())
    text = UK_HEADER + ",,,Data literacy,Using data.,Working,Builds a chart.\r\n"

    data = csv_parse(text, held=held, name="Pure", version="1")

    assert data["areas"][0]["competencies"] == [
        {
            "code": "data-literacy",
            "title": "Data literacy",
            "description": "Using data.",
            "uuid": None,
            "descriptors": {2: "Builds a chart."},
            "crosswalk": [],
        },
    ]
    assert data["requirements"] == []


def test_a_write_that_fails_half_way_leaves_nothing_behind(framework, requirements):
    data = csv_parse(export_csv(framework), held=held_now(), version="2.0")
    JobRole.objects.filter(name="Citizen service officer").update(name="Renamed meanwhile")
    before = row_counts()

    with pytest.raises(ImportRefused) as refused:
        framework_write(data)

    assert refused.value.errors == [
        RowError(None, "Role", "job role 'Citizen service officer' is no longer held here"),
    ]
    assert row_counts() == before


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", RowError(1, "", "the file is empty; the first line must name the columns")),
        (
            UK_HEADER + ",,,a\x00b,,Working,\r\n",
            RowError(2, "", "holds a NUL character: is this a CSV file?"),
        ),
        (
            UK_HEADER + ',,,"' + "x" * 200_000 + '",,Working,\r\n',
            RowError(2, "", "is not valid CSV: field larger than field limit (131072)"),
        ),
    ],
    ids=["empty", "NUL", "huge cell"],
)
def test_a_file_that_is_not_csv_is_refused(db, text, error):
    with pytest.raises(ImportRefused) as refused:
        framework_import(text, file_format="csv", name="N", version="1")

    assert refused.value.errors == [error]
    assert str(error).startswith("line ")


def test_framework_details_are_written_on_the_first_line_only(framework):
    lines = csv_lines(export_csv(framework))

    column = COLUMNS.index("Framework description")
    assert [line[column] for line in lines[1:]] == ["Two areas, three competencies."] + [""] * (
        len(lines) - 2
    )
    assert {line[COLUMNS.index("Framework")] for line in lines[1:]} == {"Mini framework"}


def test_framework_details_given_on_two_lines_must_agree(framework):
    text = edit_csv(export_csv(framework), 5, "Licence", "CC BY 4.0")
    text_conflicting = edit_csv(text, 6, "Licence", "MIT")

    assert framework_import(text, file_format="csv", version="2.0").framework.licence == "CC BY 4.0"
    with pytest.raises(ImportRefused) as refused:
        framework_import(text_conflicting, file_format="csv", version="3.0")
    assert refused.value.errors == [
        RowError(6, "Licence", "'MIT' differs from 'CC BY 4.0' on line 2")
    ]
