"""`manage.py import_roster`: the change printed, exit status, and a refused file untouched."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from organisations.models import Membership
from tests.organisations.roster.rosters import person, roster, written

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "roster-example.csv"


def import_roster(path: Path, *args: str, err: io.StringIO | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), err if err is not None else io.StringIO()
    call_command("import_roster", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_command_prints_the_change_then_applies_it(tmp_path, department):
    path = tmp_path / "staff.csv"
    path.write_bytes(roster(person("E1"), person("E2", line_manager_employee_number="E1")))

    out, err = import_roster(path)

    assert (out, err) == (
        "staff.csv: 2 people.\n"
        "People: 2 new, 0 moved, 0 leaving, 0 updated, 0 unchanged.\n"
        "Departments: 0 added, 0 changed. Job roles: 0 added, 0 changed.\n"
        "new        line 2      E1 e1@city.example.gov: department CRS\n"
        "new        line 3      E2 e2@city.example.gov: department CRS; line manager E1\n"
        "Applied.\n",
        "",
    )
    assert Membership.objects.count() == 2


@pytest.mark.django_db
def test_command_run_twice_says_nothing_changed(tmp_path, department):
    path = tmp_path / "staff.csv"
    path.write_bytes(roster(person("E1")))
    import_roster(path)

    out, _ = import_roster(path)

    assert out.splitlines()[1] == "People: 0 new, 0 moved, 0 leaving, 0 updated, 1 unchanged."
    assert out.splitlines()[-1] == "Nothing to change: nothing was written."


@pytest.mark.django_db
def test_command_dry_run_writes_nothing(tmp_path, department):
    path = tmp_path / "staff.csv"
    path.write_bytes(roster(person("E1")))
    before = written()

    out, _ = import_roster(path, "--dry-run")

    assert written() == before
    assert out.splitlines()[-1] == "Dry run: nothing was written."


@pytest.mark.django_db
def test_command_lists_every_problem_and_exits_non_zero(tmp_path, department):
    path = tmp_path / "staff.csv"
    path.write_bytes(roster(person("E1", department="ZZZ"), {**person("E2"), "email": "x"}))
    before = written()
    err = io.StringIO()

    with pytest.raises(CommandError) as caught:
        import_roster(path, err=err)

    assert err.getvalue().splitlines() == [
        "staff.csv: Line 2, department_code: unknown department ZZZ: name it on a row of this "
        "file (department_code with department_name) or create it in the CMS.",
        "staff.csv: Line 3, email: 'x' is not an email address.",
    ]
    assert str(caught.value) == "staff.csv was refused (2 problem(s)); nothing was written."
    assert caught.value.returncode == 1
    assert written() == before


@pytest.mark.django_db
def test_command_refuses_a_file_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match=r"no-such\.csv: no such file\."):
        import_roster(tmp_path / "no-such.csv")


@pytest.mark.django_db
def test_the_documented_example_imports(db):
    out, _ = import_roster(EXAMPLE)

    assert out.splitlines()[:3] == [
        "roster-example.csv: 5 people.",
        "People: 5 new, 0 moved, 0 leaving, 0 updated, 0 unchanged.",
        "Departments: 2 added, 0 changed. Job roles: 4 added, 0 changed.",
    ]
