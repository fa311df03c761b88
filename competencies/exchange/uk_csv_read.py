"""The readers behind `uk_csv.csv_parse`: one per kind of value a line carries."""

from urllib.parse import unquote

from django.utils.text import slugify
from django.utils.translation import gettext

from competencies.exchange.csv_rows import Rows
from competencies.exchange.data import FrameworkData, Held, too_long
from competencies.exchange.errors import RowError
from competencies.models import Area, Competency, CrosswalkLink, Framework, ProficiencyLevel

UK_SCALE = {1: "Awareness", 2: "Working", 3: "Practitioner", 4: "Expert"}
DEFAULT_AREA = ("GEN", "General")
FRAMEWORK_COLUMNS = {
    "Framework slug": "slug",
    "Framework status": "status",
    "Publisher": "publisher",
    "Source": "source",
    "Licence": "licence",
    "Framework description": "description",
}


def read_framework(rows: Rows, *, name: str | None, version: str | None) -> FrameworkData:
    data: FrameworkData = {"uuid": None, "last_change": None, "notes": []}
    for column, key, given, model_field in [
        ("Framework", "name", name, "name"),
        ("Framework version", "version", version, "version"),
    ]:
        value = given or rows.single(column)
        if not value:
            message = {
                "name": gettext("is missing: fill in this column or give the name (--name)"),
                "version": gettext(
                    "is missing: fill in this column or give the version (--version)"
                ),
            }[key]
            rows.errors.append(RowError(1, column, message))
        elif problem := too_long(value, Framework, model_field):
            rows.errors.append(RowError(rows.first_line(column), column, problem))
        data[key] = value or ""
    for column, key in FRAMEWORK_COLUMNS.items():
        data[key] = rows.single(column, blanks=True)
        if key in ("publisher", "licence", "slug") and (
            problem := too_long(data[key], Framework, key)
        ):
            rows.errors.append(RowError(rows.first_line(column), column, problem))
    data["slug"] = data["slug"] or slugify(data["name"])[:60].strip("-")
    if data["name"] and not data["slug"]:
        rows.errors.append(
            RowError(1, "Framework slug", gettext("is missing (the name gives none)"))
        )
    elif data["slug"] != slugify(data["slug"]):
        rows.errors.append(
            RowError(
                rows.first_line("Framework slug"),
                "Framework slug",
                gettext("use only lower-case letters, digits and hyphens"),
            )
        )
    statuses = {choice.casefold(): value for value, choice in Framework.Status.choices}
    statuses |= {value: value for value in Framework.Status.values}
    status = data["status"].casefold() or Framework.Status.DRAFT
    if status not in statuses:
        rows.errors.append(
            RowError(
                rows.first_line("Framework status"),
                "Framework status",
                gettext("%(status)s is not one of: draft, published")
                % {"status": repr(data["status"])},
            )
        )
    data["status"] = statuses.get(status, Framework.Status.DRAFT)
    return data


def read_scale(rows: Rows) -> dict[int, tuple[str, str]]:
    """number -> (name, description): from the scale lines, or the UK scale without them."""
    if not rows.has("Level number"):
        return {number: (name, "") for number, name in UK_SCALE.items()}
    scale: dict[int, tuple[str, str]] = {}
    for line, row in rows.lines:
        if row["Role"] or row["Skill"] or not row["Skill level"]:
            continue
        number = rows.integer(line, row, "Level number")
        if number is None:
            continue
        rows.same(("level name", number), row["Skill level"], line, "Skill level")
        rows.same(("level number", row["Skill level"].casefold()), number, line, "Level number")
        rows.same(
            ("level description", number), row["Level description"], line, "Level description"
        )
        if problem := too_long(row["Skill level"], ProficiencyLevel, "name"):
            rows.errors.append(RowError(line, "Skill level", problem))
        scale.setdefault(number, (row["Skill level"], row["Level description"]))
    return scale


def read_level(rows: Rows, scale: dict, line: int, row: dict) -> int | None:
    name = row["Skill level"]
    if not name:
        if rows.has("Level number") and row["Level number"]:
            rows.errors.append(RowError(line, "Skill level", gettext("is missing")))
        return None
    by_name = {level_name.casefold(): n for n, (level_name, _) in scale.items()}
    if not rows.has("Level number"):
        if name.casefold() not in by_name:
            names = ", ".join(UK_SCALE.values())
            rows.errors.append(
                RowError(
                    line,
                    "Skill level",
                    gettext("unknown level %(name)s; use %(names)s")
                    % {"name": repr(name), "names": names},
                )
            )
        return by_name.get(name.casefold())
    number = rows.integer(line, row, "Level number")
    if number is None:
        return None
    if scale.get(number, ("",))[0].casefold() != name.casefold():
        known = "; ".join(f"{n} {level_name}" for n, (level_name, _) in sorted(scale.items()))
        message = gettext("unknown level %(number)s %(name)s; the scale is: %(scale)s") % {
            "number": number,
            "name": repr(name),
            "scale": known or gettext("not given"),
        }
        rows.errors.append(RowError(line, "Skill level", message))
        return None
    return number


def read_area(rows: Rows, areas: dict, line: int, row: dict) -> dict | None:
    if not rows.has("Area code"):
        code, title = DEFAULT_AREA
        return areas.setdefault(
            code, {"code": code, "title": title, "description": "", "codes": []}
        )
    code, title = row["Area code"], row["Area"]
    if not code:
        rows.errors.append(RowError(line, "Area code", gettext("is missing")))
        return None
    rows.same(("area", code, "title"), title, line, "Area")
    description = row.get("Area description", "")
    rows.same(("area", code, "description"), description, line, "Area description")
    if code not in areas:
        for value, field, column in [(code, "code", "Area code"), (title, "title", "Area")]:
            if problem := (
                too_long(value, Area, field) or ("" if value else gettext("is missing"))
            ):
                rows.errors.append(RowError(line, column, problem))
        areas[code] = {"code": code, "title": title, "description": description, "codes": []}
    return areas[code]


def read_skill(rows: Rows, skills: dict, line: int, row: dict) -> dict | None:
    title = row["Skill"]
    if rows.has("Skill code"):
        code = row["Skill code"]
        if not code:
            rows.errors.append(RowError(line, "Skill code", gettext("is missing")))
            return None
    else:
        code = rows.derived_code(title)
    rows.same(("skill", code, "title"), title, line, "Skill")
    rows.same(("skill", code, "description"), row["Skill description"], line, "Skill description")
    crosswalk = row.get("Crosswalk", "")
    rows.same(("skill", code, "crosswalk"), crosswalk, line, "Crosswalk")
    if code in skills:
        return skills[code]
    for value, field, column in [(code, "code", "Skill code"), (title, "title", "Skill")]:
        if problem := too_long(value, Competency, field):
            rows.errors.append(RowError(line, column, problem))
    skills[code] = {
        "code": code,
        "title": title,
        "description": row["Skill description"],
        "uuid": None,
        "descriptors": {},
        "crosswalk": _crosswalk(rows, line, crosswalk),
    }
    return skills[code]


def _crosswalk(rows: Rows, line: int, text: str) -> list[dict]:
    links, seen = [], set()
    for entry in filter(None, (part.strip() for part in text.split(";"))):
        verified = not entry.endswith("~")
        scheme, _, code = entry.removesuffix("~").partition(":")
        scheme, code = unquote(scheme.strip()), unquote(code.strip())
        problem = (
            None
            if scheme and code
            else gettext("%(entry)s is not scheme:code") % {"entry": repr(entry)}
        )
        problem = problem or too_long(scheme, CrosswalkLink, "scheme")
        problem = problem or too_long(code, CrosswalkLink, "code")
        if (scheme, code) in seen:
            problem = gettext("%(link)s is listed twice") % {"link": f"{scheme}:{code}"}
        if problem:
            rows.errors.append(RowError(line, "Crosswalk", problem))
            continue
        seen.add((scheme, code))
        links.append({"scheme": scheme, "code": code, "verified": verified, "target": None})
    return links


def read_requirement(
    rows: Rows,
    held: Held,
    seen: dict,
    line: int,
    row: dict,
    code: str,
    number: int,
    data: FrameworkData,
) -> None:
    role = held.job_role(row["Role"])
    if role is None:
        rows.errors.append(
            RowError(
                line, "Role", gettext("unknown job role %(role)s") % {"role": repr(row["Role"])}
            )
        )
        return
    department = None
    if rows.has("Department") and row["Department"]:
        department = held.department(row["Department"])
        if department is None:
            message = gettext("unknown department code %(code)s") % {
                "code": repr(row["Department"])
            }
            rows.errors.append(RowError(line, "Department", message))
            return
    key = (role, code, department)
    if key in seen:
        values = {"role": role, "code": code, "department": department, "line": seen[key]}
        message = (
            gettext("%(role)s already needs %(code)s in %(department)s on line %(line)s")
            if department
            else gettext("%(role)s already needs %(code)s on line %(line)s")
        ) % values
        rows.errors.append(RowError(line, "Role", message))
        return
    seen[key] = line
    data["requirements"].append(
        {
            "job_role": role,
            "family": row["Role family"],
            "competency": code,
            "department": department,
            "level": number,
        }
    )
