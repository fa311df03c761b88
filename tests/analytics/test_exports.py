"""CSV, XLSX and PDF exports from the dashboard and from `manage.py skill_gap_report`."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from competencies.models import Competency
from organisations.models import Department
from tests.analytics.scenario import THRESHOLD


@pytest.fixture
def organisation(shared_organisation, settings):
    """The scenario's organisation, built once for this module (tests/analytics/conftest.py)."""
    settings.ANALYTICS_MIN_GROUP_SIZE = THRESHOLD
    return shared_organisation


@pytest.fixture
def cto(organisation):
    return organisation.cto


def csv_rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_csv_rows_of_hidden_groups_are_blank_and_marked(client, cto):
    client.force_login(cto)

    response = client.get(reverse("organisation_export", args=["csv"]))

    assert response["Content-Disposition"] == 'attachment; filename="skill-gaps-organisation.csv"'
    rows = {(r["department"], r["competency"]): r for r in csv_rows(response.content)}
    hidden = rows[("FIN", "DA.2")]
    assert hidden["suppressed"] == "yes"
    assert [hidden[m] for m in ("people", "known", "meeting", "pct_meeting", "mean_gap")] == [
        "",
        "",
        "",
        "",
        "",
    ]
    assert rows[("CRS", "DA.2")]["suppressed"] == "no"


@pytest.mark.django_db
def test_xlsx_has_summary_data_and_method_with_hidden_cells_empty(client, cto):
    client.force_login(cto)

    response = client.get(reverse("organisation_export", args=["xlsx"]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Summary", "Data", "Method"]
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    # Counted over the groups shown on the departments' pages: CRS's 14. FIN's officers are
    # hidden on FIN's page to protect its 2 analysts; TRN's roles have 3 people each.
    assert summary["People in the groups shown"] == 14
    assert summary["Hidden cells (small groups)"] == 2
    assert summary["Smallest group shown"] == 5  # 4 besides any one viewer
    data = list(book["Data"].iter_rows(values_only=True))
    header, rows = data[0], data[1:]
    by_key = {(r[0], r[2]): dict(zip(header, r, strict=True)) for r in rows}
    assert by_key[("TRN", "DA.2")]["suppressed"] == "yes"
    assert all(by_key[("TRN", "DA.2")][m] is None for m in ("people", "known", "pct_meeting"))
    assert by_key[("CRS", "DA.1")]["pct_meeting"] == 70
    assert by_key[("CRS", "DA.1")]["people"] == 14
    method = [row[0] for row in book["Method"].iter_rows(values_only=True)]
    assert any("only when it has more than 4 people" in line for line in method)


@pytest.mark.django_db
def test_no_number_of_a_hidden_group_appears_in_any_export(client, organisation):
    # TRN has 3 officers and 3 analysts: every job-role group is under 5, so its department
    # export may show no figure for any of them.
    small = organisation.departments["TRN"]
    client.force_login(organisation.cto)

    body = client.get(reverse("department_export", args=[small.code, "csv"])).content
    assert {r["suppressed"] for r in csv_rows(body)} == {"yes"}
    assert {r["people"] for r in csv_rows(body)} == {""}
    book = load_workbook(
        io.BytesIO(client.get(reverse("department_export", args=[small.code, "xlsx"])).content)
    )
    data = list(book["Data"].iter_rows(values_only=True))
    assert all(value is None for row in data[1:] for value in row[6:16])


@pytest.mark.django_db
def test_pdf_report_pack_is_a_pdf(client, cto):
    client.force_login(cto)

    response = client.get(reverse("organisation_export", args=["pdf"]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.django_db
def test_unknown_export_format_is_not_found(client, cto):
    client.force_login(cto)

    assert client.get(reverse("organisation_export", args=["docx"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("extension", ["csv", "xlsx", "pdf"])
def test_command_writes_each_format(tmp_path, cto, extension):
    out = tmp_path / f"report.{extension}"

    call_command("skill_gap_report", "--out", str(out))

    body = out.read_bytes()
    if extension == "csv":
        assert len(csv_rows(body)) == 9
    elif extension == "xlsx":
        assert load_workbook(io.BytesIO(body)).sheetnames == ["Summary", "Data", "Method"]
    else:
        assert body.startswith(b"%PDF")


@pytest.mark.django_db
def test_command_for_one_department(tmp_path, cto):
    out = tmp_path / "crs.csv"

    call_command("skill_gap_report", "--out", str(out), "--department", "CRS")

    rows = csv_rows(out.read_bytes())
    assert {r["department"] for r in rows} == {"CRS"}
    assert {r["job_role"] for r in rows} == {"citizen-service-officer", "data-analyst"}


@pytest.mark.django_db
def test_command_refuses_an_unknown_extension(tmp_path, cto):
    with pytest.raises(CommandError, match=r"must end in \.csv, \.xlsx, \.pdf"):
        call_command("skill_gap_report", "--out", str(tmp_path / "report.docx"))


@pytest.mark.django_db
def test_command_refuses_an_unknown_department(tmp_path, cto):
    with pytest.raises(
        CommandError, match=r"No department with code 'NOPE'\. Known: CRS, FIN, TRN\."
    ):
        call_command("skill_gap_report", "--out", str(tmp_path / "r.csv"), "--department", "NOPE")
    assert not (tmp_path / "r.csv").exists()


@pytest.mark.django_db
def test_names_that_look_like_formulas_are_exported_as_text(client, cto):
    trick = '=HYPERLINK("https://attacker.example/","Finance")'
    Department.objects.filter(code="FIN").update(name=trick)
    Competency.objects.filter(code="DA.1").update(title="@SUM(1+1)")
    client.force_login(cto)

    rows = csv_rows(client.get(reverse("organisation_export", args=["csv"])).content)
    finance = next(r for r in rows if r["department"] == "FIN")
    assert finance["department_name"] == "'" + trick
    assert next(r for r in rows if r["competency"] == "DA.1")["competency_title"] == "'@SUM(1+1)"
    # Figures are numbers, not names: they are written as they are.
    assert all(not r["mean_gap"].startswith("'") for r in rows)

    book = load_workbook(
        io.BytesIO(client.get(reverse("organisation_export", args=["xlsx"])).content)
    )
    cells = [cell for row in book["Data"].iter_rows() for cell in row]
    named = [cell for cell in cells if cell.value == trick]
    assert named, "the department's name is in the data sheet"
    assert all(cell.data_type == "s" for cell in named)
    assert not [
        cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
