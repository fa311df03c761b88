"""Language-tagged CSV columns: "<column>@<language>" holds that column in another language
("Skill@fr", "Level description@ar"). Only the columns that hold framework text may be tagged;
an export adds them only for the languages the framework has translations in, so a framework
in one language exports exactly as before."""

from django.utils.translation import gettext

from competencies.exchange.errors import RowError
from competencies.translation import clean_translations, language_codes

# The framework's own language, written only when it is not the service's default (so an
# English framework's file keeps its columns).
LANGUAGE_COLUMN = "Framework language"
DEFAULT_LANGUAGE = "en-gb"

# Tagged column -> what it translates (the kind of row, the field there).
TAGGED = {
    "Framework": ("framework", "name"),
    "Framework description": ("framework", "description"),
    "Area": ("area", "title"),
    "Area description": ("area", "description"),
    "Skill": ("competency", "title"),
    "Skill description": ("competency", "description"),
    "Skill level": ("level", "name"),
    "Level description": ("level", "description"),  # the descriptor on a skill's line
}


def tagged_columns(languages: list[str]) -> list[str]:
    return [f"{column}@{language}" for language in languages for column in TAGGED]


def languages_of(data: dict) -> list[str]:
    """The languages any of the framework's text is translated into, in a stable order."""
    found = set(data.get("translations") or {})
    for level in data["levels"]:
        found |= set(level.get("translations") or {})
    for area in data["areas"]:
        found |= set(area.get("translations") or {})
        for competency in area["competencies"]:
            found |= set(competency.get("translations") or {})
            for texts in (competency.get("descriptor_translations") or {}).values():
                found |= set(texts)
    return [code for code in language_codes() if code in found]


def columns_for(row: dict, kind: str, languages: list[str]) -> dict[str, str]:
    """The tagged cells of one row (a framework, level, area or competency)."""
    held = row.get("translations") or {}
    return {
        f"{column}@{language}": held.get(language, {}).get(field, "")
        for language in languages
        for column, (of, field) in TAGGED.items()
        if of == kind
    }


def descriptor_cells(competency: dict, number: int, languages: list[str]) -> dict[str, str]:
    texts = (competency.get("descriptor_translations") or {}).get(number, {})
    return {f"Level description@{language}": texts.get(language, "") for language in languages}


def header_errors(header: list[str]) -> list[RowError]:
    """Tagged columns must name a translatable column and a language of this service."""
    errors = []
    for column in header:
        if "@" not in column:
            continue
        base, _, language = column.partition("@")
        if base not in TAGGED:
            errors.append(
                RowError(
                    1,
                    column,
                    gettext("%(column)s cannot be translated; tag one of: %(columns)s")
                    % {"column": repr(base), "columns": ", ".join(TAGGED)},
                )
            )
        elif language not in language_codes():
            errors.append(
                RowError(
                    1,
                    column,
                    gettext("%(language)s is not a language here; use %(languages)s")
                    % {"language": repr(language), "languages": ", ".join(language_codes())},
                )
            )
    return errors


class Collected:
    """Translations read from tagged columns, line by line, each value checked to agree with
    the lines that repeat it."""

    def __init__(self, rows) -> None:
        self.rows = rows
        self.tags = [
            (c, *c.partition("@")[::2]) for c in rows.header if "@" in c and c.split("@")[0]
        ]
        self.found: dict[tuple, dict[str, dict[str, str]]] = {}

    def take(self, key: tuple, line: int, row: dict, columns: dict[str, str]) -> None:
        """Record the tagged cells of `columns` (base column -> field) under `key`."""
        for column, base, language in self.tags:
            if base not in columns or not row.get(column):
                continue
            self.rows.same((key, column), row[column], line, column)
            self.found.setdefault(key, {}).setdefault(language, {})[columns[base]] = row[column]

    def of(self, *key) -> dict:
        return clean_translations(self.found.get(key, {}))

    def apply(self, data: dict) -> None:
        """Add the translations found to `data` (rows without any are left as they were)."""

        def put(row: dict, key: str, value: dict) -> None:
            if value:
                row[key] = value

        put(data, "translations", self.of("framework"))
        for level in data["levels"]:
            put(level, "translations", self.of("level", level["number"]))
        for area in data["areas"]:
            put(area, "translations", self.of("area", area["code"]))
            for competency in area["competencies"]:
                put(competency, "translations", self.of("competency", competency["code"]))
                descriptors = {}
                for number in competency["descriptors"]:
                    texts = self.of("descriptor", competency["code"], number)
                    if texts:
                        descriptors[number] = {lang: t["text"] for lang, t in texts.items()}
                put(competency, "descriptor_translations", descriptors)
