"""The roster's problems and the lines of its preview read in the administrator's language."""

import pytest
from django.utils import translation

from organisations.roster.plan import RosterRefused
from organisations.roster.report import roster_diff
from organisations.roster.services import roster_import
from tests.organisations.roster.rosters import person, roster, written

NBSP = "\u00a0"
APOS = "\u2019"  # the typographic apostrophe of French text


def problems_in(language: str, content: bytes) -> list[str]:
    before = written()
    with translation.override(language):
        with pytest.raises(RosterRefused) as caught:
            roster_import(content=content, file_name="staff.csv")
        shown = [str(problem) for problem in caught.value.problems]
    assert written() == before
    return shown


@pytest.mark.django_db
def test_each_refused_line_is_named_in_french(department):
    content = roster(person("E1", email="broken"), person("E2", leaving_date="31/03/2026"))

    assert problems_in("fr", content) == [
        f"Ligne 2, email{NBSP}: 'broken' n{APOS}est pas une adresse e-mail.",
        f"Ligne 3, leaving_date{NBSP}: '31/03/2026' n{APOS}est pas une date au format 2026-03-31.",
    ]


@pytest.mark.django_db
def test_a_problem_with_the_whole_file_is_explained_in_spanish_and_arabic(department):
    assert problems_in("es", b"") == [
        "El archivo: está vacío; la primera línea nombra las columnas."
    ]
    assert problems_in("ar", b"") == ["الملف: فارغ؛ يسمّي السطر الأول الأعمدة."]


@pytest.mark.django_db
def test_the_preview_lines_read_in_french(department):
    content = roster(
        {"department_code": "FIN", "department_name": "Finance", "parent_department_code": "CRS"},
        person("E1"),
        person("E2", department="FIN", line_manager_employee_number="E1"),
    )

    with translation.override("fr"):
        plan = roster_import(content=content, file_name="staff.csv", dry_run=True)
        lines = [(line.kind, line.line, line.subject, line.detail) for line in roster_diff(plan)]

    assert lines == [
        ("direction", 2, "FIN", "ajoutée, 'Finance', rattachée à CRS"),
        ("arrivée", 3, "E1 e1@city.example.gov", "direction CRS"),
        ("arrivée", 4, "E2 e2@city.example.gov", "direction FIN; responsable hiérarchique E1"),
    ]
