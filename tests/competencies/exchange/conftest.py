"""Helpers for import and export tests: row counts, CSV cell edits and the seeded framework."""

import csv
import io

import pytest

import content_fixtures
from competencies.models import (
    Area,
    Competency,
    CrosswalkLink,
    Framework,
    LevelDescriptor,
    ProficiencyLevel,
    RoleRequirement,
)
from competencies.services import framework_load, role_requirements_load
from organisations.services import organisation_load

MODELS = [
    Framework,
    ProficiencyLevel,
    Area,
    Competency,
    LevelDescriptor,
    CrosswalkLink,
    RoleRequirement,
]


def row_counts() -> dict[str, int]:
    """How many rows every competencies model holds; an import that is refused changes none."""
    return {model.__name__: model.objects.count() for model in MODELS}


def csv_lines(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_text(lines: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(lines)
    return out.getvalue()


def edit_csv(text: str, line: int, column: str, value: str) -> str:
    """`text` with one cell changed; `line` counts from 1 with the header as line 1."""
    lines = csv_lines(text)
    lines[line - 1][lines[0].index(column)] = value
    return csv_text(lines)


def framework_delete(framework: Framework) -> None:
    """Remove a framework entirely (areas are protected while competencies use them)."""
    Competency.objects.filter(framework=framework).delete()
    framework.delete()


@pytest.fixture
def seeded(db):
    """The demo organisation and the seed frameworks, loaded as seed_demo loads them."""
    return seed()


def seed():
    organisation = content_fixtures.read("organisation")
    organisation_load(departments=organisation["departments"], job_roles=organisation["job_roles"])
    framework_load(content_fixtures.read("frameworks/digcomp-2-2"))
    framework = framework_load(content_fixtures.read("frameworks/people-centred-digital-capacity"))
    role_requirements_load(content_fixtures.read("frameworks/role-requirements"))
    return framework
