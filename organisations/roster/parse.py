"""Reading a roster file: each line checked on its own, with its line number."""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import validate_email, validate_slug
from django.utils.translation import gettext

from organisations.models import code_validator

REQUIRED_COLUMNS = ("employee_number", "email", "given_name", "department_code")
OPTIONAL_COLUMNS = (
    "family_name",
    "department_name",
    "parent_department_code",
    "job_role_code",
    "job_role_name",
    "line_manager_employee_number",
    "leaving_date",
    "leads_department_codes",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
PERSON_COLUMNS = (
    "employee_number",
    "email",
    "given_name",
    "family_name",
    "line_manager_employee_number",
    "leaving_date",
    "leads_department_codes",
)
MAX_LENGTHS = {
    "employee_number": 64,
    "email": 254,
    "given_name": 150,
    "family_name": 150,
    "department_name": 200,
    "job_role_code": 60,
    "job_role_name": 200,
    "line_manager_employee_number": 64,
}
LIST_SEPARATORS = re.compile(r"[;\s]+")


@dataclass(frozen=True)
class RosterProblem:
    """Why a line (0: the file as a whole) was refused."""

    line: int
    field: str
    message: str

    def __str__(self) -> str:
        values = {"line": self.line, "field": self.field, "message": self.message}
        if not self.line:
            # Translators: a problem with the roster file as a whole.
            return gettext("The file: %(message)s") % values
        if self.field:
            # Translators: "field" is a column name of the roster file, kept as it is.
            return gettext("Line %(line)s, %(field)s: %(message)s") % values
        return gettext("Line %(line)s: %(message)s") % values


@dataclass
class ParsedRoster:
    rows: list["RosterRow"]
    problems: list[RosterProblem]
    # Employee numbers on refused lines: other lines may name them as line managers, and
    # calling those managers unknown would only add noise to the real problem.
    refused_employee_numbers: set[str]


@dataclass(frozen=True)
class RosterRow:
    """One line of the file. A row without an employee number and email declares only a
    department or a job role (one with no staff of its own, such as a directorate)."""

    line: int
    employee_number: str = ""
    email: str = ""
    given_name: str = ""
    family_name: str = ""
    department_code: str = ""
    department_name: str = ""
    parent_department_code: str = ""
    job_role_code: str = ""
    job_role_name: str = ""
    line_manager_employee_number: str = ""
    leaving_date: date | None = None
    leads_department_codes: tuple[str, ...] = ()

    @property
    def is_person(self) -> bool:
        return bool(self.employee_number or self.email)


def roster_rows_read(content: bytes) -> ParsedRoster:
    """Every row of the file and every problem found in a row on its own (cross-row checks,
    such as duplicates or unknown departments, come later)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(
            RosterProblem(0, "", gettext("it is not UTF-8 text; save it as CSV UTF-8."))
        )
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        return _refused(
            RosterProblem(0, "", gettext("it is empty; the first line names the columns."))
        )
    except csv.Error as error:
        return _refused(RosterProblem(1, "", _unreadable(error)))
    problems = _header_problems(header)
    if problems:
        return ParsedRoster([], problems, set())
    rows: list[RosterRow] = []
    refused_numbers: set[str] = set()
    try:
        for values in reader:
            line = reader.line_num
            if not any(value.strip() for value in values):
                continue
            if len(values) != len(header):
                problems.append(
                    RosterProblem(
                        line,
                        "",
                        gettext("it has %(fields)s fields but the header has %(header)s.")
                        % {"fields": len(values), "header": len(header)},
                    )
                )
                continue
            raw = dict(zip(header, values, strict=True))
            row, row_problems = _row_read(line, raw)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
            elif raw.get("employee_number", "").strip():
                refused_numbers.add(raw["employee_number"].strip())
    except csv.Error as error:
        problems.append(RosterProblem(reader.line_num, "", _unreadable(error)))
    if not rows and not problems:
        problems.append(RosterProblem(0, "", gettext("it holds no rows under the header.")))
    return ParsedRoster(rows, problems, refused_numbers)


def _unreadable(error: csv.Error) -> str:
    return gettext("it is not readable CSV (%(error)s).") % {"error": error}


def _refused(problem: RosterProblem) -> ParsedRoster:
    return ParsedRoster([], [problem], set())


def _header_problems(header: list[str]) -> list[RosterProblem]:
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(
            RosterProblem(
                1,
                "",
                gettext("the columns %(columns)s are missing.") % {"columns": ", ".join(missing)},
            )
        )
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(
            RosterProblem(
                1,
                "",
                gettext("unknown columns %(unknown)s; the columns are %(columns)s.")
                % {
                    "unknown": ", ".join(repr(name) for name in unknown),
                    "columns": ", ".join(COLUMNS),
                },
            )
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(
            RosterProblem(
                1, "", gettext("the columns %(columns)s repeat.") % {"columns": ", ".join(repeated)}
            )
        )
    return problems


def _row_read(line: int, raw: dict[str, str]) -> tuple[RosterRow | None, list[RosterProblem]]:
    values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
    problems = []

    def refuse(field: str, message: str) -> None:
        problems.append(RosterProblem(line, field, message))

    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            refuse(name, gettext("use at most %(limit)s characters.") % {"limit": limit})
    is_person = any(values[name] for name in PERSON_COLUMNS)
    if is_person:
        for name in REQUIRED_COLUMNS:
            if not values[name]:
                refuse(name, gettext("is required for a person."))
    elif not (values["department_code"] and values["department_name"]) and not (
        values["job_role_code"] and values["job_role_name"]
    ):
        refuse(
            "",
            gettext("a row without a person declares a department or a job role with its name."),
        )
    values["email"] = values["email"].lower()
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            refuse(
                "email",
                gettext("%(email)s is not an email address.") % {"email": repr(values["email"])},
            )
    for name in ("department_code", "parent_department_code"):
        if values[name] and not code_validator.regex.match(values[name]):
            refuse(name, f"{values[name]!r}: {code_validator.message}")
    if values["parent_department_code"] and not values["department_name"]:
        refuse("department_name", gettext("is required where a parent department is given."))
    if values["job_role_name"] and not values["job_role_code"]:
        refuse("job_role_code", gettext("is required where a job role name is given."))
    if values["job_role_code"]:
        try:
            validate_slug(values["job_role_code"])
        except ValidationError:
            refuse(
                "job_role_code",
                gettext("%(code)s: use letters, digits, - or _.")
                % {"code": repr(values["job_role_code"])},
            )
    leads = tuple(code for code in LIST_SEPARATORS.split(values["leads_department_codes"]) if code)
    for code in leads:
        if not code_validator.regex.match(code):
            refuse("leads_department_codes", f"{code!r}: {code_validator.message}")
    leaving_date = None
    if values["leaving_date"]:
        try:
            leaving_date = date.fromisoformat(values["leaving_date"])
        except ValueError:
            refuse(
                "leaving_date",
                gettext("%(value)s is not a date like 2026-03-31.")
                % {"value": repr(values["leaving_date"])},
            )
    if problems:
        return None, problems
    values.update(leaving_date=leaving_date, leads_department_codes=tuple(dict.fromkeys(leads)))
    return RosterRow(line=line, **values), []
