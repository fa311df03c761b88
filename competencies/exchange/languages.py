"""Translations in the exchange formats: how CASE and CSV carry each language.

CASE keeps one language per document and item (`CFDocument.language`, `CFItem.language`, the
framework's own language). The other languages travel as language-tagged fields in
`extensions`, under the names CASE gives those fields:
- CFDocument.extensions.translations: {language: {"title", "description"}};
- CFDocument.extensions.levelTranslations: {language: {level number: {"title", "description"}}}
  (CFConcept has no extensions);
- CFItem.extensions.translations: {language: {"fullStatement", "notes"}};
- CFItem.extensions.descriptorTranslations: {language: {level number: text}} on a competency
  (CFRubricCriterionLevel has no extensions).
"""

from django.utils.translation import gettext

from competencies.translation import clean_translations, language_codes

# Our field -> the CASE field, for each kind of row.
DOCUMENT_FIELDS = {"name": "title", "description": "description"}
LEVEL_FIELDS = {"name": "title", "description": "description"}
ITEM_FIELDS = {"title": "fullStatement", "description": "notes"}


def case_language(code: str) -> str:
    """The ISO 639-1 code CASE's language field takes (en-gb → en)."""
    return (code or "en").split("-")[0]


def to_case(translations: dict, fields: dict[str, str]) -> dict:
    return {
        language: {fields[f]: text for f, text in texts.items() if f in fields}
        for language, texts in clean_translations(translations).items()
    }


def _known_language(check, language: str, where: str) -> bool:
    """Whether `language` is one of the service's; a fault at `where` if not."""
    if language in language_codes():
        return True
    check.fault(
        where,
        gettext("%(language)s is not a language here; use %(languages)s")
        % {"language": repr(language), "languages": ", ".join(language_codes())},
    )
    return False


def from_case(check, value, fields: dict[str, str], path: str) -> dict:
    """{language: {our field: text}} from a language-tagged CASE value; faults on bad tags."""
    back = {case: ours for ours, case in fields.items()}
    found: dict[str, dict[str, str]] = {}
    if not isinstance(value, dict):
        check.fault(path, gettext("must be a JSON object of languages"))
        return found
    for language, texts in value.items():
        where = f"{path}.{language}"
        if not _known_language(check, language, where):
            continue
        if not isinstance(texts, dict):
            check.fault(where, gettext("must be a JSON object of fields"))
            continue
        for field, text in texts.items():
            if field not in back:
                check.fault(
                    f"{where}.{field}", gettext("use only %(fields)s") % {"fields": ", ".join(back)}
                )
            elif not isinstance(text, str):
                check.fault(f"{where}.{field}", gettext("must be a string"))
            elif text.strip():
                found.setdefault(language, {})[back[field]] = text
    return found


def levels_from_case(check, value, path: str) -> dict[int, dict]:
    """{level number: {language: {"name", "description"}}}."""
    found: dict[int, dict] = {}
    if not isinstance(value, dict):
        check.fault(path, gettext("must be a JSON object of languages"))
        return found
    for language, levels in value.items():
        if not isinstance(levels, dict):
            check.fault(f"{path}.{language}", gettext("must be a JSON object of level numbers"))
            continue
        for number, texts in levels.items():
            if not str(number).isdigit():
                check.fault(f"{path}.{language}.{number}", gettext("is not a level number"))
                continue
            one = from_case(check, {language: texts}, LEVEL_FIELDS, path)
            for lang, fields in one.items():
                found.setdefault(int(number), {})[lang] = fields
    return found


def descriptors_from_case(check, value, path: str) -> dict[int, dict[str, str]]:
    """{level number: {language: text}}."""
    found: dict[int, dict[str, str]] = {}
    if not isinstance(value, dict):
        check.fault(path, gettext("must be a JSON object of languages"))
        return found
    for language, levels in value.items():
        where = f"{path}.{language}"
        if not _known_language(check, language, where):
            continue
        if not isinstance(levels, dict):
            check.fault(where, gettext("must be a JSON object of level numbers"))
            continue
        for number, text in levels.items():
            if not str(number).isdigit() or not isinstance(text, str):
                check.fault(f"{where}.{number}", gettext("must map a level number to text"))
            elif text.strip():
                found.setdefault(int(number), {})[language] = text
    return found
