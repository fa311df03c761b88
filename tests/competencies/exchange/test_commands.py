"""import_framework and export_framework: what they print, write and refuse."""

import io
import json

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connections

from competencies.exchange.files import framework_export
from competencies.models import Framework
from tests.competencies.exchange.case_packages import standards_package
from tests.competencies.exchange.conftest import edit_csv, row_counts


def test_import_framework_reads_a_csv_and_says_what_it_created(framework, requirements, tmp_path):
    path = tmp_path / "mini.csv"
    path.write_bytes(framework_export(framework, file_format="csv").body)
    out = io.StringIO()

    call_command("import_framework", str(path), "--version", "2.0", stdout=out)

    assert out.getvalue() == (
        "Imported Mini framework 2.0 (mini): 5 levels, 2 areas, 3 competencies, 9 descriptors, "
        "2 crosswalk links, 4 role requirements.\n"
    )
    assert Framework.objects.filter(slug="mini", version="2.0").exists()


def test_import_framework_takes_the_format_from_the_extension_or_the_option(framework, tmp_path):
    path = tmp_path / "mini.txt"
    path.write_text(framework_export(framework, file_format="case").text)
    out = io.StringIO()

    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path), "--version", "2.0")
    call_command("import_framework", str(path), "--format", "case", "--version", "2.0", stdout=out)

    assert str(error.value) == f"{path}: say --format csv or --format case."
    assert out.getvalue().startswith("Imported Mini framework 2.0 (mini): 5 levels")


def test_import_framework_names_a_bare_uk_csv(job_role, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(
        "Role family,Role,Role level,Skill,Skill description,Skill level,Level description\n"
        "Delivery,Citizen service officer,,User research,Learning what users need.,Working,"
        "Runs interviews.\n"
    )

    call_command(
        "import_framework", str(path), "--name", "HR skills", "--version", "1", stdout=io.StringIO()
    )

    framework = Framework.objects.get(slug="hr-skills", version="1")
    assert framework.competencies.get().title == "User research"


def test_import_framework_prints_every_problem_and_exits_non_zero(
    framework, requirements, tmp_path, capsys, monkeypatch
):
    # Run as from a shell (exit code and stderr), except that the command line's closing of
    # database connections would also close the one this test's transaction runs on.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    text = framework_export(framework, file_format="csv").text
    text = edit_csv(edit_csv(text, 8, "Role", "Astronaut"), 12, "Level number", "x")
    path = tmp_path / "broken.csv"
    path.write_text(text)
    before = row_counts()

    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(
            ["manage.py", "import_framework", str(path), "--version", "2.0"]
        ).execute()

    assert exit_.value.code == 1
    assert capsys.readouterr().err == (
        "broken.csv: line 8, Role: unknown job role 'Astronaut'\n"
        "broken.csv: line 12, Level number: 'x' is not a whole number\n"
        "CommandError: broken.csv was refused (2 problem(s)); nothing was imported.\n"
    )
    assert row_counts() == before


def test_import_framework_refuses_a_missing_file(db):
    with pytest.raises(CommandError) as error:
        call_command("import_framework", "no-such.csv")

    assert str(error.value) == "no-such.csv: no such file."


def test_export_framework_writes_csv_to_the_output(framework, requirements):
    out = io.StringIO()

    call_command("export_framework", "mini", "--format", "csv", "--out", "-", stdout=out)

    assert out.getvalue() == framework_export(framework, file_format="csv").text


def test_export_framework_writes_a_case_file_for_a_version(framework, tmp_path):
    framework_two = Framework.objects.create(slug="mini", name="Mini framework", version="2.0")
    path = tmp_path / "mini.json"

    call_command(
        "export_framework",
        "mini",
        "--version",
        "1.0",
        "--format",
        "case",
        "--out",
        str(path),
        stderr=io.StringIO(),
    )

    package = json.loads(path.read_text())
    assert package["CFDocument"]["identifier"] == str(framework.uuid) != str(framework_two.uuid)
    assert package["CFDocument"]["version"] == "1.0"


def test_export_framework_csv_file_starts_with_a_byte_order_mark(framework, tmp_path):
    path = tmp_path / "mini.csv"

    call_command(
        "export_framework", "mini", "--format", "csv", "--out", str(path), stderr=io.StringIO()
    )

    assert path.read_bytes().startswith(b"\xef\xbb\xbfRole family,Role,Role level,Skill,")


def test_export_framework_refuses_an_unknown_framework(db):
    with pytest.raises(CommandError) as error:
        call_command("export_framework", "nothing", "--version", "9", "--format", "csv")

    assert str(error.value) == "No framework 'nothing' version 9 is held here."


def test_import_framework_can_import_a_published_framework_as_a_draft(framework, tmp_path):
    path = tmp_path / "mini.json"
    path.write_text(framework_export(framework, file_format="case").text)

    call_command("import_framework", str(path), "--version", "2.0", "--draft", stdout=io.StringIO())

    assert Framework.objects.get(slug="mini", version="2.0").status == Framework.Status.DRAFT


def test_import_framework_maps_a_case_item_type_as_told(db, tmp_path):
    path = tmp_path / "standards.json"
    path.write_text(json.dumps(standards_package()))
    out = io.StringIO()

    call_command("import_framework", str(path), "--item-type", "Cluster=competency", stdout=out)

    framework = Framework.objects.get()
    assert [
        (area.code, [c.code for c in area.competencies.order_by("sort_order")])
        for area in framework.areas.order_by("sort_order")
    ] == [("RL", ["RL.1", "RL.1.1", "RL.1.2", "RL.9"]), ("RI", ["RI.2"])]
    assert out.getvalue() == (
        "Imported Reading standards 2024-05-01 (reading-standards): 0 levels, 2 areas, "
        "5 competencies, 0 descriptors, 0 crosswalk links, 0 role requirements.\n"
    )


def test_import_framework_refuses_an_item_type_choice_it_cannot_read(db, tmp_path):
    path = tmp_path / "standards.json"
    path.write_text(json.dumps(standards_package()))

    with pytest.raises(CommandError) as error:
        call_command("import_framework", str(path), "--item-type", "Cluster")

    assert str(error.value) == "--item-type Cluster: say TYPE=area or TYPE=competency."
    assert not Framework.objects.exists()
