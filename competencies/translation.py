"""Framework text in the reader's language.

Each framework, level, area, competency and level descriptor holds its text in the framework's
own language (`Framework.language`) and, in `translations`, the same fields in other languages:
{"fr": {"title": "...", "description": "..."}, "ar": {...}}. A language or a field left out
shows the source text, so a partly translated framework still reads whole.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _candidates(language: str) -> list[str]:
    """`language` then its base language (fr-ca → fr) and its regional forms held here."""
    base = language.split("-")[0]
    found = [language]
    if base != language:
        found.append(base)
    found += [code for code in language_codes() if code.split("-")[0] == base]
    return list(dict.fromkeys(found))


def text_in(row: Any, field: str, language: str | None = None) -> str:
    """`row`'s `field` in `language` (the active language by default), else the source."""
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).lower()
    held: Mapping[str, Mapping[str, str]] = getattr(row, "translations", None) or {}
    for code in _candidates(language):
        text = (held.get(code) or {}).get(field)
        if isinstance(text, str) and text.strip():
            return text
    return getattr(row, field)


def translations_problems(value: Any, fields: Iterable[str]) -> list[str]:
    """What is wrong with a `translations` value, as sentences; [] when it is right."""
    fields = tuple(fields)
    if not isinstance(value, dict):
        return ['Write the translations as {"fr": {"title": "..."}}.']
    problems = []
    for language, texts in value.items():
        if language not in language_codes():
            problems.append(
                f"{language!r} is not a language of this service "
                f"(use {', '.join(language_codes())})."
            )
        elif not isinstance(texts, dict):
            problems.append(f"The {language} translations must map field names to text.")
        else:
            for field, text in texts.items():
                if field not in fields:
                    problems.append(
                        f"{field!r} cannot be translated here (use {', '.join(fields)})."
                    )
                elif not isinstance(text, str):
                    problems.append(f"The {language} {field} must be text.")
    return problems


def clean_translations(value: Mapping[str, Mapping[str, str]] | None) -> dict:
    """`value` without empty texts or languages, in a stable order."""
    cleaned = {}
    for language in sorted(value or {}):
        texts = {f: t for f, t in sorted((value[language] or {}).items()) if t and t.strip()}
        if texts:
            cleaned[language] = texts
    return cleaned
