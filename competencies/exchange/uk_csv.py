"""CSV in the UK framework's column layout, followed by the columns a lossless round trip needs.

The first seven columns are the UK layout HR teams hold (role family, role, role level, skill,
skill description, skill level, level description); EXTRA_COLUMNS follow. Every line is one of:

- a scale line: no role, no skill, a skill level with its number; the level description is the
  level's own description (these come first);
- a requirement: a role needs the skill at the skill level (in one department when Department
  is set); the level description is the skill's descriptor at that level;
- a descriptor: no role; the skill's descriptor at a level no role needs;
- a skill with no descriptors or requirements: no role, no level;
- an area with no skills: only the area columns.

Values that describe one thing (a skill's name, description, area and crosswalk; an area's
title; a descriptor; the framework's name and version) must be the same on every line that
repeats them. The framework's other details are written on the first line only; any line may
leave them empty, and the lines that fill them in must agree.
Job roles are matched by name and departments by code; "Role family" is written from the job
role and not checked on import. "Role level" is a role's seniority in the UK layout; job roles
here have none, so it is exported empty and ignored on import (with a note). Crosswalk is
"scheme:code" entries joined by ";", a trailing "~" marking an unverified link
("DigComp 2.2:1.1;e-CF:D.10~"); "%", ":", ";" and "~" inside a scheme or code are
percent-encoded. A file with only the UK columns is read with the UK scale (Awareness 1 to
Expert 4), one area "General" and skill codes made from skill names.
"""

import csv
import io

from django.utils.translation import gettext

from competencies.exchange.csv_languages import (
    DEFAULT_LANGUAGE,
    LANGUAGE_COLUMN,
    Collected,
    columns_for,
    descriptor_cells,
    header_errors,
    languages_of,
    tagged_columns,
)
from competencies.exchange.csv_rows import read_rows
from competencies.exchange.data import FrameworkData, Held
from competencies.exchange.errors import ImportRefused, RowError
from competencies.exchange.uk_csv_read import (
    FRAMEWORK_COLUMNS,
    UK_SCALE,
    read_area,
    read_framework,
    read_level,
    read_requirement,
    read_scale,
    read_skill,
)
from competencies.translation import language_codes

UK_COLUMNS = [
    "Role family",
    "Role",
    "Role level",
    "Skill",
    "Skill description",
    "Skill level",
    "Level description",
]
EXTRA_COLUMNS = [
    "Framework",
    "Framework version",
    "Area code",
    "Area",
    "Skill code",
    "Level number",
    "Department",
    "Crosswalk",
    "Framework slug",
    "Framework status",
    "Publisher",
    "Source",
    "Licence",
    "Framework description",
    "Area description",
]
COLUMNS = UK_COLUMNS + EXTRA_COLUMNS
__all__ = ["COLUMNS", "UK_SCALE", "csv_export", "csv_parse"]
_AREA_TAGS = {"Area": "title", "Area description": "description"}
_ENCODE = {"%": "%25", ":": "%3A", ";": "%3B", "~": "%7E"}


def csv_export(data: FrameworkData) -> str:
    """The framework as CSV text (header first, CRLF line ends, no byte order mark)."""
    languages = languages_of(data)
    framework = {"Framework": data["name"], "Framework version": data["version"]}
    names = {level["number"]: level["name"] for level in data["levels"]}
    tagged_names = {
        level["number"]: {
            f"Skill level@{language}": (level.get("translations") or {})
            .get(language, {})
            .get("name", "")
            for language in languages
        }
        for level in data["levels"]
    }
    lines = [
        framework
        | {
            "Skill level": level["name"],
            "Level number": level["number"],
            "Level description": level["description"],
        }
        | columns_for(level, "level", languages)
        for level in data["levels"]
    ]
    needs: dict[str, list[dict]] = {}
    for requirement in data["requirements"]:
        needs.setdefault(requirement["competency"], []).append(requirement)
    for area in data["areas"]:
        area_columns = (
            framework
            | {
                "Area code": area["code"],
                "Area": area["title"],
                "Area description": area["description"],
            }
            | columns_for(area, "area", languages)
        )
        if not area["competencies"]:
            lines.append(area_columns)
        for competency in area["competencies"]:
            skill = (
                area_columns
                | {
                    "Skill": competency["title"],
                    "Skill description": competency["description"],
                    "Skill code": competency["code"],
                    "Crosswalk": _crosswalk_text(competency),
                }
                | columns_for(competency, "competency", languages)
            )
            at = _skill_lines(skill, competency, needs.get(competency["code"], []), names)
            for line in at:
                if "Level number" in line:
                    line |= tagged_names.get(line["Level number"], {})
                    line |= descriptor_cells(competency, line["Level number"], languages)
            lines.extend(at)
    # The framework's details are long: the first line carries them, the others leave them out.
    details = {column: data[key] for column, key in FRAMEWORK_COLUMNS.items()}
    details |= columns_for(data, "framework", languages)
    own = data.get("language") or DEFAULT_LANGUAGE
    if own != DEFAULT_LANGUAGE:
        details[LANGUAGE_COLUMN] = own
    lines = [framework | details] if not lines else [lines[0] | details, *lines[1:]]
    out = io.StringIO()
    writer = csv.DictWriter(
        out,
        fieldnames=COLUMNS
        + ([LANGUAGE_COLUMN] if own != DEFAULT_LANGUAGE else [])
        + tagged_columns(languages),
        lineterminator="\r\n",
    )
    writer.writeheader()
    writer.writerows(lines)
    return out.getvalue()


def _skill_lines(skill: dict, competency: dict, wanted: list[dict], names: dict) -> list[dict]:
    """A line per requirement (with its level's descriptor), one per descriptor no role
    needs, or a single line for a skill with neither."""
    numbers = sorted(set(competency["descriptors"]) | {r["level"] for r in wanted})
    lines = [] if numbers else [skill]
    for number in numbers:
        at_level = skill | {
            "Skill level": names.get(number, str(number)),
            "Level number": number,
            "Level description": competency["descriptors"].get(number, ""),
        }
        roles = sorted(
            (r for r in wanted if r["level"] == number),
            key=lambda r: (r["job_role"], r["department"] or ""),
        )
        lines.extend(
            at_level
            | {
                "Role family": requirement["family"],
                "Role": requirement["job_role"],
                "Department": requirement["department"] or "",
            }
            for requirement in roles
        )
        if not roles:
            lines.append(at_level)
    return lines


def _crosswalk_text(competency: dict) -> str:
    def encode(value: str) -> str:
        return "".join(_ENCODE.get(char, char) for char in value)

    return ";".join(
        f"{encode(link['scheme'])}:{encode(link['code'])}{'' if link['verified'] else '~'}"
        for link in competency["crosswalk"]
    )


def csv_parse(
    content: bytes | str, *, held: Held, name: str | None = None, version: str | None = None
) -> FrameworkData:
    """Read and check a whole CSV file; raise ImportRefused naming every faulty line and field.

    `name` and `version` override the file's Framework and Framework version columns (and are
    needed when it has none)."""
    rows = read_rows(content, required=UK_COLUMNS, pairs=[("Area code", "Area")])
    errors = rows.errors
    errors.extend(header_errors(rows.header))
    own = rows.single(LANGUAGE_COLUMN, blanks=True)
    if own and own not in language_codes():
        errors.append(
            RowError(
                rows.first_line(LANGUAGE_COLUMN),
                LANGUAGE_COLUMN,
                gettext("%(language)s is not a language here; use %(languages)s")
                % {"language": repr(own), "languages": ", ".join(language_codes())},
            )
        )
    collected = Collected(rows)
    data = read_framework(rows, name=name, version=version)
    scale = read_scale(rows)
    areas: dict[str, dict] = {}
    skills: dict[str, dict] = {}
    requirements: dict[tuple, int] = {}
    data["requirements"] = []
    for line, row in rows.lines:
        skill, role = row["Skill"], row["Role"]
        collected.take(("framework",), line, row, {"Framework": "name"})
        collected.take(("framework",), line, row, {"Framework description": "description"})
        if not (skill or role) and row["Skill level"] and rows.has("Level number"):
            if row["Level number"].isdigit():
                collected.take(
                    ("level", int(row["Level number"])),
                    line,
                    row,
                    {"Skill level": "name", "Level description": "description"},
                )
            continue  # a scale line, read by read_scale
        if not skill:
            if not role and not row["Skill level"] and rows.has("Area code") and row["Area code"]:
                area = read_area(rows, areas, line, row)
                if area is not None:
                    collected.take(("area", area["code"]), line, row, _AREA_TAGS)
            else:
                errors.append(RowError(line, "Skill", gettext("is missing")))
            continue
        number = read_level(rows, scale, line, row)
        area = read_area(rows, areas, line, row)
        competency = read_skill(rows, skills, line, row)
        if area is not None:
            collected.take(("area", area["code"]), line, row, _AREA_TAGS)
        if competency is not None:
            collected.take(
                ("competency", competency["code"]),
                line,
                row,
                {"Skill": "title", "Skill description": "description"},
            )
            if number is not None:
                collected.take(("level", number), line, row, {"Skill level": "name"})
                collected.take(
                    ("descriptor", competency["code"], number),
                    line,
                    row,
                    {"Level description": "text"},
                )
        if area is not None and competency is not None:
            rows.same(("skill area", competency["code"]), area["code"], line, "Area code")
            if competency["code"] not in area["codes"]:
                area["codes"].append(competency["code"])
        if competency is None or number is None:
            if role and not row["Skill level"]:
                errors.append(RowError(line, "Skill level", gettext("is missing")))
            continue
        text = row["Level description"]
        rows.same(("descriptor", competency["code"], number), text, line, "Level description")
        if text:
            competency["descriptors"].setdefault(number, text)
        if role:
            read_requirement(rows, held, requirements, line, row, competency["code"], number, data)
    if any(row["Role level"] for _, row in rows.lines):
        data["notes"].append(
            gettext("Role level values were ignored: job roles here have no seniority.")
        )
    data["levels"] = [
        {"number": n, "name": scale[n][0], "description": scale[n][1]} for n in sorted(scale)
    ]
    data["areas"] = [
        {
            "code": a["code"],
            "title": a["title"],
            "description": a["description"],
            "competencies": [skills[code] for code in a["codes"]],
        }
        for a in areas.values()
    ]
    collected.apply(data)
    if own:
        data["language"] = own
    if not rows.lines:
        errors.append(RowError(1, "Skill", gettext("the file has no lines after the header")))
    if (data["slug"], data["version"]) in held.frameworks:
        errors.append(
            RowError(
                rows.first_line("Framework version"),
                "Framework version",
                gettext(
                    "%(name)s version %(version)s is already held here; "
                    "import it under another version"
                )
                % {"name": data["name"], "version": data["version"]},
            )
        )
    if errors:
        raise ImportRefused(errors)
    return data
